"""Expectations about what a tool sent, checked against request-journal entries.

Each check takes the journal entries (``GET /__mock__/requests`` → ``requests``) and raises an
``AssertionError`` whose message says what was expected and lists what was seen. The pytest
fixture's :class:`~mockserver.testing.RunningMock` wraps them (``mock.assert_one_score(...)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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


def assert_one_score(entries: Iterable[dict[str, Any]], *, user_id: int | str, line_item_id: int | str) -> dict[str, Any]:
    """Exactly one score for ``user_id`` (``userId`` as sent) on the line item (id or URL) was
    accepted. Returns that entry."""
    wanted = _line_item_path(line_item_id)

    def on_item(entry: dict[str, Any]) -> bool:
        parts = entry["path"].rstrip("/").split("/")
        if len(parts) < 3 or parts[-1] != "scores":
            return False
        item_path = "/".join(parts[:-1])
        return item_path == wanted if "/" in wanted else parts[-2] == wanted

    scores = [e for e in entries if e.get("operation_id") == SCORE_OPERATION and on_item(e)]
    for_user = [e for e in scores if isinstance(e.get("body"), dict) and str(e["body"].get("userId")) == str(user_id)]
    accepted = [e for e in for_user if processed(e)]
    if len(accepted) != 1:
        raise AssertionError(
            f"expected exactly one score accepted for user {user_id} on line item {line_item_id}, "
            f"saw {len(accepted)}.\n"
            f"Score requests for that user and line item ({len(for_user)}):\n{_listing(for_user)}\n"
            f"All score requests on that line item ({len(scores)}):\n{_listing(scores)}"
        )
    return accepted[0]


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
