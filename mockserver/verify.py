"""Expectations about what a tool sent, checked against request-journal entries.

Each check takes the journal entries (``GET /__mock__/requests`` → ``requests``) and raises an
``AssertionError`` whose message says what was expected and lists what was seen. The pytest
fixture's :class:`~mockserver.testing.RunningMock` wraps them (``mock.assert_one_score(...)``).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SCORE_OPERATION = "createScore"
LINK_RE = re.compile(r'<([^>]*)>\s*;\s*rel="([^"]*)"')


def describe(entry: dict[str, Any]) -> str:
    """``#3 POST /api/lti/…?page=2 → 200 [createScore]`` (plus the fault, if any)."""
    query = "&".join(f"{k}={v}" for k, values in entry.get("query", {}).items()
                     for v in (values if isinstance(values, list) else [values]))
    target = entry["path"] + (f"?{query}" if query else "")
    status = "dropped" if entry.get("status") is None else entry["status"]
    text = f"#{entry.get('seq')} {entry['method']} {target} → {status} [{entry.get('operation_id')}]"
    fault = entry.get("fault")
    if fault:
        text += f" (injected {fault['kind']})"
    return text


def _listing(entries: Sequence[dict[str, Any]], limit: int = 20) -> str:
    if not entries:
        return "  (none)"
    lines = [f"  {describe(e)}" for e in entries[:limit]]
    if len(entries) > limit:
        lines.append(f"  … and {len(entries) - limit} more")
    return "\n".join(lines)


def processed(entry: dict[str, Any]) -> bool:
    """Did the mock act on the request (a 2xx answer, or a fault injected after processing)?"""
    fault = entry.get("fault")
    if fault:
        return bool(fault.get("processed")) and (fault["kind"] != "latency" or 200 <= (entry.get("status") or 0) < 300)
    return 200 <= (entry.get("status") or 0) < 300


def _line_item_path(line_item_id: int | str) -> str:
    text = str(line_item_id)
    return urlsplit(text).path.rstrip("/") if "/" in text else text


def user_aliases(user_id: int | str, users: Iterable[dict[str, Any]] = ()) -> frozenset[str]:
    """Every id that names the user: the Canvas id and the LTI id (from the config's ``users``)."""
    aliases = {str(user_id)}
    for user in users:
        ids = {str(user.get("id")), str(user.get("lti_id"))}
        if str(user_id) in ids:
            aliases |= {i for i in ids if i != "None"}
    return frozenset(aliases)


# -- near misses: which fields of a request differed from what was expected ----------------------


@dataclass(frozen=True)
class Expect:
    """One expected property of a request: its name in messages, its value in a journal entry,
    whether an entry has it, and how the expected value reads."""

    name: str
    value: Callable[[dict[str, Any]], Any]
    matches: Callable[[dict[str, Any]], bool]
    wanted: str


def differences(entry: dict[str, Any], expectations: Sequence[Expect]) -> list[str]:
    return [f"{e.name} {_short(e.value(entry))} (wanted {e.wanted})" for e in expectations if not e.matches(entry)]


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def near_misses(entries: Sequence[dict[str, Any]], expectations: Sequence[Expect], limit: int = 10) -> str:
    """The requests that came closest to matching (fewest differences first), each with the
    fields that differed."""
    ranked = sorted(((diff, index, entry) for index, entry in enumerate(entries)
                     if (diff := differences(entry, expectations))), key=lambda item: (len(item[0]), item[1]))
    if not ranked:
        return "  (none)"
    lines = [f"  {describe(entry)}: {'; '.join(diff)}" for diff, _, entry in ranked[:limit]]
    if len(ranked) > limit:
        lines.append(f"  … and {len(ranked) - limit} more")
    return "\n".join(lines)


def _score_user(entry: dict[str, Any]) -> Any:
    return entry["body"].get("userId") if isinstance(entry.get("body"), dict) else None


def _score_item(entry: dict[str, Any]) -> str:
    return "/".join(entry["path"].rstrip("/").split("/")[:-1])


def assert_one_score(entries: Iterable[dict[str, Any]], *, user_id: int | str, line_item_id: int | str | None = None,
                     users: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """Exactly one score for ``user_id`` (its Canvas id or its LTI id: ``users`` is the config's
    list that maps them) on the line item (id or URL; None: any) was accepted. Returns that entry."""
    aliases = user_aliases(user_id, users)
    wanted_item = None if line_item_id is None else _line_item_path(line_item_id)

    def on_item(entry: dict[str, Any]) -> bool:
        item = _score_item(entry)
        if wanted_item is None:
            return True
        return item == wanted_item if "/" in wanted_item else item.rsplit("/", 1)[-1] == wanted_item

    expectations = [
        Expect("userId", _score_user, lambda e: str(_score_user(e)) in aliases, " or ".join(sorted(aliases))),
        Expect("line item", _score_item, on_item, str(line_item_id)),
        Expect("status", lambda e: e.get("status"), processed, "2xx, or a fault injected after processing"),
    ]
    scores = [e for e in entries if e.get("operation_id") == SCORE_OPERATION]
    accepted = [e for e in scores if not differences(e, expectations)]
    if len(accepted) != 1:
        target = "" if line_item_id is None else f" on line item {line_item_id}"
        others = [e for e in scores if e not in accepted]
        raise AssertionError(
            f"expected exactly one score accepted for user {user_id}{target}, saw {len(accepted)}.\n"
            f"Accepted ({len(accepted)}):\n{_listing(accepted)}\n"
            f"Other score requests, with what differed ({len(others)}):\n{near_misses(others, expectations)}"
        )
    return accepted[0]


def _contains(actual: Any, expected: Any) -> bool:
    """``expected`` is a part of ``actual``: dict keys recursively, list items in any order,
    anything else by equality."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _contains(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and all(any(_contains(a, v) for a in actual) for v in expected)
    return actual == expected


def body_has(body: Any, expected: Any) -> bool:
    """A string is looked for in the body's text; a dict or list must be a part of the JSON body."""
    if isinstance(expected, str):
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=str)
        return expected in text
    return _contains(body, expected)


