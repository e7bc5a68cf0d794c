"""LTI Resource Links API (§16.2): ``/api/v1/courses/:course_id/lti_resource_links``.

Links are the ``world.resource_links`` rows launches and AGS use (``resourceLinkId``); links made
here are ``rich_content`` links of the course and must point at an LTI 1.3 tool installed in
the course or an account above it. Errors are ``{"errors": [{"code", "message"}]}`` (422).
The checks run in ``Lti::ResourceLinksController``'s before-action order (custom, url, tool,
url-matches-tool), and create answers 200 as Canvas's ``render json:`` does.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.responses import Response

from ..canvas.errors import CanvasError, json_response, not_found
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


def canvas_launch_url(base: str, link: ResourceLink) -> str:
    """An assignment's link launches through the assignment page; every other link through
    ``retrieve`` by its lookup uuid (``Api::V1::Lti::ResourceLink``)."""
    if resource_type(link) == "assignment":
        return f"{base}/courses/{link.course_id}/assignments/{link.context_id}"
    return f"{base}/courses/{link.course_id}/external_tools/retrieve?resource_link_lookup_uuid={link.lookup_uuid}"


def link_json(world: World, base: str, link: ResourceLink) -> dict[str, Any]:
    """``api_json`` of the record: its columns (``custom`` is null when the link has none)."""
    course = world.courses.get(link.course_id)
    return {
        "id": link.id, "context_id": link.context_id, "context_type": link.context_type,
        "context_external_tool_id": link.tool_id, "resource_type": resource_type(link),
        "canvas_launch_url": canvas_launch_url(base, link),
        "resource_link_uuid": link.resource_link_uuid, "lookup_uuid": link.lookup_uuid, "title": link.title,
        "url": link.url, "custom": dict(link.custom) or None, "lti_1_1_id": link.lti_1_1_id,
        "root_account_id": world.root_account_id(course.account_id) if course else None,
        "created_at": link.created_at, "updated_at": link.updated_at, "workflow_state": link.workflow_state,
    }


def course_tools(world: World, course: Course) -> list[Tool]:
    """Active LTI 1.3 tools reachable from the course: its own first, then up the accounts."""
    tools = sorted((t for t in world.tools.values() if t.workflow_state == "active" and t.developer_key_id), key=lambda t: t.id)
    found = [t for t in tools if (t.context_type, t.context_id) == ("Course", course.id)]
    for account in world.account_chain(course.account_id):
        found += [t for t in tools if (t.context_type, t.context_id) == ("Account", account.id)]
    return found


#: What Ruby's ``URI.parse`` accepts (RFC 3986): its characters, ``%`` only before two hex digits, and
#: a colon before the first ``/``, ``?`` or ``#`` only after a scheme (``hello world!`` and ``::x`` are not URIs).
URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
INVALID_URL = ("invalid_url", "'url' param must be a valid URL")
INVALID_CUSTOM = ("invalid_custom", "'custom' param must contain key/value pairs")


def valid_url(value: Any) -> bool:
    """``valid_url?``: absent, or a string ``URI.parse`` accepts (not necessarily absolute)."""
    if value is None:
        return True
    if not isinstance(value, str) or URI_CHARACTERS.fullmatch(value) is None:
        return False
    head = re.split(r"[/?#]", value, maxsplit=1)[0]
    return ":" not in head or SCHEME.fullmatch(head.split(":", 1)[0]) is not None


def valid_custom(value: Any) -> bool:
    """``valid_custom?``: absent, or a hash of strings to strings."""
    return value is None or (isinstance(value, dict) and all(isinstance(v, str) for v in value.values()))


def _tool_for(world: World, course: Course, url: Any) -> Tool | None:
    return best_tool(course_tools(world, course), url) if isinstance(url, str) and url else None


def _bulk_item_error(world: World, course: Course, item: Any) -> dict[str, Any] | None:
    """``bulk_create``'s check of one item: url, then custom, then the tool; ``value`` is the
    offending argument."""
    if not isinstance(item, dict):
        return {"value": item, "error": "invalid_request", "message": "each resource link must be an object"}
    url, custom = item.get("url"), item.get("custom")
    if not valid_url(url):
        return {"value": url, "error": INVALID_URL[0], "message": INVALID_URL[1]}
    if not valid_custom(custom):
        return {"value": custom, "error": INVALID_CUSTOM[0], "message": INVALID_CUSTOM[1]}
    if _tool_for(world, course, url) is None:
        return {"value": url, "error": "invalid_url", "message": NO_TOOL}
    return None


def _build(ctx: RequestContext, course: Course, tool: Tool, item: dict[str, Any]) -> ResourceLink:
    world = ctx.world
    now = iso_now(ctx)
    title = item.get("title")
    return ResourceLink(
        id=world.next_id("resource_links"), resource_link_uuid=str(uuid.uuid4()), context_type="Course",
        context_id=course.id, course_id=course.id, tool_id=tool.id, url=item["url"],
        title=str(title) if title is not None else None, lookup_uuid=str(uuid.uuid4()), resource_type="rich_content",
        custom=dict(item.get("custom") or {}), created_at=now, updated_at=now,
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
        body = [link_json(world, ctx.base_url, rl) for rl in links[page.start:page.start + size]]
    return json_response(body, headers={"Link": link_header(f"{ctx.base_url}{ctx.path}", ctx.query, page)})


async def show_link(ctx: RequestContext, **_: Any) -> Response:
    include_deleted = to_bool(ctx.request.query_params.get("include_deleted", "false"))
    with ctx.world.lock:
        return json_response(link_json(ctx.world, ctx.base_url, find_link(ctx.world, _course(ctx), _link_id(ctx), include_deleted)))


async def create_link(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """A missing ``url`` passes ``valid_url?`` and then finds no tool, as in Canvas."""
    params = await read_params(ctx, body)
    course, world = _course(ctx), ctx.world
    if not valid_custom(params.get("custom")):
        raise coded(*INVALID_CUSTOM)
    if not valid_url(params.get("url")):
        raise coded(*INVALID_URL)
    with world.lock:
        tool = _tool_for(world, course, params.get("url"))
        if tool is None:
            raise coded("invalid_url", NO_TOOL)
        link = _build(ctx, course, tool, params)
        world.add_resource_link(link)
        return json_response(link_json(world, ctx.base_url, link))


async def bulk_create_links(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """All or nothing: every item is checked before any link is stored."""
    course, world = _course(ctx), ctx.world
    if not isinstance(body, list):
        raise coded("invalid_request", "The request body must be a JSON array of resource links")
    if len(body) > BULK_LIMIT:
        raise coded("invalid_request", f"Cannot create more than {BULK_LIMIT} resource links at once")
    with world.lock:
        errors = [error for item in body if (error := _bulk_item_error(world, course, item))]
        if errors:
            raise CanvasError(422, {"errors": errors})
        links = [_build(ctx, course, _tool_for(world, course, item["url"]), item) for item in body]  # type: ignore[arg-type]
        for link in links:
            world.add_resource_link(link)
        return json_response([link_json(world, ctx.base_url, rl) for rl in links])


def _new_tool(world: World, course: Course, link: ResourceLink, raw: Any) -> Tool:
    """``validate_tool``: ``context_external_tool_id`` names an active tool of the link's root account."""
    text = str(raw)
    tool = world.tools.get(int(text)) if is_digits(text) and len(text) < 17 else None
    if tool is not None and tool.workflow_state == "active":
        tool_account = world.courses[tool.context_id].account_id if tool.context_type == "Course" else tool.context_id
        if world.root_account_id(tool_account) == world.root_account_id(course.account_id):
            return tool
    raise coded("context_external_tool_id", "'context_external_tool_id' param must be a valid ContextExternalTool ID")


