"""Canvas variable substitution (``$Canvas.course.id`` …) for custom parameters (§10.3), as
``Lti::VariableExpander`` does it.

A value that is exactly ``$Name`` of a known variable is replaced by the variable's value when the
variable's guard holds, and left as written when it does not (no assignment in the launch, no login
for the user …). A guard that holds over an empty value gives ``None``, which Canvas sends as JSON
``null``. ``${Name}`` inside a longer text is replaced in place (an empty value leaves the
``${Name}`` as written, a failed guard gives ``$Name``). Numbers are sent as text, as Canvas does for
LTI 1.3 tools. The guards are Canvas's own: the tool's privacy level does not hide variables (it
gates the ``name``/``email``/``picture`` claims only). Only the commonly used variables are modelled;
the rest are left as written, as Canvas leaves an unknown one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..auth.api_tokens import GLOBAL_ID_BASE, SHARD
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
    #: World facts some variables read, gathered when the launch starts (see ``login.py``).
    course_group_ids: tuple[int, ...] = ()
    user_group_context_ids: tuple[str, ...] = ()
    enrollment_state: str = ""
    root_admin: bool = False
    student_view: bool = False

    @property
    def shows_name(self) -> bool:
        return self.tool.privacy_level in ("public", "name_only")

    @property
    def shows_email(self) -> bool:
        return self.tool.privacy_level in ("public", "email_only")

    @property
    def has_login(self) -> bool:
        """Canvas's ``PSEUDONYM_GUARD``: the user has a login (a pseudonym) in the account."""
        return bool(self.user.login_id)


def _always(_: LaunchContext) -> bool:
    return True


@dataclass(frozen=True)
class Expansion:
    value: Callable[[LaunchContext], Any]
    guard: Callable[[LaunchContext], bool] = _always


def _assignment(attr: str) -> Expansion:
    return Expansion(lambda c: getattr(c.assignment, attr), lambda c: c.assignment is not None)


def _login(attr: str) -> Expansion:
    return Expansion(lambda c: getattr(c.user, attr), lambda c: c.has_login)


