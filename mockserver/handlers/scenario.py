"""``/__mock__/`` test-scenario endpoints: request journal, faults, throttle, clock, Canvas settings."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse, Response

from .. import scenario
from ..canvas.errors import api_error, json_response, json_text
from ..context import RequestContext
from ..faults import FaultError
from ..journal import Journal
from ..ui.curl import reproducible_curl


def _listing(journal: Journal, filters: dict[str, Any]) -> bytes:
    entries = journal.query(**filters)
    parts = [json_text(entry) for entry in entries]  # one entry per encoder call: the GIL changes hands between
    tail = json_text({"count": len(entries), "capacity": journal.capacity, "evicted": journal.evicted})
    return f'{{"requests":[{",".join(parts)}],{tail[1:]}'.encode()


async def list_requests(ctx: RequestContext, operation_id: str | None = None, method: str | None = None,
                        path_prefix: str | None = None, client_id: str | None = None,
                        since: str | None = None, status: int | None = None, launch_id: int | None = None,
                        **_: Any) -> Response:
    """Read in a worker thread: settling a full journal's entries (bounded work each, but up to
    a thousand of them) and encoding them would otherwise hold up every request the event loop
    serves meanwhile. Measured in ``bench/journal.py``."""
    filters = {"operation_id": operation_id, "method": method, "path_prefix": path_prefix, "client_id": client_id,
               "since": since, "status": status, "launch_id": launch_id}
    try:
        body = await run_in_threadpool(_listing, ctx.state.journal, filters)
    except ValueError as exc:
        raise api_error(400, f"since: {exc}") from None
    return Response(body, media_type="application/json")


async def get_request_curl(ctx: RequestContext, seq: Any, **_: Any) -> Response:
    """The reproducible curl of one journal entry: its real credentials, on request only."""
    text = str(seq)
    replay = ctx.state.journal.replay(int(text)) if text.isdigit() and len(text) < 16 else None
    if replay is None:
        raise api_error(404, f"no request {seq} in the journal (gone, or too large to keep)")
    return PlainTextResponse(reproducible_curl(replay, ctx.base_url) + "\n", headers={"Cache-Control": "no-store"})


async def clear_requests(ctx: RequestContext, **_: Any) -> Response:
    ctx.state.journal.clear()
    return Response(status_code=204)


async def list_faults(ctx: RequestContext, **_: Any) -> Response:
    return json_response(ctx.state.faults.dump())


async def add_faults(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    try:
        rule_set = ctx.state.faults.add(body)
    except FaultError as exc:
        raise api_error(400, f"Invalid fault rules: {exc}") from None
    return json_response(rule_set.to_dict(), 201)


async def clear_faults(ctx: RequestContext, **_: Any) -> Response:
    ctx.state.faults.clear()
    return Response(status_code=204)


async def remove_fault_set(ctx: RequestContext, set_id: int, **_: Any) -> Response:
    if not ctx.state.faults.remove(set_id):
        raise api_error(404, f"No fault rule set {set_id}")
    return Response(status_code=204)


async def get_throttle(ctx: RequestContext, **_: Any) -> Response:
    return json_response(ctx.state.throttle.dump(ctx.now()))


async def configure_throttle(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    try:
        ctx.state.throttle.configure(body if isinstance(body, dict) else {})
    except ValueError as exc:
        raise api_error(400, f"Invalid throttle settings: {exc}") from None
    return json_response(ctx.state.throttle.dump(ctx.now()))


async def get_clock(ctx: RequestContext, **_: Any) -> Response:
    return json_response(scenario.clock_body(ctx.state))


async def set_clock(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    try:
        scenario.move_clock(ctx.state, body if isinstance(body, dict) else {})
    except ValueError as exc:
        raise api_error(400, f"Invalid clock change: {exc}") from None
    return json_response(scenario.clock_body(ctx.state))


async def get_settings(ctx: RequestContext, **_: Any) -> Response:
    return json_response(ctx.state.settings.dump())


async def configure_settings(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    try:
        ctx.state.settings.update(body)
    except ValueError as exc:
        raise api_error(400, f"Invalid settings: {exc}") from None
    return json_response(ctx.state.settings.dump())


OPERATIONS = {
    "listMockRequests": list_requests,
    "getMockRequestCurl": get_request_curl,
    "clearMockRequests": clear_requests,
    "listMockFaults": list_faults,
    "addMockFaults": add_faults,
    "clearMockFaults": clear_faults,
    "removeMockFaultSet": remove_fault_set,
    "getMockThrottle": get_throttle,
    "configureMockThrottle": configure_throttle,
    "getMockClock": get_clock,
    "setMockClock": set_clock,
    "getMockSettings": get_settings,
    "configureMockSettings": configure_settings,
}
