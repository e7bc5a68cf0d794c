"""Canvas variable substitution (``$Canvas.course.id`` …) for custom parameters (§10.3).

Canvas expands a custom parameter whose whole value is a known ``$Variable``; unknown variables
and variables whose guard fails (no assignment, privacy level hides names/emails) stay literal.
Only the commonly used variables are modelled; the rest are left as written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..world import Account, Assignment, Course, ResourceLink, Tool, User


@dataclass(frozen=True)
class LaunchContext:
    """Everything a launch is about; the variables read from it."""

    base_url: str
    domain: str
    course: Course
    account: Account
    root_account: Account
    user: User
    tool: Tool
    roles: tuple[str, ...]
    canvas_roles: tuple[str, ...]
    assignment: Assignment | None = None
    link: ResourceLink | None = None

    @property
    def shows_name(self) -> bool:
        return self.tool.privacy_level in ("public", "name_only")

    @property
    def shows_email(self) -> bool:
        return self.tool.privacy_level in ("public", "email_only")


Expansion = Callable[[LaunchContext], Any]


def _assignment(attr: str) -> Expansion:
    return lambda c: getattr(c.assignment, attr) if c.assignment is not None else None


def _name(attr: str) -> Expansion:
    return lambda c: getattr(c.user, attr) if c.shows_name else None


EXPANSIONS: dict[str, Expansion] = {
    "Canvas.api.domain": lambda c: c.domain,
    "Canvas.api.baseUrl": lambda c: c.base_url,
    "Canvas.account.id": lambda c: c.account.id,
    "Canvas.account.name": lambda c: c.account.name,
    "Canvas.root_account.id": lambda c: c.root_account.id,
    "Canvas.course.id": lambda c: c.course.id,
    "Canvas.course.name": lambda c: c.course.name,
    "Canvas.course.sisSourceId": lambda c: c.course.sis_source_id,
    "Canvas.course.workflowState": lambda c: c.course.workflow_state,
    "Canvas.user.id": lambda c: c.user.id,
    "Canvas.user.loginId": lambda c: c.user.login_id if c.shows_name else None,
    "Canvas.user.sisSourceId": lambda c: c.user.sis_user_id if c.shows_name else None,
    "Canvas.user.globalId": lambda c: c.user.id,
    "Canvas.membership.roles": lambda c: ",".join(c.canvas_roles),
    "Canvas.assignment.id": _assignment("id"),
    "Canvas.assignment.title": _assignment("name"),
    "Canvas.assignment.pointsPossible": _assignment("points_possible"),
    "Canvas.assignment.dueAt.iso8601": _assignment("due_at"),
    "Canvas.assignment.unlockAt.iso8601": _assignment("unlock_at"),
    "Canvas.externalTool.global_id": lambda c: c.tool.id,
    "Context.id": lambda c: c.course.lti_context_id,
    "Context.title": lambda c: c.course.name,
    "Context.label": lambda c: c.course.course_code,
    "Context.sourcedId": lambda c: c.course.sis_source_id,
    "CourseOffering.sourcedId": lambda c: c.course.sis_source_id,
    "Person.name.full": _name("name"),
    "Person.name.display": _name("name"),
    "Person.name.given": _name("given_name"),
    "Person.name.family": _name("family_name"),
    "Person.email.primary": lambda c: c.user.email if c.shows_email else None,
    "Person.sourcedId": lambda c: c.user.sis_user_id if c.shows_name else None,
    "User.id": lambda c: c.user.id,
    "User.username": lambda c: c.user.login_id if c.shows_name else None,
    "User.image": lambda c: c.user.avatar_url if c.tool.privacy_level == "public" else None,
    "Message.locale": lambda c: c.user.locale,
    "ResourceLink.id": lambda c: c.link.resource_link_uuid if c.link is not None else c.course.lti_context_id,
    "ResourceLink.title": lambda c: c.link.title if c.link is not None else None,
    "com.instructure.User.allRoles": lambda c: ",".join(c.roles),
    "com.instructure.Course.uuid": lambda c: c.course.lti_context_id,
}


def _render(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def expand(value: str, ctx: LaunchContext) -> str:
    """One value: ``$Name`` (whole value) of a known variable whose guard passes, else as is."""
    if not value.startswith("$"):
        return value
    expansion = EXPANSIONS.get(value[1:])
    if expansion is None:
        return value
    result = expansion(ctx)
    return value if result is None else _render(result)


def expand_custom(fields: Mapping[str, Any], ctx: LaunchContext) -> dict[str, str]:
    """The ``custom`` claim: ``custom_`` prefixes stripped, every value expanded."""
    out: dict[str, str] = {}
    for key, value in fields.items():
        name = key[len("custom_"):] if key.startswith("custom_") else key
        out[name] = expand(str(value), ctx)
    return out
