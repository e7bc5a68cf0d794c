"""Launch initiation (§10.1): resolve who launches what where, build and cache the id_token,
and produce the third-party-initiated login request to the tool's OIDC login URL.

There is no browser session in the mock: the launching user is the one named when the launch
is started, carried (signed) in ``lti_message_hint`` and checked against ``login_hint`` at
``/api/lti/authorize`` — that pair stands in for Canvas's logged-in session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..canvas.ids import is_digits
from ..control import deployment_id
from ..world import Assignment, Course, ResourceLink, Tool, User, World
from . import signing
from .cache import LAUNCH_TTL, LaunchCache, PendingLaunch
from .id_token import DEEP_LINKING_REQUEST, MESSAGE_TYPES, RESOURCE_LINK_REQUEST, build_claims, roles_for, target_link_uri
from .options import LaunchOptions
from .placements import DEEP_LINKING, RESOURCE_LINK
from .substitutions import LaunchContext

#: ``Lti::PlatformStorage::FORWARDING_TARGET``: the frame a tool posts LTI platform-storage messages to.
STORAGE_TARGET = "post_message_forwarding"

HINT_PURPOSE = "lti_message_hint"
DATA_PURPOSE = "deep_linking_return_data"
DATA_LIFETIME = 3600


class LaunchError(Exception):
    """A launch that cannot start; ``status`` is 404 (unknown record) or 422 (not launchable)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class LaunchRequest:
    tool: str
    course: str
    user: str
    placement: str | None = None
    message_type: str = RESOURCE_LINK_REQUEST
    resource_link: str | None = None
    assignment: str | None = None
    #: The launch editor's changes (none: Canvas's claims as built).
    options: LaunchOptions = field(default_factory=LaunchOptions)
    #: The launch record (``record.py``) the hint and the deep-linking data name.
    launch_id: int | None = None
    #: A launch URL to use as the target link URI (``external_tools#show``'s ``launch_url`` on the
    #: tool's host); none: the resource link's, the placement's or the tool's.
    launch_url: str | None = None
    #: Without a placement, launch in ``course_navigation`` (``#show``) or in none (``#retrieve``).
    default_placement: bool = True


@dataclass
class LoginRequest:
    """The login initiation Canvas would auto-post to the tool."""

    url: str
    params: dict[str, str]
    message_type: str
    placement: str | None
    expires_at: int
    details: dict[str, Any] = field(default_factory=dict)
    #: The id_token claims as built (``nonce`` still empty), for the launch record.
    claims: dict[str, Any] = field(default_factory=dict)
    #: Who and what the launch is about, by name, for the launch record.
    names: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"login_url": self.url, "method": "POST", "params": self.params, "message_type": self.message_type,
                "placement": self.placement, "expires_at": self.expires_at, **self.details}


def _id(raw: str, what: str) -> int:
    text = str(raw).strip()
    if not is_digits(text) or len(text) > 16:
        raise LaunchError(404, f"{what} {raw!r} not found")
    return int(text)


def _course(world: World, raw: str) -> Course:
    course = world.courses.get(_id(raw, "course"))
    if course is None or course.workflow_state == "deleted":
        raise LaunchError(404, f"course {raw!r} not found")
    return course


def _user(world: World, raw: str) -> User:
    user_id = world.user_by_lti_id.get(str(raw))
    if user_id is None:
        user_id = _id(raw, "user")
    user = world.users.get(user_id)
    if user is None:
        raise LaunchError(404, f"user {raw!r} not found")
    return user


def _tool(world: World, raw: str, course: Course) -> Tool:
    """A tool id, a developer key's client id, or a tool/key name; reachable from the course."""
    text = str(raw).strip()
    tool: Tool | None = None
    if is_digits(text) and len(text) < 10:
        tool = world.tools.get(int(text))
    else:
        key_ids = [k.id for k in world.developer_keys.values() if text in (k.id, k.name)]
        for key_id in key_ids:
            tool = world.tool_for_key(key_id, course)
            if tool is not None:
                break
        if tool is None:
            tool = next((t for t in world.tools.values() if t.name == text and t.workflow_state == "active"), None)
    if tool is None or tool.workflow_state != "active":
        raise LaunchError(404, f"tool {raw!r} not found")
    if tool.developer_key_id is None or tool.developer_key_id not in world.developer_keys:
        raise LaunchError(422, f"tool {tool.id} is not an LTI 1.3 tool")
    reachable = (tool.context_type == "Course" and tool.context_id == course.id) or (
        tool.context_type == "Account" and any(a.id == tool.context_id for a in world.account_chain(course.account_id)))
    if not reachable:
        raise LaunchError(422, f"tool {tool.id} is not installed in course {course.id} or an account above it")
    return tool


