"""The mock's launch records over HTTP, and the relay of a browser launch's id_token post.

``GET /__mock__/launches[/{id}]`` read the records (``launch/record.py``); ``deliver`` is where the
authorize page of a browser launch posts when the tool shares the mock's host name
(``launch/relay.py`` says why that is transparent there, and only there).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..canvas.errors import api_error, json_response
from ..context import RequestContext
from ..launch import relay
from ..launch.record import BODY_EXCERPT, parse_id
from ..ui.pages import problem
from .launch import NO_STORE, flat


async def get_mock_launch(ctx: RequestContext, launch_id: Any, **_: Any) -> Response:
    found = ctx.state.launch_log.snapshot(parse_id(launch_id))
    if found is None:
        raise api_error(404, f"no launch {launch_id}")
    return json_response(found, headers=NO_STORE)


async def list_mock_launches(ctx: RequestContext, **_: Any) -> Response:
    launches = ctx.state.launch_log.newest()
    return json_response({"launches": launches, "count": len(launches)}, headers=NO_STORE)


async def deliver_mock_launch(ctx: RequestContext, launch_id: Any, body: Any = None, **_: Any) -> Response:
    """The authorize page's form, relayed to the tool's registered ``redirect_uri`` (``launch/relay.py``)."""
    log = ctx.state.launch_log
    record = log.get(parse_id(launch_id))
    target = record.authentications[-1].get("redirect_uri") if record and record.authentications else None
    if record is None or not target:
        return problem(ctx, title="Nothing to deliver",
                       reason=f"The mock has no authenticated launch #{launch_id} to post to a tool.")
    if not relay.relayable(target, ctx.base_url):
        return problem(ctx, title="Not relayed", launch_id=record.id,
                       reason=f"The mock relays a launch only to a tool on its own host, not to {target}.")
    fields = {k: str(v) for k, v in flat(body).items()}
    answer = await relay.post_form(target, fields, ctx.request.headers)
    log.append(record.id, "deliveries", {
        "mode": "relay", "url": target, "time": ctx.now(), "status": answer.status, "error": answer.error,
        "content_type": answer.content_type, "location": answer.location,
        "body": answer.body[:BODY_EXCERPT].decode("utf-8", "replace"), "bytes": len(answer.body)})
    return _handed_back(ctx, record.id, answer)


def _handed_back(ctx: RequestContext, launch_id: int, answer: relay.ToolAnswer) -> Response:
    """The tool's answer for the browser as sent (a page, a redirect, any 2xx); a refusal that is not a
    page, or no answer at all, explained on a page of the mock's."""
    if answer.error is not None or answer.status is None:
        return problem(ctx, title="The tool cannot be reached", launch_id=launch_id,
                       reason=f"The mock posted the id_token to the tool's redirect URI, {answer.url}, "
                              f"and got no answer: {answer.error}.")
    if 300 <= answer.status < 400 and answer.location:
        response = Response(status_code=answer.status, headers={"Location": answer.location, **NO_STORE})
        passed = ("set-cookie",)
    elif answer.is_html or answer.status < 400:
        body = relay.with_base(answer.body, answer.url) if answer.is_html else answer.body
        response = Response(body, status_code=answer.status)
        passed = relay.PASSED_BACK
    else:
        return problem(ctx, launch_id=launch_id, facts=[
            ("Tool URL", answer.url), ("HTTP status", str(answer.status)),
            ("Content type", answer.content_type or "none")],
            excerpt=answer.body[:BODY_EXCERPT].decode("utf-8", "replace"), title="The tool refused the launch",
            reason=(f"The tool answered the launch with HTTP {answer.status}"
                    f"{' and ' + answer.content_type if answer.content_type else ''}, not a page a person can read."))
    response.raw_headers.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers if k in passed)
    return response


OPERATIONS = {
    "listMockLaunches": list_mock_launches,
    "getMockLaunch": get_mock_launch,
    "deliverMockLaunch": deliver_mock_launch,
}
