"""AGS line items (§3): list, create, show, update, delete."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response

from ..canvas import media
from ..canvas.errors import empty, json_response, lti_error, not_found
from ..canvas.pagination import Page, link_header, requested_page
from ..canvas.timestamps import api_time
from ..canvas.urls import line_item_url, line_items_url
from ..context import RequestContext
from ..world import Assignment, LineItem, ResourceLink, World, stable_uuid

SUBMISSION_TYPE_EXT = "https://canvas.instructure.com/lti/submission_type"
LAUNCH_URL_EXT = "https://canvas.instructure.com/lti/launch_url"
LINK_MISMATCH = "The specified LTI link ID is not associated with the line item."


def serialize(world: World, base: str, course_id: int, item: LineItem, include_launch_url: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": line_item_url(base, course_id, item.id),
        "scoreMaximum": float(item.score_maximum),
        "label": item.label,
        "resourceId": item.resource_id,
        "tag": item.tag,
        "startDateTime": item.start_date_time,
        "endDateTime": item.end_date_time,
    }
    link = world.resource_links.get(item.resource_link_id) if item.resource_link_id else None
    if link is not None:
        body["resourceLinkId"] = link.resource_link_uuid
    if SUBMISSION_TYPE_EXT in item.extensions:
        body[SUBMISSION_TYPE_EXT] = item.extensions[SUBMISSION_TYPE_EXT]
    if include_launch_url:
        assignment = world.assignments.get(item.assignment_id)
        if assignment is not None and assignment.external_tool_url:
            body[LAUNCH_URL_EXT] = assignment.external_tool_url
    return {k: v for k, v in body.items() if v is not None}


def _wants_launch_url(ctx: RequestContext) -> bool:
    return "launch_url" in ctx.request.query_params.getlist("include[]")


def _link_uuid(world: World, item: LineItem) -> str | None:
    link = world.resource_links.get(item.resource_link_id) if item.resource_link_id else None
    return link.resource_link_uuid if link else None


async def list_line_items(ctx: RequestContext, course_id: int, **_: Any) -> Response:
    world, auth, params = ctx.world, ctx.auth, ctx.request.query_params
    assert auth is not None
    tag, resource_id, link_id = params.get("tag"), params.get("resource_id"), params.get("resource_link_id")
    number, size = requested_page(params, 10, 100)
    with world.lock:
        visible = world.visible_line_items.get((course_id, auth.key.id), [])
        if tag is None and resource_id is None and link_id is None:
            matching = visible  # the common case: a page is a slice, whatever the store's size
        else:
            matching = [
                world.line_items[i] for i in visible
                if (tag is None or world.line_items[i].tag == tag)
                and (resource_id is None or world.line_items[i].resource_id == resource_id)
                and (link_id is None or _link_uuid(world, world.line_items[i]) == link_id)
            ]
        page = Page(number, size, len(matching))
        launch = _wants_launch_url(ctx)
        body = [serialize(world, ctx.base_url, course_id, item if isinstance(item, LineItem) else world.line_items[item], launch)
                for item in matching[page.start:page.start + size]]
    link = link_header(line_items_url(ctx.base_url, course_id), ctx.query, page)
    return json_response(body, media_type=media.LINE_ITEM_CONTAINER, headers={"Link": link})


def _tool_matches_url(ctx: RequestContext, url: str | None) -> bool:
    tool = ctx.auth.tool if ctx.auth else None
    if tool is None or not url:
        return False
    host = urlsplit(url).hostname
    return url == tool.url or (tool.domain is not None and host is not None and host == tool.domain)


async def create_line_item(ctx: RequestContext, course_id: int, body: dict[str, Any], **_: Any) -> Response:
    world, auth = ctx.world, ctx.auth
    assert auth is not None and auth.tool is not None
    with world.lock:
        link_uuid = body.get("resourceLinkId")
        extension = body.get(SUBMISSION_TYPE_EXT)
        if link_uuid is not None:
            link = world.resource_links.get(world.link_by_uuid.get(link_uuid, -1))
            if link is None or link.workflow_state != "active":
                raise not_found()
            link_tool = world.tools.get(link.tool_id) if link.tool_id else None
            if link_tool is None or link_tool.developer_key_id != auth.key.id:
                raise lti_error(422, "Resource link id points to Tool not associated with this Context")
            assignment = world.assignments.get(link.context_id) if link.context_type == "Assignment" else None
            has_items = any(li.resource_link_id == link.id and li.workflow_state == "active"
                            for li in world.line_items.values())
            if (assignment is None or not has_items or assignment.course_id != course_id
                    or assignment.workflow_state == "deleted"):
                raise empty(412)
            resource_link_id: int | None = link.id
        else:
            assignment = Assignment(
                id=world.next_id("assignments"), course_id=course_id, name=body["label"],
                points_possible=float(body["scoreMaximum"]), submission_types="none",
                unlock_at=body.get("startDateTime"), due_at=body.get("endDateTime"),
            )
            resource_link_id = None
        item = LineItem(
            id=world.next_id("line_items"), assignment_id=assignment.id, course_id=course_id,
            label=body["label"], score_maximum=float(body["scoreMaximum"]), client_id=auth.key.id,
            resource_id=body.get("resourceId"), tag=body.get("tag"),
            resource_link_id=resource_link_id, coupled=False,
            start_date_time=body.get("startDateTime"), end_date_time=body.get("endDateTime"),
        )
        new_link: ResourceLink | None = None
        if extension is not None and link_uuid is None:
            item.extensions[SUBMISSION_TYPE_EXT] = extension
            if extension.get("type") == "external_tool":
                assignment.submission_types = "external_tool"
                assignment.external_tool_url = extension.get("external_tool_url")
                if _tool_matches_url(ctx, assignment.external_tool_url):
                    assignment.external_tool_id = auth.tool.id
                    link_id, created = world.next_id("resource_links"), api_time(ctx.now())
                    new_link = ResourceLink(
                        id=link_id, resource_link_uuid=stable_uuid("ags_resource_link", link_id),
                        context_type="Assignment", context_id=assignment.id, course_id=course_id,
                        tool_id=auth.tool.id, url=assignment.external_tool_url, title=assignment.name,
                        created_at=created, updated_at=created,
                    )
                    item.resource_link_id = new_link.id
        # Everything is checked: commit.
        world.assignments.setdefault(assignment.id, assignment)
        if new_link is not None:
            world.add_resource_link(new_link)
        world.add_line_item(item)
        payload = serialize(world, ctx.base_url, course_id, item)
    return json_response(payload, 201, media.LINE_ITEM)


def _check_link_param(ctx: RequestContext, item: LineItem, given: Any) -> None:
    if given is not None and given != _link_uuid(ctx.world, item):
        raise lti_error(412, LINK_MISMATCH)


async def get_line_item(ctx: RequestContext, course_id: int, **_: Any) -> Response:
    assert ctx.auth is not None and ctx.auth.line_item is not None
    item = ctx.auth.line_item
    _check_link_param(ctx, item, ctx.request.query_params.get("resourceLinkId"))
    with ctx.world.lock:
        payload = serialize(ctx.world, ctx.base_url, course_id, item, _wants_launch_url(ctx))
    return json_response(payload, media_type=media.LINE_ITEM)


async def update_line_item(ctx: RequestContext, course_id: int, body: dict[str, Any] | None = None, **_: Any) -> Response:
    assert ctx.auth is not None and ctx.auth.line_item is not None
    world, item, body = ctx.world, ctx.auth.line_item, body or {}
    _check_link_param(ctx, item, body.get("resourceLinkId"))
    with world.lock:
        if "scoreMaximum" in body:
            item.score_maximum = float(body["scoreMaximum"])
        for field_name, attr in (("label", "label"), ("resourceId", "resource_id"), ("tag", "tag"),
                                 ("startDateTime", "start_date_time"), ("endDateTime", "end_date_time")):
            if field_name in body:
                setattr(item, attr, body[field_name])
        assignment = world.assignments.get(item.assignment_id)
        if assignment is not None and world.default_line_item_id(assignment.id) == item.id:
            if "label" in body:
                assignment.name = body["label"]
            if "scoreMaximum" in body:
                assignment.points_possible = float(body["scoreMaximum"])
            if "startDateTime" in body:
                assignment.unlock_at = body["startDateTime"]
            if "endDateTime" in body:
                assignment.due_at = body["endDateTime"]
        payload = serialize(world, ctx.base_url, course_id, item)
    return json_response(payload, media_type=media.LINE_ITEM)


async def delete_line_item(ctx: RequestContext, course_id: int, **_: Any) -> Response:
    assert ctx.auth is not None and ctx.auth.line_item is not None
    world, item = ctx.world, ctx.auth.line_item
    with world.lock:
        if item.coupled:
            raise empty(401)
        assignment = world.assignments.get(item.assignment_id)
        if assignment is not None and world.default_line_item_id(assignment.id) == item.id:
            world.destroy_assignment(assignment)
        else:
            world.destroy_line_item(item)
    return Response(status_code=204)


OPERATIONS = {
    "listLineItems": list_line_items,
    "createLineItem": create_line_item,
    "getLineItem": get_line_item,
    "updateLineItem": update_line_item,
    "deleteLineItem": delete_line_item,
}
