"""What the launch inspector and the launches list show, read from a launch's record.

A record (``launch/record.py``) holds the raw conversation; this turns it into the steps a
person reads in order, with the JWTs decoded. Decoding never verifies anything: the checks were
made when each message arrived, and are part of the record.
"""

from __future__ import annotations

import json
from typing import Any

from ..context import AppState
from ..journal import iso
from ..launch.id_token import RESOURCE_LINK_REQUEST
from ..lazy_imports import LazyModule
from ..world import World
from . import claims as claim_text

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

STAGES = {
    "refused": "refused by the platform", "started": "login sent to the tool",
    "authenticated": "id_token issued", "delivered": "delivered to the tool", "returned": "deep-linking response received",
}


def _when(epoch: float) -> str:
    """Mock-clock time to the second (the journal keeps the fractions)."""
    return iso(int(epoch))


def decoded(token: str | None) -> dict[str, Any] | None:
    """Header and claims of a compact JWS, unverified; None when it is not one."""
    if not token:
        return None
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    return {"compact": token, "header": json.dumps(header, indent=2), "claims": claim_text.rows(claims)}


def _tally(checks: list[dict[str, Any]]) -> dict[str, int]:
    return {verdict: sum(1 for c in checks if c["verdict"] == verdict) for verdict in ("pass", "fail", "warn")}


def _named(world: World | None, kind: str, raw: Any) -> Any:
    """A refused launch's tool, course or user by name, as the request gave it (an id) when the
    world has it: the launch never resolved them, and "1 · no placement" reads as a broken line."""
    table = {"tool": "tools", "course": "courses", "user": "users"}[kind]
    text = str(raw or "").strip()
    if world is None or not (text.isascii() and text.isdigit() and len(text) < 16):
        return raw
    with world.lock:
        found = getattr(world, table).get(int(text))
        return getattr(found, "name", None) or raw


def summary(record: dict[str, Any], world: World | None = None) -> dict[str, Any]:
    """One line of the launches list, or of the course page's status line (``world`` names what a
    refused launch's request gave by id)."""
    deliveries, returns = record["deliveries"], record["deep_linking"]
    asked = record["request"]
    last = deliveries[-1] if deliveries else None
    outcome = returns[-1]["outcome"] if returns else None
    attempt = record["authentications"][-1] if record["authentications"] else None
    return {
        "id": record["id"], "time": _when(record["started_at"]), "stage": record["stage"],
        "stage_text": STAGES[record["stage"]],
        "tool": (record["tool"] or {}).get("name") or _named(world, "tool", asked.get("tool")),
        "course": (record["course"] or {}).get("name") or _named(world, "course", asked.get("course")),
        "user": (record["user"] or {}).get("name") or _named(world, "user", asked.get("user")),
        "placement": record["placement"] or asked.get("placement") or None,
        "message_type": record["message_type"] or asked.get("message_type") or RESOURCE_LINK_REQUEST,
        "refused": record["refused"],
        "login_error": (record["login"] or {}).get("error"),
        "authorize_error": (attempt["error_description"] or attempt["error"] if attempt and attempt["error"] else
                            "Invalid redirect_uri" if attempt and attempt["redirect_uri"] is None else None),
        "delivery": None if last is None else {
            "mode": last["mode"], "status": last["status"], "content_type": last["content_type"], "error": last["error"]},
        "returned": None if outcome is None else {
            "accepted": outcome["accepted"],
            "errors": "; ".join(f"{k}: {', '.join(v)}" for k, v in (outcome.get("errors") or {}).items()),
            "items": (outcome.get("created") or {}).get("content_items", 0),
            "assignments": [a["name"] for a in (outcome.get("created") or {}).get("assignments", [])]},
    }


