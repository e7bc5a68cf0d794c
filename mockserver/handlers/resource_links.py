"""LTI Resource Links API (§16.2): ``/api/v1/courses/:course_id/lti_resource_links``.

Links are the ``world.resource_links`` rows launches and AGS use (``resourceLinkId``); links made
here are ``rich_content`` links of the course and must point at an LTI 1.3 tool installed in
the course or an account above it. Errors are ``{"errors": [{"code", "message"}]}`` (422).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response

from ..canvas.errors import CanvasError, api_error, json_response, not_found
from ..canvas.ids import is_digits
from ..canvas.pagination import Page, int_param, link_header, page_size
from ..canvas.rails_params import to_bool
from ..canvas.validation import REST_FAMILIES, REST_TRANSLATORS
from ..context import RequestContext
from ..world import Course, ResourceLink, Tool, World
from .external_tools import api_auth, best_tool, iso_now, read_params, url_matches

BULK_LIMIT = 100
NO_TOOL = "No tool found for the provided URL"


def coded(code: str, message: str, status: int = 422) -> CanvasError:
    return CanvasError(status, {"errors": [{"code": code, "message": message}]})


def resource_type(link: ResourceLink) -> str:
    return link.resource_type or ("assignment" if link.context_type == "Assignment" else "rich_content")


def link_json(base: str, link: ResourceLink) -> dict[str, Any]:
    return {
        "id": link.id, "context_id": link.context_id, "context_type": link.context_type,
        "context_external_tool_id": link.tool_id, "resource_type": resource_type(link),
        "canvas_launch_url": f"{base}/courses/{link.course_id}/external_tools/retrieve?resource_link_lookup_uuid={link.lookup_uuid}",
        "resource_link_uuid": link.resource_link_uuid, "lookup_uuid": link.lookup_uuid, "title": link.title,
        "url": link.url, "lti_1_1_id": link.lti_1_1_id, "created_at": link.created_at,
        "updated_at": link.updated_at, "workflow_state": link.workflow_state,
    }


def course_tools(world: World, course: Course) -> list[Tool]:
    """Active LTI 1.3 tools reachable from the course: its own first, then up the accounts."""
    tools = sorted((t for t in world.tools.values() if t.workflow_state == "active" and t.developer_key_id), key=lambda t: t.id)
    found = [t for t in tools if (t.context_type, t.context_id) == ("Course", course.id)]
    for account in world.account_chain(course.account_id):
        found += [t for t in tools if (t.context_type, t.context_id) == ("Account", account.id)]
    return found


def _valid_url(value: Any) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value.strip()


def _check_custom(value: Any) -> tuple[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
        return ("invalid_custom", "'custom' param must contain key/value pairs")
    return None


def _new_link_error(world: World, course: Course, item: Any) -> tuple[str, str] | None:
    """The first problem with one link to create, as ``(code, message)``."""
    if not isinstance(item, dict):
        return ("invalid_request", "each resource link must be an object")
    if not _valid_url(item.get("url")):
        return ("invalid_url", "'url' param must be a valid URL")
    problem = _check_custom(item.get("custom"))
    if problem:
        return problem
    if best_tool(course_tools(world, course), item["url"]) is None:
        return ("invalid_url", NO_TOOL)
    return None


def _build(ctx: RequestContext, course: Course, item: dict[str, Any]) -> ResourceLink:
    world = ctx.world
    tool = best_tool(course_tools(world, course), item["url"])
    assert tool is not None
    now = iso_now(ctx)
    title = item.get("title")
    return ResourceLink(
        id=world.next_id("resource_links"), resource_link_uuid=str(uuid.uuid4()), context_type="Course",
        context_id=course.id, course_id=course.id, tool_id=tool.id, url=item["url"].strip(),
        title=str(title) if title is not None else None, lookup_uuid=str(uuid.uuid4()), resource_type="rich_content",
        custom={str(k): str(v) for k, v in (item.get("custom") or {}).items()}, created_at=now, updated_at=now,
    )


def find_link(world: World, course: Course, raw: str, include_deleted: bool) -> ResourceLink:
    """``:id`` may be numeric, ``lookup_uuid:<uuid>`` or ``resource_link_uuid:<uuid>``."""
    links = [rl for rl in world.resource_links.values() if rl.course_id == course.id and (include_deleted or rl.workflow_state == "active")]
    found: ResourceLink | None = None
    if raw.startswith("lookup_uuid:"):
        found = next((rl for rl in links if rl.lookup_uuid == raw[len("lookup_uuid:"):]), None)
    elif raw.startswith("resource_link_uuid:"):
        found = next((rl for rl in links if rl.resource_link_uuid == raw[len("resource_link_uuid:"):]), None)
    elif is_digits(raw):
        found = next((rl for rl in links if rl.id == int(raw)), None)
    if found is None:
        raise not_found()
    return found


def _link_id(ctx: RequestContext) -> str:
    return str(ctx.request.path_params.get("id", ""))


def _course(ctx: RequestContext) -> Course:
    course = api_auth(ctx).course
    assert course is not None
    return course


async def list_links(ctx: RequestContext, **_: Any) -> Response:
    world, query = ctx.world, ctx.request.query_params
    course = _course(ctx)
    include_deleted = to_bool(query.get("include_deleted", "false"))
    with world.lock:
        links = sorted((rl for rl in world.resource_links.values()
                        if rl.course_id == course.id and (include_deleted or rl.workflow_state == "active")),
                       key=lambda rl: (rl.created_at, rl.id))
        size = page_size(int_param(query.get("per_page")), 50, 100)
        page = Page(max(1, int_param(query.get("page")) or 1), size, len(links))
        body = [link_json(ctx.base_url, rl) for rl in links[page.start:page.start + size]]
    return json_response(body, headers={"Link": link_header(f"{ctx.base_url}{ctx.path}", ctx.query, page)})


async def show_link(ctx: RequestContext, **_: Any) -> Response:
    include_deleted = to_bool(ctx.request.query_params.get("include_deleted", "false"))
    with ctx.world.lock:
        return json_response(link_json(ctx.base_url, find_link(ctx.world, _course(ctx), _link_id(ctx), include_deleted)))


async def create_link(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    params = await read_params(ctx, body)
    course, world = _course(ctx), ctx.world
    if "url" not in params:
        raise api_error(400, "url is missing")
    with world.lock:
        problem = _new_link_error(world, course, params)
        if problem:
            raise coded(*problem)
        link = _build(ctx, course, params)
        world.add_resource_link(link)
        return json_response(link_json(ctx.base_url, link), status=201)


async def bulk_create_links(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """All or nothing: every item is checked before any link is stored."""
    course, world = _course(ctx), ctx.world
    if not isinstance(body, list):
        raise coded("invalid_request", "The request body must be a JSON array of resource links")
    if len(body) > BULK_LIMIT:
        raise coded("invalid_request", f"Cannot create more than {BULK_LIMIT} resource links at once")
    with world.lock:
        errors = []
        for item in body:
            problem = _new_link_error(world, course, item)
            if problem:
                errors.append({"value": item, "error": problem[0], "message": problem[1]})
        if errors:
            raise CanvasError(422, {"errors": errors})
        links = [_build(ctx, course, item) for item in body]
        for link in links:
            world.add_resource_link(link)
        return json_response([link_json(ctx.base_url, rl) for rl in links], status=201)


async def update_link(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    params = await read_params(ctx, body)
    course, world = _course(ctx), ctx.world
    with world.lock:
        link = find_link(world, course, _link_id(ctx), to_bool(params.get("include_deleted", "false")))
        if "custom" in params and params["custom"] not in (None, "") and _check_custom(params["custom"]):
            raise coded(*_check_custom(params["custom"]))  # type: ignore[misc]
        url = params.get("url") or None
        if url is not None and not _valid_url(url):
            raise coded("invalid_url", "'url' param must be a valid URL")
        tool = world.tools.get(link.tool_id) if link.tool_id is not None else None
        if params.get("context_external_tool_id") not in (None, ""):
            raw = str(params["context_external_tool_id"])
            tool = world.tools.get(int(raw)) if is_digits(raw) else None
            root = world.root_account_id(course.account_id)
            tool_root = None
            if tool is not None:
                tool_account = world.courses[tool.context_id].account_id if tool.context_type == "Course" else tool.context_id
                tool_root = world.root_account_id(tool_account)
            if tool is None or tool.workflow_state != "active" or tool_root != root:
                raise coded("context_external_tool_id", "'context_external_tool_id' param must be a tool in the same root account")
        if tool is not None and (url is not None or "context_external_tool_id" in params) and not url_matches(tool, url or link.url):
            raise coded("url_tool_mismatch", "'url' param must match the tool associated with 'context_external_tool_id'")
        if url is not None:
            link.url = url
        if isinstance(params.get("custom"), dict):
            link.custom = {str(k): str(v) for k, v in params["custom"].items()}
        if tool is not None:
            link.tool_id = tool.id
        link.updated_at = iso_now(ctx)
        return json_response(link_json(ctx.base_url, link))


async def delete_link(ctx: RequestContext, **_: Any) -> Response:
    course, world = _course(ctx), ctx.world
    with world.lock:
        link = find_link(world, course, _link_id(ctx), False)
        if resource_type(link) != "rich_content":
            raise coded("invalid_resource_link", "Cannot delete resource links associated with Assignments, Module Items, or Collaborations")
        link.workflow_state = "deleted"
        link.updated_at = iso_now(ctx)
        return json_response(link_json(ctx.base_url, link))


REST_TRANSLATORS.update({op: REST_FAMILIES["coded"] for op in ("createLtiResourceLink", "updateLtiResourceLink", "bulkCreateLtiResourceLinks")})

OPERATIONS = {
    "listLtiResourceLinks": list_links,
    "getLtiResourceLink": show_link,
    "createLtiResourceLink": create_link,
    "bulkCreateLtiResourceLinks": bulk_create_links,
    "updateLtiResourceLink": update_link,
    "deleteLtiResourceLink": delete_link,
}
