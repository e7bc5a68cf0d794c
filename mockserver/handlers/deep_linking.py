"""Deep linking response (§11): ``POST /courses/{course_id}/deep_linking_response``."""

from __future__ import annotations

import functools
from typing import Any

from starlette.responses import HTMLResponse, Response

from ..canvas.errors import json_response, not_found
from ..canvas.ids import is_digits
from ..context import RequestContext
from ..journal import annotate
from ..launch import deep_linking as dl
from ..launch import dl_checks, signing
from ..launch.html import script_json
from ..launch.id_token import DEEP_LINKING_REQUEST
from ..launch.login import DATA_PURPOSE
from ..launch.record import LaunchRecord, kept_response
from ..launch.tool_keys import candidate_keys
from ..ui.pages import problem
from .launch import flat

MESSAGE_ID = "deep-link-response"


def success_page(message: dict[str, Any]) -> HTMLResponse:
    """Canvas's page posts ``message`` to the parent window; the JSON is also readable in place."""
    data = script_json(message)
    return HTMLResponse(f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Deep linking response</title></head>
<body>
  <script type="application/json" id="{MESSAGE_ID}">{data}</script>
  <script>
    var message = JSON.parse(document.getElementById("{MESSAGE_ID}").textContent);
    (window.opener || window.parent).postMessage(message, "*");
  </script>
</body>
</html>
""")


def _launch(ctx: RequestContext, course_id: str, token: Any) -> tuple[LaunchRecord | None, str]:
    """The launch the response belongs to, tagged in the journal, and how the return URL's ``data``
    came back (``valid``, ``missing`` or ``invalid``: see ``dl_checks.return_url_data_is_canvas_own``).

    ``data`` (the mock signed it) names the launch. A tool that drops or changes it — posting to
    the return URL without its query is a common bug — still gets its report: the response is
    filed with the newest deep-linking launch of its ``iss`` in this course."""
    raw = ctx.request.query_params.get("data")
    data = signing.verify(ctx.state.secret, DATA_PURPOSE, raw, ctx.now())
    valid = data is not None and str(data.get("context_id")) == str(course_id)
    record = ctx.state.launch_log.get(data.get("launch")) if data else None
    if record is None and not valid:
        record = _likely_launch(ctx, course_id, token)
    if record is not None:
        annotate(ctx.request.scope, launch_id=record.id)
    return record, "valid" if valid else "invalid" if raw else "missing"


def _likely_launch(ctx: RequestContext, course_id: str, token: Any) -> LaunchRecord | None:
    iss = dl_checks.unverified_claims(token).get("iss")
    for launch in ctx.state.launch_log.newest():
        if (launch["message_type"] == DEEP_LINKING_REQUEST and launch["id_token"] is not None
                and str((launch["course"] or {}).get("id")) == str(course_id)
                and (launch["tool"] or {}).get("client_id") == iss):
            return ctx.state.launch_log.get(launch["id"])
    return None


def _remember(ctx: RequestContext, record: LaunchRecord | None, token: Any, outcome: dict[str, Any],
              return_data: str) -> dict[str, Any]:
    """The response's validation report, kept in its launch's record; returned for the page."""
    world = ctx.world
    response = dl_checks.DeepLinkingResponse.read(
        token, key_for=world.developer_keys.get, keys_for=functools.partial(candidate_keys, origins=ctx.own_origins),
        issuer=world.issuer, now=ctx.now(),
        request=record.claims if record is not None else None, return_data=return_data)
    entry = {"time": ctx.now(), **kept_response(response.token, response.header, response.claims,
                                                dl_checks.report(response)), "outcome": outcome}
    if record is not None:
        ctx.state.launch_log.append(record.id, "deep_linking", entry)
    return entry


def _created(plan: dl.Plan) -> dict[str, Any]:
    return {"content_items": len(plan.records),
            "resource_links": [{"id": link.id, "uuid": link.resource_link_uuid, "title": link.title} for link in plan.links],
            "assignments": [{"id": a.id, "name": a.name, "points": a.points_possible} for a in plan.assignments]}


async def deep_linking_response(ctx: RequestContext, course_id: str, body: Any = None, **_: Any) -> Response:
    world = ctx.world
    token = flat(body).get("JWT")
    if not is_digits(str(course_id)) or len(str(course_id)) > 16:
        raise not_found()
    record, data_came_back = _launch(ctx, course_id, token)
    try:
        with world.lock:
            course = world.courses.get(int(course_id))
            if course is None or course.workflow_state == "deleted":
                raise not_found()
            verified = dl.verify_response_jwt(world, token, course, ctx.now(), origins=ctx.own_origins)
            return_data = dl.verify_data(ctx.state.secret, ctx.request.query_params.get("data"), course, ctx.now())
            placement = return_data.get("placement") if isinstance(return_data.get("placement"), str) else None
            plan = dl.plan_items(world, course, verified, placement, ctx.now())
            dl.commit(world, plan)
            message = dl.response_message(verified.claims, plan, placement, ctx.base_url, course)
    except dl.DeepLinkingError as exc:
        entry = _remember(ctx, record, token, {"accepted": False, "errors": exc.body["errors"]}, data_came_back)
        if record is None or not record.browser:
            return json_response(exc.body, 400)
        reasons = "; ".join(f"{attribute}: {', '.join(messages)}" for attribute, messages in exc.body["errors"].items())
        failing = [(c["name"], c["reason"]) for c in entry["report"]["checks"] if c["verdict"] == "fail"]
        failing += [(f"item {item['index']} {c['name']}", c["reason"]) for item in entry["report"]["items"]
                    for c in item["checks"] if c["verdict"] == "fail"]
        return problem(ctx, title="Canvas refused the deep-linking response", launch_id=record.id,
                       facts=failing, reason=f"Canvas answers 400 and creates nothing ({reasons}). "
                                             "What failed, rule by rule:" if failing else
                                             f"Canvas answers 400 and creates nothing ({reasons}).")
    _remember(ctx, record, token, {"accepted": True, "created": _created(plan), "message": message}, data_came_back)
    return success_page(message)


OPERATIONS = {"deepLinkingResponse": deep_linking_response}