def status_text(line: dict[str, Any]) -> tuple[str, str]:
    """Where a launch stands, as a sentence, and its tone (ok, bad or busy): the course page's
    status line and the inspector's header say the same."""
    if line["refused"]:
        return f"Canvas refused to start the launch: {line['refused']['message']}", "bad"
    if line["login_error"]:
        return f"The tool's OIDC login URL cannot be reached: {line['login_error']}", "bad"
    returned, delivery = line["returned"], line["delivery"]
    if returned is not None:
        if not returned["accepted"]:
            return f"Canvas refused the deep-linking response: {returned['errors']}", "bad"
        made = "".join(f", created assignment “{name}”" for name in returned["assignments"])
        return f"Canvas accepted the deep-linking response: {returned['items']} content item(s){made}", "ok"
    if delivery is not None:
        if delivery["error"]:
            return f"The tool cannot be reached: {delivery['error']}", "bad"
        if delivery["mode"] == "direct":
            return "The browser posted the id_token to the tool directly (its answer does not pass the mock)", "ok"
        kind = f" ({delivery['content_type'].split(';')[0]})" if delivery["content_type"] else ""
        return f"The tool answered HTTP {delivery['status']}{kind}", "ok" if delivery["status"] < 400 else "bad"
    if line["authorize_error"]:
        return f"Canvas refused the tool's authentication request: {line['authorize_error']}", "bad"
    if line["stage"] == "authenticated":
        return "Canvas issued the id_token; posting it to the tool", "busy"
    return "Login initiation sent; waiting for the tool's authentication request", "busy"


def launches_page(state: AppState) -> dict[str, Any]:
    lines = [summary(record, state.world) for record in state.launch_log.newest()]
    return {"launches": [{**line, "status": status_text(line)} for line in lines]}


def status_page(state: AppState, launch_id: int) -> dict[str, Any] | None:
    record = state.launch_log.snapshot(launch_id)
    if record is None:
        return None
    line = summary(record, state.world)
    return {"launch": line, "status": status_text(line)}


def _request_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    asked = record["request"]
    rows = [(name, str(asked[name])) for name in ("tool", "course", "user", "placement", "message_type",
                                                  "resource_link", "assignment") if asked.get(name) not in (None, "")]
    for name, value in (record["options"] or {}).items():
        rows.append((f"editor: {name}", value if isinstance(value, str) else json.dumps(value)))
    return rows


def _delivery(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "time": _when(entry["time"])}


def _deep_linking(entry: dict[str, Any]) -> dict[str, Any]:
    report = entry["report"]
    every = report["checks"] + [c for item in report["items"] for c in item["checks"]]
    outcome = entry["outcome"]
    return {
        "time": _when(entry["time"]), "jwt": decoded(entry["jwt"]) or {"compact": entry["jwt"], "header": "",
                                                                     "claims": []},
        "checks": report["checks"], "content_items": report["items"], "tally": _tally(every),
        "accepted": outcome["accepted"], "errors": outcome.get("errors") or {},
        "created": outcome.get("created") or {},
        "items_total": report.get("items_total", len(report["items"])), "jwt_chars": entry.get("jwt_chars"),
    }


def launch_page(state: AppState, launch_id: int) -> dict[str, Any] | None:
    record = state.launch_log.snapshot(launch_id)
    if record is None:
        return None
    authentications = [{**a, "time": _when(a["time"]), "tally": _tally(a["checks"])} for a in record["authentications"]]
    journal = [{"seq": e.get("seq"), "time": e.get("time_iso"), "method": e.get("method"), "path": e.get("path"),
                "status": e.get("status"), "operation": e.get("operation_id")}
               for e in state.journal.query(launch_id=record["id"])]
    login = record["login"]
    line = summary(record, state.world)
    return {
        "launch": line, "status": status_text(line), "asked": _request_rows(record),
        "login": None if login is None else {**login, "time": _when(login["time"])},
        "authentications": authentications, "id_token": decoded(record["id_token"]),
        "deliveries": [_delivery(d) for d in record["deliveries"]],
        "deep_linking": [_deep_linking(d) for d in record["deep_linking"]],
        "journal": journal, "dropped": record.get("dropped", 0),
    }