async def update_link(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    params = await read_params(ctx, body)
    course, world = _course(ctx), ctx.world
    if not valid_custom(params.get("custom")):
        raise coded(*INVALID_CUSTOM)
    url = params.get("url")
    if not valid_url(url):
        raise coded(*INVALID_URL)
    with world.lock:
        link = find_link(world, course, _link_id(ctx), to_bool(params.get("include_deleted", "false")))
        raw_tool = params.get("context_external_tool_id")
        new_tool = _new_tool(world, course, link, raw_tool) if raw_tool is not None else None
        if url is not None or new_tool is not None:
            tool = new_tool or (world.tools.get(link.tool_id) if link.tool_id is not None else None)
            target = url if url is not None else link.url
            if target is not None and (tool is None or not url_matches(tool, target)):
                raise coded("url_tool_mismatch", "'url' param must match the tool associated with 'context_external_tool_id'")
        if url is not None:
            link.url = url
        if "custom" in params:
            link.custom = dict(params["custom"] or {})
        if new_tool is not None:
            link.tool_id = new_tool.id
        link.updated_at = iso_now(ctx)
        return json_response(link_json(world, ctx.base_url, link))


async def delete_link(ctx: RequestContext, **_: Any) -> Response:
    course, world = _course(ctx), ctx.world
    with world.lock:
        link = find_link(world, course, _link_id(ctx), False)
        if resource_type(link) != "rich_content":
            raise coded("invalid_resource_link", "Cannot delete resource links associated with Assignments, Module Items, or Collaborations")
        link.workflow_state = "deleted"
        link.updated_at = iso_now(ctx)
        return json_response(link_json(world, ctx.base_url, link))


REST_TRANSLATORS.update({op: REST_FAMILIES["coded"] for op in ("createLtiResourceLink", "updateLtiResourceLink", "bulkCreateLtiResourceLinks")})

OPERATIONS = {
    "listLtiResourceLinks": list_links,
    "getLtiResourceLink": show_link,
    "createLtiResourceLink": create_link,
    "bulkCreateLtiResourceLinks": bulk_create_links,
    "updateLtiResourceLink": update_link,
    "deleteLtiResourceLink": delete_link,
}