def _same_key(world: World, link: ResourceLink, tool: Tool) -> bool:
    link_tool = world.tools.get(link.tool_id) if link.tool_id is not None else None
    return link_tool is not None and link_tool.developer_key_id == tool.developer_key_id


def _assignment_link(world: World, assignment: Assignment, tool: Tool) -> ResourceLink | None:
    for link in world.resource_links.values():
        if (link.context_type == "Assignment" and link.context_id == assignment.id
                and link.workflow_state == "active" and _same_key(world, link, tool)):
            return link
    return None


def _target(world: World, req: LaunchRequest, course: Course, tool: Tool) -> tuple[Assignment | None, ResourceLink | None]:
    assignment: Assignment | None = None
    link: ResourceLink | None = None
    if req.resource_link:
        if req.message_type == DEEP_LINKING_REQUEST:
            raise LaunchError(422, "a deep linking launch does not launch a resource link")
        link_id = world.link_by_uuid.get(str(req.resource_link))
        link = world.resource_links.get(link_id) if link_id is not None else None
        if link is None or link.workflow_state != "active" or link.course_id != course.id:
            raise LaunchError(404, f"resource link {req.resource_link!r} not found in course {course.id}")
        if not _same_key(world, link, tool):
            raise LaunchError(422, f"resource link {req.resource_link!r} belongs to another tool")
        if link.context_type == "Assignment":
            assignment = world.assignments.get(link.context_id)
    if req.assignment:
        found = world.assignments.get(_id(req.assignment, "assignment"))
        if found is None or found.course_id != course.id or found.workflow_state == "deleted":
            raise LaunchError(404, f"assignment {req.assignment!r} not found in course {course.id}")
        if assignment is not None and assignment.id != found.id:
            raise LaunchError(422, "resource_link and assignment name different assignments")
        assignment = found
        if req.message_type == RESOURCE_LINK_REQUEST:
            link = link or _assignment_link(world, found, tool)
            if link is None:
                # Canvas renders an "LTI Launch Error" page instead of launching, with the api_message
                # of ``ResourceLinkRequest#assignment_resource_link``.
                external = found.external_tool_id is not None or found.submission_types == "external_tool"
                reason = ("Assignment not configured for launches with specified tool" if external
                          else "Assignment not configured for external tool launches")
                raise LaunchError(422, f"LTI Launch Error: {reason} (assignment {found.id}, tool {tool.id})")
    return assignment, link


def _variable_facts(world: World, course: Course, user: User, root_id: int) -> dict[str, Any]:
    """What a few Canvas variables read from the world: the course's groups, the user's groups in it,
    the user's enrollment state there, root admin rights and the test student."""
    groups = sorted((g for g in world.groups.values() if g.course_id == course.id), key=lambda g: g.id)
    states = [e.state for e in world.enrollments.values()
              if e.user_id == user.id and e.course_id == course.id and e.state != "deleted"]
    return {
        "course_group_ids": tuple(g.id for g in groups),
        "user_group_context_ids": tuple(g.lti_context_id for g in groups if user.id in g.member_ids),
        "enrollment_state": "" if not states else "active" if "active" in states else "inactive",
        "root_admin": any(t.user_id == user.id and t.admin_of == root_id for t in world.api_tokens.values()),
        "student_view": any(e.user_id == user.id and e.type == "StudentViewEnrollment" for e in world.enrollments.values()),
    }