def _iso8601(value: Any, *, ms: bool) -> str | None:
    """A stored time as Ruby's ``utc.iso8601`` (``…T10:00:00Z``) or ``iso8601(3)`` (``…T10:00:00.000Z``)."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return str(value)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond // 1000:03d}Z" if ms else f"{text}Z"


def _assignment_iso(attr: str, *, ms: bool = False) -> Expansion:
    """``…At.iso8601`` and ``ResourceLink.…DateTime``: only when the assignment has that date."""
    return Expansion(lambda c: _iso8601(getattr(c.assignment, attr), ms=ms),
                     lambda c: c.assignment is not None and bool(getattr(c.assignment, attr)))


def _global_id(local: int) -> int:
    """Canvas's global id of a record of the mock's one shard (as developer key ids are)."""
    return SHARD * GLOBAL_ID_BASE + local


def _points(c: LaunchContext) -> Any:
    points = c.assignment.points_possible if c.assignment is not None else None
    return int(points) if isinstance(points, float) and points.is_integer() else points


def _resource_link_title(c: LaunchContext) -> str:
    if c.link is not None and c.link.title:
        return c.link.title
    return c.assignment.name if c.assignment is not None else c.course.name


EXPANSIONS: dict[str, Expansion] = {
    "Canvas.api.domain": Expansion(lambda c: c.domain),
    "Canvas.api.baseUrl": Expansion(lambda c: c.base_url),
    "Canvas.account.id": Expansion(lambda c: c.account.id),
    "Canvas.account.name": Expansion(lambda c: c.account.name),
    "Canvas.root_account.id": Expansion(lambda c: c.root_account.id),
    "Canvas.rootAccount.id": Expansion(lambda c: c.root_account.id),
    "Canvas.course.id": Expansion(lambda c: c.course.id),
    "Canvas.course.name": Expansion(lambda c: c.course.name),
    "Canvas.course.sisSourceId": Expansion(lambda c: c.course.sis_source_id),
    "Canvas.course.workflowState": Expansion(lambda c: c.course.workflow_state),
    "Canvas.user.id": Expansion(lambda c: c.user.id),
    "Canvas.user.loginId": _login("login_id"),
    "Canvas.user.sisSourceId": _login("sis_user_id"),
    "Canvas.user.globalId": Expansion(lambda c: _global_id(c.user.id)),
    "Canvas.membership.roles": Expansion(lambda c: ",".join(c.canvas_roles)),
    "Canvas.assignment.id": _assignment("id"),
    "Canvas.assignment.title": _assignment("name"),
    "Canvas.assignment.pointsPossible": Expansion(_points, lambda c: c.assignment is not None),
    "Canvas.assignment.dueAt.iso8601": _assignment_iso("due_at"),
    "Canvas.assignment.unlockAt.iso8601": _assignment_iso("unlock_at"),
    "Canvas.assignment.dueAt": _assignment("due_at"),
    "Canvas.assignment.unlockAt": _assignment("unlock_at"),
    "Canvas.assignment.published": Expansion(lambda c: c.assignment.workflow_state == "published",
                                             lambda c: c.assignment is not None),
    "ResourceLink.available.startDateTime": _assignment_iso("unlock_at", ms=True),
    "ResourceLink.submission.endDateTime": _assignment_iso("due_at", ms=True),
    "Canvas.externalTool.global_id": Expansion(lambda c: _global_id(c.tool.id)),
    "Canvas.root_account.global_id": Expansion(lambda c: _global_id(c.root_account.id)),
    "Canvas.shard.id": Expansion(lambda c: SHARD),
    "Canvas.enrollment.enrollmentState": Expansion(lambda c: c.enrollment_state),
    "Canvas.user.isRootAccountAdmin": Expansion(lambda c: c.root_admin),
    "Canvas.group.contextIds": Expansion(lambda c: ",".join(c.user_group_context_ids)),
    "com.instructure.Course.groupIds": Expansion(lambda c: ",".join(map(str, c.course_group_ids))),
    "com.instructure.User.student_view": Expansion(lambda c: c.student_view),
    "Message.documentTarget": Expansion(lambda c: "iframe"),
    "ToolConsumerInstance.guid": Expansion(lambda c: c.root_account.lti_guid),
    "vnd.Canvas.root_account.uuid": Expansion(lambda c: c.root_account.uuid),
    "Membership.role": Expansion(lambda c: ",".join(c.roles)),
    # The world models no observee links, pronouns, integration ids or display preferences: Canvas's
    # values for a user and course without them.
    "com.instructure.User.observees": Expansion(lambda c: ""),
    "com.instructure.Observee.sisIds": Expansion(lambda c: ""),
    "com.instructure.Person.name_sortable": Expansion(lambda c: f"{c.user.family_name}, {c.user.given_name}"
                                                      if c.user.family_name else c.user.given_name),
    "com.instructure.Person.pronouns": Expansion(lambda c: None),
    "com.instructure.Course.integrationId": Expansion(lambda c: None),
    "Canvas.course.hideDistributionGraphs": Expansion(lambda c: False),
    "Canvas.user.prefersHighContrast": Expansion(lambda c: "false"),
    "Context.id": Expansion(lambda c: c.course.lti_context_id),
    "Context.title": Expansion(lambda c: c.course.name),
    "Context.sourcedId": Expansion(lambda c: c.course.sis_source_id),
    "com.instructure.contextLabel": Expansion(lambda c: c.course.course_code),
    "CourseOffering.sourcedId": Expansion(lambda c: c.course.sis_source_id),
    "CourseSection.sourcedId": Expansion(lambda c: c.course.sis_source_id),
    "Person.name.full": Expansion(lambda c: c.user.name),
    "Person.name.display": Expansion(lambda c: c.user.name),
    "Person.name.given": Expansion(lambda c: c.user.given_name),
    "Person.name.family": Expansion(lambda c: c.user.family_name),
    "Person.email.primary": Expansion(lambda c: c.user.email),
    "Person.sourcedId": _login("sis_user_id"),
    "User.id": Expansion(lambda c: c.user.id),
    "User.username": _login("login_id"),
    "User.image": Expansion(lambda c: c.user.avatar_url),
    "Message.locale": Expansion(lambda c: c.user.locale),
    "ResourceLink.id": Expansion(lambda c: c.link.resource_link_uuid if c.link is not None else None,
                                 lambda c: c.link is not None),
    "ResourceLink.title": Expansion(_resource_link_title, lambda c: c.link is not None or c.assignment is not None),
    "com.instructure.User.allRoles": Expansion(lambda c: ",".join(c.roles)),
}

#: ``${Name}`` inside a longer value (Canvas's ``SUBSTRING_REGEX``).
SUBSTRING = re.compile(r"\$\{(.*?)\}")


def _render(value: Any) -> Any:
    """What Canvas sends for an LTI 1.3 tool: numbers as text, ``None`` as is."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int | float) else value


def lookup(name: str, ctx: LaunchContext) -> tuple[bool, Any]:
    """(known and guarded in, value) of the variable ``name`` (without its ``$``)."""
    expansion = EXPANSIONS.get(name)
    if expansion is None or not expansion.guard(ctx):
        return False, None
    return True, _render(expansion.value(ctx))


def expand(value: str, ctx: LaunchContext) -> Any:
    """One value: a whole ``$Name``, or each ``${Name}`` inside it (see the module docstring)."""
    if value.startswith("$") and not value.startswith("${"):
        known, result = lookup(value[1:], ctx)
        return result if known else value
    if "${" not in value:
        return value

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in EXPANSIONS:
            return match.group(0)
        known, result = lookup(name, ctx)
        if not known:
            return f"${name}"
        return match.group(0) if result is None else str(result)

    return SUBSTRING.sub(one, value)


def custom_key(key: str) -> str:
    """``ContextExternalTool#set_custom_fields``'s key: non-word characters as ``_``, lower case,
    then the ``custom_`` prefix taken off again for the LTI 1.3 claim."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", key).lower()
    return name.removeprefix("custom_")


def tool_custom(fields: Mapping[str, Any], ctx: LaunchContext) -> dict[str, Any]:
    """The ``custom`` claim from the tool's and the placement's fields: keys as Canvas stores them,
    values expanded."""
    return {custom_key(str(key)): expand(str(value), ctx) for key, value in fields.items()}


def expand_values(fields: Mapping[str, Any], ctx: LaunchContext) -> dict[str, Any]:
    """Custom parameters kept under their own names (a resource link's), values expanded."""
    return {str(key): expand(str(value), ctx) for key, value in fields.items()}


def expand_custom(fields: Mapping[str, Any], ctx: LaunchContext) -> dict[str, Any]:
    """The launch editor's custom parameters: a ``custom_`` prefix dropped, values expanded."""
    return {str(key).removeprefix("custom_"): expand(str(value), ctx) for key, value in fields.items()}