def request_expectations(*, method: str | None = None, path: str | None = None, operation_id: str | None = None,
                         body_contains: Any = None, status: int | None = None, client_id: str | None = None) -> list[Expect]:
    """What :func:`verify` matches on; ``path`` is exact, or a shell glob when it has ``*``/``?``."""
    expectations: list[Expect] = []
    if method is not None:
        expectations.append(Expect("method", lambda e: e["method"], lambda e: e["method"] == method.upper(), method.upper()))
    if path is not None:
        glob = any(c in path for c in "*?[")
        expectations.append(Expect("path", lambda e: e["path"],
                                   lambda e: fnmatch.fnmatchcase(e["path"], path) if glob else e["path"] == path, path))
    if operation_id is not None:
        expectations.append(Expect("operation", lambda e: e.get("operation_id"),
                                   lambda e: e.get("operation_id") == operation_id, operation_id))
    if body_contains is not None:
        expectations.append(Expect("body", lambda e: e.get("body"), lambda e: body_has(e.get("body"), body_contains),
                                   f"containing {_short(body_contains)}"))
    if status is not None:
        expectations.append(Expect("status", lambda e: e.get("status"), lambda e: e.get("status") == status, str(status)))
    if client_id is not None:
        expectations.append(Expect("client_id", lambda e: e.get("client_id"),
                                   lambda e: e.get("client_id") == str(client_id), str(client_id)))
    return expectations


def verify(entries: Iterable[dict[str, Any]], count: int, **criteria: Any) -> list[dict[str, Any]]:
    """Exactly ``count`` requests matched every criterion (see :func:`request_expectations`),
    like WireMock's ``verify``. Returns them; on failure lists the near misses."""
    entries = list(entries)
    expectations = request_expectations(**criteria)
    matched = [e for e in entries if not differences(e, expectations)]
    if len(matched) != count:
        wanted = ", ".join(f"{e.name} {e.wanted}" for e in expectations) or "any request"
        others = [e for e in entries if e not in matched]
        raise AssertionError(
            f"expected {count} request(s) matching {wanted}; saw {len(matched)}.\n"
            f"Matching ({len(matched)}):\n{_listing(matched)}\n"
            f"Near misses, with what differed ({len(others)} other request(s)):\n{near_misses(others, expectations)}"
        )
    return matched


def assert_no_request_without_scope(entries: Iterable[dict[str, Any]], scope: str, *,
                                    path_prefix: str = "/api/lti/", operation_id: str | None = None) -> None:
    """Every request under ``path_prefix`` (and of ``operation_id``, when given) carried a bearer
    token whose scopes include ``scope``."""
    relevant = [e for e in entries if e["path"].startswith(path_prefix)
                and (operation_id is None or e.get("operation_id") == operation_id)]
    missing = [e for e in relevant if scope not in ((e.get("auth") or {}).get("scopes") or [])]
    if missing:
        details = "\n".join(
            f"  {describe(e)} token scopes: "
            f"{'no bearer token' if not e.get('auth') else (e['auth'].get('scopes') or 'none')}"
            for e in missing[:20])
        raise AssertionError(
            f"expected every request under {path_prefix}"
            f"{f' to {operation_id}' if operation_id else ''} to carry a token with scope {scope!r}; "
            f"{len(missing)} of {len(relevant)} did not:\n{details}"
        )


def next_links(entry: dict[str, Any]) -> list[str]:
    link = (entry.get("response_headers") or {}).get("link", "")
    return [url for url, rel in LINK_RE.findall(link) if rel == "next"]


def _target(url: str) -> tuple[str, frozenset[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.path, frozenset(parse_qsl(parts.query, keep_blank_values=True))


def _entry_target(entry: dict[str, Any]) -> tuple[str, frozenset[tuple[str, str]]]:
    pairs = [(k, v) for k, values in entry.get("query", {}).items()
             for v in (values if isinstance(values, list) else [values])]
    return entry["path"], frozenset(pairs)


def assert_followed_all_pages(entries: Iterable[dict[str, Any]], operation_id: str) -> None:
    """For every successful ``operation_id`` response with a ``rel="next"`` link, the tool later
    requested that URL (path and query; the host may differ)."""
    calls = [e for e in entries if e.get("operation_id") == operation_id]
    if not calls:
        raise AssertionError(f"expected the tool to page through {operation_id}, but it never called it")
    unfollowed = []
    for index, entry in enumerate(calls):
        if entry.get("status") != 200:
            continue
        for url in next_links(entry):
            wanted = _target(url)
            later = calls[index + 1:]
            if not any(_entry_target(e) == wanted and e.get("status") == 200 for e in later):
                unfollowed.append((entry, url))
    if unfollowed:
        details = "\n".join(f"  {describe(e)} linked rel=next {url}" for e, url in unfollowed)
        raise AssertionError(
            f"expected the tool to follow every rel=\"next\" page of {operation_id}; "
            f"{len(unfollowed)} next page(s) never fetched successfully:\n{details}\n"
            f"Requests to {operation_id} seen:\n{_listing(calls)}"
        )
