"""The Canvas pages a sessionless launch link opens: a tool, a tool by URL, an assignment.

``…/external_tools/sessionless_launch`` answers a URL with a ``session_token`` (``launch/session_token.py``)
that signs the API user in for 30 seconds. Opened by a browser in that time, Canvas's page
(``external_tools#show``, ``#retrieve``, ``assignments#show`` with ``display=borderless``) launches
the tool as that user: here the same auto-posting login form as any launch the mock starts, with a
launch record the console's inspector shows. Without a valid token Canvas sends the browser to its
login page; the mock answers a page that says so (401). Account-context links are not served.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..auth.api_tokens import ApiAuth
from ..context import RequestContext
from ..launch import session_token
from ..launch.html import form_page
from ..launch.login import LaunchError, LaunchRequest, start_launch
from ..ui.pages import problem
from .external_tools import best_tool, reachable_tools, url_matches
from .launch import NO_STORE, started

#: ``#application.errors.invalid_external_tool``, the flash error Canvas shows.
INVALID_LINK = "Couldn't find valid settings for this link"


async def launch_course_tool(ctx: RequestContext, course_id: str, tool_id: str, launch_type: str | None = None,
                             **params: Any) -> Response:
    """``#show``: the tool in the placement ``placement``/``launch_type`` names (else the course's
    navigation), at ``launch_url`` when that is on the tool's host (``matches_host?``)."""
    user_id = _signed_in(ctx, params)
    if user_id is None:
        return _not_logged_in(ctx)
    if not tool_id.isdigit():
        return _cannot_launch(ctx, 404, f"there is no tool {tool_id!r}")
    tool = ctx.world.tools.get(int(tool_id)) if len(tool_id) < 17 else None
    launch_url = params.get("launch_url")
    if not (tool is not None and isinstance(launch_url, str) and url_matches(tool, launch_url)):
        launch_url = None
    return _launch(ctx, course_id, user_id, tool=tool_id, placement=params.get("placement") or launch_type,
                   launch_url=launch_url)


async def retrieve_course_tool(ctx: RequestContext, course_id: str, url: str | None = None,
                               resource_link_lookup_uuid: str | None = None, **params: Any) -> Response:
    """``#retrieve``: the resource link named by ``resource_link_lookup_id`` (the old name) or
    ``resource_link_lookup_uuid`` and, when it has a url, its tool; else the tool whose URL matches
    ``url``. A lookup id that names no active link of the course refuses the launch, as Canvas's
    ``lookup_resource_link`` does. No placement unless ``placement``/``launch_type`` names one."""
    user_id = _signed_in(ctx, params)
    if user_id is None:
        return _not_logged_in(ctx)
    lookup = params.get("resource_link_lookup_id") or resource_link_lookup_uuid
    placement = params.get("placement") or params.get("launch_type")
    world = ctx.world
    with world.lock:
        course = world.courses.get(int(course_id)) if course_id.isdigit() and len(course_id) < 17 else None
        link = next((rl for rl in world.resource_links.values() if rl.lookup_uuid == lookup and course is not None
                     and rl.course_id == course.id and rl.workflow_state == "active"), None) if lookup else None
        tools = reachable_tools(world, ApiAuth(user=None, token=None, course=course), include_parents=True) if course else []
        if link is not None and link.url and link.tool_id is not None:
            tool = next((t for t in tools if t.id == link.tool_id), None)
        else:
            tool = best_tool(tools, url) if url else None
    if tool is None:
        return _cannot_launch(ctx, 404, INVALID_LINK)
    if lookup and link is None:
        return _cannot_launch(ctx, 404, f"{INVALID_LINK}: Resource link not found")
    return _launch(ctx, course_id, user_id, tool=str(tool.id), placement=placement, default_placement=False,
                   resource_link=link.resource_link_uuid if link is not None else None)


async def launch_course_assignment(ctx: RequestContext, course_id: str, assignment_id: str, **params: Any) -> Response:
    user_id = _signed_in(ctx, params)
    if user_id is None:
        return _not_logged_in(ctx)
    assignment = ctx.world.assignments.get(int(assignment_id)) if assignment_id.isdigit() and len(assignment_id) < 17 else None
    if assignment is None or str(assignment.course_id) != course_id or assignment.external_tool_id is None:
        return _cannot_launch(ctx, 404, f"assignment {assignment_id} of course {course_id} launches no external tool")
    return _launch(ctx, course_id, user_id, tool=str(assignment.external_tool_id), assignment=assignment_id)


def _signed_in(ctx: RequestContext, params: dict[str, Any]) -> int | None:
    return session_token.user_of(ctx.state.secret, params.get("session_token"), ctx.now())


def _not_logged_in(ctx: RequestContext) -> Response:
    return problem(ctx, title="Not logged in", status=401, reason=(
        "This link needs a session: its session_token is missing, not the mock's, or older than "
        f"{session_token.VALIDITY} seconds (Canvas would send the browser to its login page). "
        "Ask GET /api/v1/courses/:course_id/external_tools/sessionless_launch for a fresh link."))


def _launch(ctx: RequestContext, course_id: str, user_id: int, default_placement: bool = True,
            **target: str | None) -> Response:
    """Start the launch as ``user_id``: the login form, or (Canvas refusing) a page saying why."""
    log = ctx.state.launch_log
    record = log.start(now=ctx.now(), browser=False, request={
        "via": "sessionless launch link", "course": course_id, "user": user_id,
        **{name: value for name, value in target.items() if value is not None}})
    request = LaunchRequest(course=course_id, user=str(user_id), launch_id=record.id,  # type: ignore[arg-type]
                            default_placement=default_placement, **target)
    try:
        login = start_launch(ctx.world, ctx.state.launches, ctx.state.secret, request, base_url=ctx.base_url,
                             domain=ctx.request.url.netloc, now=ctx.now())
    except LaunchError as exc:
        refusal = {"status": exc.status, "message": exc.message}
        log.update(record.id, lambda r: setattr(r, "refused", refusal))
        return problem(ctx, title="The launch did not start", launch_id=record.id,
                       reason=f"Canvas would not start it ({exc.status}): {exc.message}")
    log.update(record.id, started(login, request, "direct", ctx.now()))
    return form_page(login.url, login.params, title="Launching LTI tool…", headers=NO_STORE)


def _cannot_launch(ctx: RequestContext, status: int, reason: str) -> Response:
    """Canvas redirects to the course with a flash error; the mock, serving no course page, says it here."""
    return problem(ctx, title="Nothing to launch", reason=reason[:1].upper() + reason[1:] + ".", status=status)


OPERATIONS = {
    "launchCourseExternalTool": launch_course_tool,
    "retrieveCourseExternalTool": retrieve_course_tool,
    "launchCourseAssignment": launch_course_assignment,
}