def start_launch(world: World, cache: LaunchCache, secret: str, req: LaunchRequest, *, base_url: str,
                 domain: str, now: float) -> LoginRequest:
    """Resolve, build the id_token claims, cache them, and return the login request."""
    if req.message_type not in MESSAGE_TYPES:
        raise LaunchError(422, f"message_type must be one of {', '.join(MESSAGE_TYPES)}")
    with world.lock:
        course = _course(world, req.course)
        user = _user(world, req.user)
        tool = _tool(world, req.tool, course)
        key = world.developer_keys[tool.developer_key_id or ""]
        assignment, link = _target(world, req, course, tool)
        placement = req.placement
        if req.message_type == DEEP_LINKING_REQUEST:
            placement = placement or "link_selection"
            if placement not in DEEP_LINKING:
                raise LaunchError(422, f"placement {placement!r} does not support deep linking "
                                       f"(one of: {', '.join(sorted(DEEP_LINKING))})")
        elif placement is None:
            placement = None if assignment is not None or not req.default_placement else "course_navigation"
        elif placement not in RESOURCE_LINK:
            raise LaunchError(422, f"unknown placement {placement!r}")
        if not key.oidc_initiation_url:
            raise LaunchError(422, f"developer key {key.id} has no OIDC login URL (oidc_initiation_url)")
        target = (req.launch_url or (link.url if link is not None and link.url else None) or target_link_uri(tool, placement)
                  or next(iter(key.redirect_uris), None))
        if not target:
            raise LaunchError(422, f"tool {tool.id} has no launch URL")
        account = world.accounts[course.account_id]
        root = world.accounts[world.root_account_id(course.account_id)]
        roles, canvas_roles = roles_for(world, user.id, course.id)
        lc = LaunchContext(base_url=base_url, domain=domain, course=course, account=account, root_account=root,
                           user=user, tool=tool, roles=roles, canvas_roles=canvas_roles, assignment=assignment,
                           link=link, **_variable_facts(world, course, user, root.id))
        iat = int(now)
        return_url = None
        if req.message_type == DEEP_LINKING_REQUEST:
            data = signing.sign(secret, DATA_PURPOSE, {
                "iat": iat, "exp": iat + DATA_LIFETIME, "modal": placement != "editor_button",
                "placement": placement, "context_type": "Course", "context_id": course.id,
                "context_module_id": None, "assignment_id": assignment.id if assignment else None,
                "content_item_id": None, "parent_frame_context": None,
                # Not in Canvas's data token (Canvas has the session): who launched which tool.
                "tool_id": tool.id, "user_id": user.id, "launch": req.launch_id,
            })
            return_url = f"{base_url}/courses/{course.id}/deep_linking_response?data={data}"
        deployment = deployment_id(world, tool.id)
        claims = build_claims(world, lc, client_id=key.id, deployment_id=deployment, message_type=req.message_type,
                              placement=placement, target_link_uri=target, now=now, deep_link_return_url=return_url)
        if req.options:
            claims = req.options.apply(claims, lc)
        names = {"tool": {"id": tool.id, "name": tool.name, "client_id": key.id, "deployment_id": deployment},
                 "course": {"id": course.id, "name": course.name}, "user": {"id": user.id, "name": user.name}}
    verifier = cache.put(PendingLaunch(claims=claims, client_id=key.id, user_id=user.id, course_id=course.id,
                                       tool_id=tool.id, created_at=now))
    hint = signing.sign(secret, HINT_PURPOSE, {
        "verifier": verifier, "canvas_domain": domain, "context_type": "Course", "context_id": course.id,
        "canvas_locale": req.options.locale or user.locale, "include_storage_target": True, "iat": iat,
        "exp": iat + LAUNCH_TTL, "launch": req.launch_id,
        # The mock's stand-in for the browser session: the user the launch was started for.
        "session_user": user.lti11_id, "client_id": key.id,
    })
    params = {
        # ``LtiAdvantageAdapter#login_request``: the login hint is the user's opaque identifier (the LTI 1.1
        # user id), not the ``sub`` the id_token carries; the deployment goes as ``deployment_id`` only.
        "iss": world.issuer, "login_hint": user.lti11_id, "client_id": key.id,
        "deployment_id": deployment, "target_link_uri": target,
        "lti_message_hint": hint, "canvas_environment": "prod", "canvas_region": "not_configured",
        "lti_storage_target": STORAGE_TARGET,
    }
    details = {"tool_id": tool.id, "course_id": course.id, "user_id": user.id,
               "resource_link_id": claims.get("https://purl.imsglobal.org/spec/lti/claim/resource_link", {}).get("id"),
               "assignment_id": assignment.id if assignment else None}
    if req.launch_id is not None:
        details["launch_id"] = req.launch_id
    return LoginRequest(url=key.oidc_initiation_url, params=params, message_type=req.message_type,
                        placement=placement, expires_at=iat + LAUNCH_TTL, details=details, claims=claims, names=names)
