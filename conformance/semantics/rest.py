"""What the REST API checks share: lists read whole, and resources the check makes and removes.

Canvas REST resources (External Tools, LTI Resource Links, LTI Registrations) are read and
written with the run's Canvas API token. On a real Canvas the safety gate forbids these writes,
so checks that create anything skip there and say so; the read-only ones run everywhere.
"""

from __future__ import annotations

from typing import Any

from .pages import MAX_PAGES, parse_link
from .probe import Probe, Skip


def collect(probe: Probe, path: str, data_key: str | None = None, **params: Any) -> list[dict[str, Any]]:
    """Every element of a paginated REST list (``data_key``: the list sits in that member)."""
    response = probe.api("GET", path, per_page=100, **params)
    elements: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        if response.status_code != 200:
            raise Skip(f"GET {path} answered {response.status_code}")
        body = probe.json(response)
        page = body.get(data_key) if data_key and isinstance(body, dict) else body
        elements += [e for e in page or [] if isinstance(e, dict)] if isinstance(page, list) else []
        following = parse_link(response.headers.get("link")).get("next")
        if following is None:
            return elements
        response = probe.api("GET", following)
    return elements


def listed_ids(probe: Probe, path: str, data_key: str | None = None, **params: Any) -> set[Any]:
    return {e.get("id") for e in collect(probe, path, data_key, **params)}


def created(probe: Probe, operation: str, response: Any, statuses: tuple[int, ...], delete_path: str) -> dict[str, Any]:
    """The created resource's body; it is deleted again when the check ends (Skip if not created)."""
    body = probe.json(response)
    if response.status_code not in statuses or not isinstance(body, dict) or body.get("id") is None:
        probe.fail(operation, f"creating a resource for this check answered {response.status_code} {response.text[:200]}")
        raise Skip("nothing created")
    path = f"{delete_path}/{body['id']}"
    probe.undo(f"delete {path}", lambda: probe.api("DELETE", path))
    return body


def differences(sent: dict[str, Any], answer: Any) -> list[str]:
    """The members of ``sent`` that ``answer`` does not carry as sent. A dotted name
    (``configuration.target_link_uri``) is a member of a nested object: Canvas answers a placement or a
    configuration with members of its own that were never sent, so those are compared one by one."""
    if not isinstance(answer, dict):
        return [f"not an object: {str(answer)[:120]}"]
    return [f"{name}={member(answer, name)!r} (sent {value!r})" for name, value in sent.items()
            if member(answer, name) != value]


def member(answer: dict[str, Any], dotted: str) -> Any:
    """``answer``'s member at the dotted path ``dotted`` (None where the path ends early)."""
    value: Any = answer
    for name in dotted.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    return value


def update_reads_back(probe: Probe, update: str, show: str, path: str, change: dict[str, Any],
                      expected: dict[str, Any] | None = None) -> None:
    """PUT ``change`` to ``path``: the answer, and a read after it, carry ``expected`` (default: the change)."""
    response = probe.api("PUT", path, json_body=change)
    if not probe.expect_status(update, response, (200,), "updating the check's own resource"):
        return
    for operation, answer in ((update, probe.json(response)), (show, probe.json(probe.api("GET", path)))):
        problems = differences(expected or change, answer)
        if problems:
            probe.fail(operation, "it does not read back as updated: " + "; ".join(problems))
