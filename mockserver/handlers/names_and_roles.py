"""NRPS v2 (§7): course and group rosters, privacy-gated, paged by user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from ..canvas import media
from ..canvas.errors import json_text, lti_error
from ..canvas.pagination import Page, link_header, requested_page
from ..context import RequestContext
from ..world import Tool, User, World

LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership"
ROLE_URIS: dict[str, tuple[str, ...]] = {
    "TeacherEnrollment": (f"{LIS}#Instructor",),
    "TaEnrollment": (f"{LIS}/Instructor#TeachingAssistant", f"{LIS}#Instructor"),
    "StudentEnrollment": (f"{LIS}#Learner",),
    "StudentViewEnrollment": (f"{LIS}#Learner", "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"),
    "DesignerEnrollment": (f"{LIS}#ContentDeveloper",),
    "ObserverEnrollment": (f"{LIS}#Mentor",),
}
GROUP_MEMBER, GROUP_MANAGER = f"{LIS}#Member", f"{LIS}#Manager"
NRPS_PAGE = 50
INVALID_RLID = "Invalid 'rlid' parameter"
FOREIGN_RLID = "Tool does not have access to rlid or rlid does not exist"
UNBOUND_ASSIGNMENT = "Requested assignment not configured for external tool launches"


@dataclass(frozen=True)
class Membership:
    user: User
    roles: tuple[str, ...]


def _member(user: User, roles: tuple[str, ...], tool: Tool, message: dict[str, Any] | None) -> dict[str, Any]:
    privacy = tool.privacy_level
    names = privacy in ("public", "name_only")
    body: dict[str, Any] = {
        "status": "Active",
        "name": user.name if names else None,
        "picture": user.avatar_url if privacy == "public" else None,
        "given_name": user.given_name if names else None,
        "family_name": user.family_name if names else None,
        "email": user.email if privacy in ("public", "email_only") else None,
        "lis_person_sourcedid": user.sis_user_id if names else None,
        "user_id": user.lti_id,
        "lti11_legacy_user_id": user.lti11_id,
        "roles": roles,
    }
    if message is not None:
        body["message"] = [{
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
            "locale": user.locale,
            "https://www.instructure.com/canvas_user_id": user.id,
            "https://www.instructure.com/canvas_user_login_id": user.login_id,
            "https://purl.imsglobal.org/spec/lti/claim/custom": dict(tool.custom_fields),
        }]
    return {k: v for k, v in body.items() if v is not None}


def _course_memberships(world: World, course_id: int) -> list[Membership]:
    """The course's active members by user id, kept by the world until enrollments change."""
    return world.from_enrollments(("nrps roster", course_id), lambda: _build_course_memberships(world, course_id))


def _build_course_memberships(world: World, course_id: int) -> list[Membership]:
    by_user: dict[int, tuple[User, list[str]]] = {}
    for enrollment in world.active_enrollments(course_id):
        user = world.users.get(enrollment.user_id)
        if user is None:
            continue
        _, roles = by_user.setdefault(user.id, (user, []))
        roles.extend(role for role in ROLE_URIS.get(enrollment.type, ()) if role not in roles)
    return [Membership(user, tuple(roles)) for user, roles in (by_user[k] for k in sorted(by_user))]


def _check_rlid(ctx: RequestContext, rlid: str | None, context_id: str) -> bool:
    """Whether member ``message`` claims are wanted (``MembershipsProvider#validate!``): an rlid that
    names no resource link, one of another tool, or an assignment no longer launched by a tool is a 400."""
    if not rlid:  # ``rlid.present?``
        return False
    if rlid == context_id:
        return True
    world, auth = ctx.world, ctx.auth
    assert auth is not None
    link = world.resource_links.get(world.link_by_uuid.get(rlid, -1))
    if link is None:
        raise lti_error(400, INVALID_RLID)
    tool = world.tools.get(link.tool_id) if link.tool_id else None
    if link.workflow_state != "active" or tool is None or tool.developer_key_id != auth.key.id:
        raise lti_error(400, FOREIGN_RLID)
    assignment = world.assignments.get(link.context_id) if link.context_type == "Assignment" else None
    if assignment is not None and assignment.workflow_state != "deleted" and assignment.external_tool_id is None:
        raise lti_error(400, UNBOUND_ASSIGNMENT)
    return True


def _respond(ctx: RequestContext, memberships: list[Membership], context: dict[str, Any], base: str, rlid_message: bool) -> Response:
    assert ctx.auth is not None and ctx.auth.tool is not None
    params = ctx.request.query_params
    role = params.get("role")
    if role is not None:
        memberships = [m for m in memberships if role in m.roles]
    number, size = requested_page(params, NRPS_PAGE, NRPS_PAGE, limit_cap=NRPS_PAGE)
    page = Page(number, size, len(memberships))
    tool = ctx.auth.tool
    # What a member's JSON depends on besides the member: the tool's privacy level and, in a
    # ``message`` claim, its custom fields (both editable through the API).
    variant = (tool.privacy_level, json_text(list(tool.custom_fields.items())) if rlid_message else None)
    members = ",".join(_member_json(ctx.world, m, tool, variant) for m in memberships[page.start:page.start + size])
    query = [(k, v) for k, v in ctx.query if k != "limit"]
    link = link_header(base, query, page)
    # json_text({"id": …, "context": …, "members": [...]}), with each member's JSON made once
    body = f'{{"id":{json_text(ctx.url)},"context":{json_text(context)},"members":[{members}]}}'
    return Response(body.encode(), media_type=media.MEMBERSHIP_CONTAINER, headers={"Link": link})


def _member_json(world: World, membership: Membership, tool: Tool, variant: tuple[str, str | None]) -> str:
    """A member's JSON, kept by the world until enrollments change (users change only with them),
    per ``variant``: the tool's privacy level and custom fields, or None without a message claim."""
    key = ("nrps member", membership.user.id, membership.roles, variant)
    message = {} if variant[1] is not None else None
    return world.from_enrollments(key, lambda: json_text(_member(membership.user, membership.roles, tool, message)))


async def list_course_memberships(ctx: RequestContext, course_id: int, **_: Any) -> Response:
    assert ctx.auth is not None and ctx.auth.course is not None
    course = ctx.auth.course
    with ctx.world.lock:
        wants_message = _check_rlid(ctx, ctx.request.query_params.get("rlid"), course.lti_context_id)
        memberships = _course_memberships(ctx.world, course.id)
        context = {"id": course.lti_context_id, "label": course.course_code, "title": course.name}
        return _respond(ctx, memberships, context, f"{ctx.base_url}/api/lti/courses/{course.id}/names_and_roles", wants_message)


async def list_group_memberships(ctx: RequestContext, group_id: int, **_: Any) -> Response:
    assert ctx.auth is not None and ctx.auth.group is not None
    group, world = ctx.auth.group, ctx.world
    with world.lock:
        wants_message = _check_rlid(ctx, ctx.request.query_params.get("rlid"), group.lti_context_id)
        member_ids = sorted(set(group.member_ids) | ({group.leader_id} if group.leader_id else set()))
        memberships = [
            Membership(world.users[uid], (GROUP_MEMBER, GROUP_MANAGER) if uid == group.leader_id else (GROUP_MEMBER,))
            for uid in member_ids if uid in world.users
        ]
        context = {"id": group.lti_context_id, "title": group.name}
        return _respond(ctx, memberships, context, f"{ctx.base_url}/api/lti/groups/{group.id}/names_and_roles", wants_message)


OPERATIONS = {
    "listCourseMemberships": list_course_memberships,
    "listGroupMemberships": list_group_memberships,
}
