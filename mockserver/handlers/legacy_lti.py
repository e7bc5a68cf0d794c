"""Older user-authenticated LTI helpers under ``/api/lti/`` (Canvas API token, plain JSON):

- ``GET /api/lti/courses/:course_id/jwt_token`` (``ExternalToolsController#jwt_token``): the LTI 1.1
  launch parameters Canvas would post for a tool in the course for the token's user, as an HS256
  JWT ``{"jwt_token": …}``;
- ``GET /api/lti/groups/:group_id/membership_service`` (``Lti::MembershipServiceController#group_index``):
  the LTI 1.1 "membership service" JSON-LD page of a group's members.

Both run the REST filter chain (``api_user`` → ``api_context`` → ``read_context``), so unknown
contexts are the generic 404 and missing/unknown tokens the REST 401 bodies.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from ..canvas.errors import CanvasError, api_error, json_response, not_found
from ..canvas.ids import is_digits
from ..canvas.validation import REST_TRANSLATORS, FieldError
from ..context import RequestContext
from ..launch.id_token import is_admin
from ..launch.substitutions import LaunchContext, expand
from ..lazy_imports import LazyModule
from ..world import Course, Group, Tool, User, World
from .external_tools import api_auth, reachable_tools, tool_from_url

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

# -- jwt_token ------------------------------------------------------------------------------

JWT_PURPOSE = b"canvas-lti-mock:jwt_token"

#: ``roles``: LTI 1.1 context roles as Canvas sends them (short names where LIS 1 has them).
LTI11_ROLES = {
    "TeacherEnrollment": "Instructor",
    "TaEnrollment": "urn:lti:role:ims/lis/TeachingAssistant",
    "DesignerEnrollment": "ContentDeveloper",
    "StudentEnrollment": "Learner",
    "StudentViewEnrollment": "Learner",
    "ObserverEnrollment": "urn:lti:role:ims/lis/Learner/NonCreditLearner",
}
#: ``ext_roles``: every role as a LIS 1 URN (institution, context, system).
LIS1_CONTEXT = {
    "TeacherEnrollment": "urn:lti:role:ims/lis/Instructor",
    "TaEnrollment": "urn:lti:role:ims/lis/TeachingAssistant",
    "DesignerEnrollment": "urn:lti:role:ims/lis/ContentDeveloper",
    "StudentEnrollment": "urn:lti:role:ims/lis/Learner",
    "StudentViewEnrollment": "urn:lti:role:ims/lis/Learner",
    "ObserverEnrollment": "urn:lti:role:ims/lis/Learner/NonCreditLearner",
}
LIS1_INSTITUTION = {
    "TeacherEnrollment": "urn:lti:instrole:ims/lis/Instructor",
    "TaEnrollment": "urn:lti:instrole:ims/lis/Instructor",
    "DesignerEnrollment": "urn:lti:instrole:ims/lis/Instructor",
    "StudentEnrollment": "urn:lti:instrole:ims/lis/Student",
    "StudentViewEnrollment": "urn:lti:instrole:ims/lis/Student",
}
ADMIN_ROLE = "urn:lti:instrole:ims/lis/Administrator"
SYSTEM_USER = "urn:lti:sysrole:ims/lis/User"
NO_ROLE = "urn:lti:sysrole:ims/lis/None"


def jwt_token_key(secret: str, tool: Tool) -> bytes:
    """The HS256 key: the tool's shared secret, as Canvas signs (the upstream description's example
    token verifies with its tool's secret); a tool without one (the LTI 1.3 developer-key tools)
    gets ``HMAC-SHA256(app secret, "canvas-lti-mock:jwt_token")`` instead."""
    if tool.shared_secret:
        return tool.shared_secret.encode()
    return hmac.new(secret.encode(), JWT_PURPOSE, hashlib.sha256).digest()


def lti11_roles(world: World, user: User, course: Course) -> tuple[str, str]:
    """(``roles``, ``ext_roles``) of the user in the course, comma-joined."""
    roles: list[str] = []
    institution: list[str] = []
    context: list[str] = []
    for enrollment in sorted(world.enrollments.values(), key=lambda e: e.id):
        if enrollment.user_id != user.id or enrollment.state != "active":
            continue
        inst = LIS1_INSTITUTION.get(enrollment.type)
        if inst and inst not in institution:
            institution.append(inst)
        if enrollment.course_id == course.id:
            for table, out in ((LTI11_ROLES, roles), (LIS1_CONTEXT, context)):
                role = table.get(enrollment.type)
                if role and role not in out:
                    out.append(role)
    if is_admin(world, user.id, course.account_id):
        roles.append(ADMIN_ROLE)
        institution.append(ADMIN_ROLE)
    return ",".join(roles) or NO_ROLE, ",".join([*institution, *context, SYSTEM_USER])


def _enrollment_state(world: World, user: User, course: Course) -> str:
    """``$Canvas.enrollment.enrollmentState``: active, inactive, or empty without enrollments."""
    states = [e.state for e in world.enrollments_by_course.get(course.id, ())
              if e.user_id == user.id and e.state != "deleted"]
    if not states:
        return ""
    return "active" if "active" in states else "inactive"


def _custom_name(key: str) -> str:
    """LTI 1.1 custom parameter names: ``custom_`` + the key, non-word characters as ``_``, lower case."""
    name = key[len("custom_"):] if key.startswith("custom_") else key
    return "custom_" + re.sub(r"[^\w]", "_", name).lower()


def launch_params(ctx: RequestContext, course: Course, user: User, tool: Tool) -> dict[str, Any]:
    """The basic-lti-launch-request parameters of a course-level launch, without the OAuth ones."""
    world = ctx.world
    account = world.accounts[course.account_id]
    root = world.accounts[world.root_account_id(course.account_id)]
    roles, ext_roles = lti11_roles(world, user, course)
    lc = LaunchContext(base_url=ctx.base_url, domain=ctx.request.url.netloc, course=course, account=account,
                       root_account=root, user=user, tool=tool, roles=tuple(ext_roles.split(",")), canvas_roles=())
    params: dict[str, Any] = {
        "context_id": course.lti_context_id,
        "context_label": course.course_code,
        "context_title": course.name,
        "custom_canvas_api_domain": lc.domain,
        "custom_canvas_course_id": str(course.id),
        "custom_canvas_enrollment_state": _enrollment_state(world, user, course),
        "custom_canvas_user_id": str(user.id),
        "custom_canvas_user_login_id": expand("$Canvas.user.loginId", lc) if lc.shows_name else "$Canvas.user.loginId",
        "custom_canvas_workflow_state": course.workflow_state,
        "ext_roles": ext_roles,
        "launch_presentation_document_target": "iframe",
        "launch_presentation_locale": user.locale,
        "launch_presentation_return_url": f"{ctx.base_url}/courses/{course.id}",
        "lti_message_type": "basic-lti-launch-request",
        "lti_version": "LTI-1p0",
        "resource_link_id": course.lti_context_id,
        "resource_link_title": tool.name,
        "roles": roles,
        "tool_consumer_info_product_family_code": "canvas",
        "tool_consumer_info_version": "cloud",
        "tool_consumer_instance_guid": root.lti_guid,
        "tool_consumer_instance_name": root.name,
        "user_id": user.lti11_id,
    }
    for key, value in tool.custom_fields.items():
        params[_custom_name(key)] = expand(str(value), lc)
    if lc.shows_name:
        params.update({"lis_person_name_full": user.name, "lis_person_name_given": user.given_name,
                       "lis_person_name_family": user.family_name})
        if user.sis_user_id:
            params["lis_person_sourcedid"] = user.sis_user_id
    if lc.shows_email:
        params["lis_person_contact_email_primary"] = user.email
    if tool.privacy_level == "public":
        params["user_image"] = user.avatar_url
    body = dict(sorted(params.items()))
    body["consumer_key"] = tool.consumer_key
    body["iat"] = int(ctx.now())
    return body


def _find_tool(ctx: RequestContext) -> Tool:
    """``Lti::ToolFinder.from_url(params[:tool_launch_url], @context, preferred_tool_id: params[:tool_id])``:
    with no url the tool by id, else the tool the url matches (the id's tool when the url is on its
    host); nothing found (or neither given) is a 404."""
    query = ctx.request.query_params
    tool_id, launch_url = query.get("tool_id"), query.get("tool_launch_url")
    wanted = int(tool_id) if tool_id is not None and is_digits(tool_id) and len(tool_id) <= 16 else None
    tool = tool_from_url(reachable_tools(ctx.world, api_auth(ctx), include_parents=True), launch_url, wanted)
    if tool is None:
        raise not_found()
    return tool


async def get_jwt_token(ctx: RequestContext, **_: Any) -> Response:
    auth, world = api_auth(ctx), ctx.world
    assert auth.course is not None and auth.user is not None
    with world.lock:
        tool = _find_tool(ctx)
        claims = launch_params(ctx, auth.course, auth.user, tool)
        token = jwt.encode(claims, jwt_token_key(ctx.state.secret, tool), algorithm="HS256",
                           headers={"typ": "JWT"})
    return json_response({"jwt_token": token})


# -- LTI 1.1 membership service (groups) ----------------------------------------------------

MEMBERSHIP_CONTAINER = "http://purl.imsglobal.org/ctx/lis/v2/MembershipContainer"
MEMBERSHIP_PREDICATE = "http://www.w3.org/ns/org#membership"
MEMBER = "urn:lti:role:ims/lis/Member"
MANAGER = "urn:lti:role:ims/lis/Manager"
PER_PAGE, MAX_PER_PAGE = 10, 100


def ruby_to_i(value: str | None) -> int:
    """Ruby's ``String#to_i``: leading blanks, an optional sign and the digits that follow; else 0."""
    match = re.match(r"\s*([+-]?\d+)", value or "")
    return int(match.group(1)) if match else 0


def group_members(world: World, group: Group) -> list[User]:
    """The group's members and its leader, by user id (as the NRPS group roster)."""
    ids = sorted(set(group.member_ids) | ({group.leader_id} if group.leader_id else set()))
    return [world.users[uid] for uid in ids if uid in world.users]


def _membership(user: User, group: Group) -> dict[str, Any]:
    return {
        "@id": None,
        "status": "Active",
        "role": [MEMBER, MANAGER] if user.id == group.leader_id else [MEMBER],
        "member": {
            "@id": None, "name": user.name, "img": user.avatar_url, "email": user.email,
            "familyName": user.family_name, "givenName": user.given_name, "resultSourcedId": None,
            "sourcedId": user.sis_user_id, "userId": user.lti11_id,
        },
    }


async def get_group_membership_service(ctx: RequestContext, **_: Any) -> Response:
    auth, world, query = api_auth(ctx), ctx.world, ctx.request.query_params
    group = auth.group
    assert group is not None
    per_page = min(max(ruby_to_i(query.get("per_page")), PER_PAGE), MAX_PER_PAGE)
    page = max(ruby_to_i(query.get("page")), 1)
    role = query.get("role") or None
    with world.lock:
        members = group_members(world, group)
        start = (page - 1) * per_page
        memberships = [_membership(u, group) for u in members[start:start + per_page]]
        next_page = None
        if len(members) > start + per_page:
            params: dict[str, Any] = {"page": page + 1, "per_page": per_page}
            if role is not None:
                params["role"] = role
            next_page = f"{ctx.base_url}/api/lti/groups/{group.id}/membership_service?{urlencode(params)}"
        body = {
            "@id": None, "@type": "Page", "@context": MEMBERSHIP_CONTAINER, "differences": None, "nextPage": next_page,
            "pageOf": {
                "membershipPredicate": MEMBERSHIP_PREDICATE,
                "membershipSubject": {"@id": None, "name": group.name, "@type": "Context",
                                      "contextId": group.lti_context_id, "membership": memberships},
                "@id": None, "@context": MEMBERSHIP_CONTAINER, "@type": "LISMembershipContainer",
            },
        }
    return json_response(body)


def _bad_request(errors: list[FieldError]) -> CanvasError:
    """Any request validation failure is Canvas's generic API 400 (``{"errors": [{"message"}]}``)."""
    first = errors[0]
    return api_error(400, f"Invalid {first.location} parameter '{first.field}': {first.message}")


REST_TRANSLATORS.update({op: _bad_request for op in ("getCourseLtiJwtToken", "getGroupLtiMembershipService")})

OPERATIONS = {
    "getCourseLtiJwtToken": get_jwt_token,
    "getGroupLtiMembershipService": get_group_membership_service,
}
