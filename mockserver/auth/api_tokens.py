"""Canvas REST API authentication and permissions (§15.2) as filters of the chain.

REST endpoints (``/api/v1/…`` and the user-facing ``/api/lti/…`` ones) authenticate a user by a
Canvas API token, not an LTI service token. The filters here run in the order an operation's
``x-canvas-filters`` names them: ``api_user`` (token → user), ``api_context`` (path ids →
records, 404 when unknown) and one permission filter. Authentication comes first, as in Canvas:
with no token or an unknown one every route answers 401, whatever ids the path names (every
route here needs a permission no anonymous caller has).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.types import Scope

from ..canvas.errors import CanvasError, not_found
from ..canvas.ids import is_digits
from ..world import Account, ApiToken, Course, DeveloperKey, Group, User, World

BEARER_REALM = {"WWW-Authenticate": 'Bearer realm="canvas-lms"'}
MANAGING_ENROLLMENTS = frozenset({"TeacherEnrollment", "TaEnrollment", "DesignerEnrollment"})


@dataclass
class ApiAuth:
    """Who is calling a REST endpoint and on which context."""

    user: User | None
    token: ApiToken | None
    account: Account | None = None
    course: Course | None = None
    group: Group | None = None
    developer_key: DeveloperKey | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None


def unauthenticated() -> CanvasError:
    return CanvasError(401, {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]},
                       BEARER_REALM)


def invalid_token() -> CanvasError:
    return CanvasError(401, {"errors": [{"message": "Invalid access token."}]}, BEARER_REALM)


def unauthorized() -> CanvasError:
    """Canvas with ``api_auth_error_updates`` on (current behaviour): 403."""
    return CanvasError(403, {"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]})


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name.decode("latin-1").lower() == "authorization":
            text = value.decode("latin-1").strip()
            if text.lower().startswith("bearer "):
                return text[7:].strip()
            return text or None
    query = scope.get("query_string", b"").decode("latin-1")
    for part in query.split("&"):
        key, _, val = part.partition("=")
        if key == "access_token" and val:
            return val
    return None


def _path_int(scope: Scope, name: str) -> int:
    raw = str(scope.get("path_params", {}).get(name, ""))
    if not is_digits(raw) or len(raw) > 16:
        raise not_found()
    return int(raw)


def first_root_account(world: World) -> Account | None:
    """Keys without an owning account belong to the (first) root account."""
    roots = sorted(a.id for a in world.accounts.values() if a.parent_id is None)
    return world.accounts[roots[0]] if roots else None


# -- permissions ----------------------------------------------------------------------------

def is_account_admin(world: World, token: ApiToken | None, account_id: int) -> bool:
    """An admin of the account or of any account above it."""
    if token is None or token.admin_of is None:
        return False
    return any(a.id == token.admin_of for a in world.account_chain(account_id))


def course_roles(world: World, user_id: int, course_id: int) -> set[str]:
    return {
        e.type for e in world.enrollments.values()
        if e.course_id == course_id and e.user_id == user_id and e.state in ("active", "invited")
    }


def can_read_course(world: World, auth: ApiAuth, course: Course) -> bool:
    if is_account_admin(world, auth.token, course.account_id):
        return True
    return auth.user is not None and bool(course_roles(world, auth.user.id, course.id))


def can_manage_course(world: World, auth: ApiAuth, course: Course) -> bool:
    """Teachers, TAs and designers (``lti_add_edit``), and account admins."""
    if is_account_admin(world, auth.token, course.account_id):
        return True
    return auth.user is not None and bool(course_roles(world, auth.user.id, course.id) & MANAGING_ENROLLMENTS)


def _context_allowed(world: World, auth: ApiAuth, manage: bool) -> bool:
    if auth.group is not None:
        course = world.courses[auth.group.course_id]
        if manage:
            return can_manage_course(world, auth, course)
        member = auth.user is not None and auth.user.id in (auth.group.member_ids + ([auth.group.leader_id] if auth.group.leader_id else []))
        return member or can_manage_course(world, auth, course)
    if auth.course is not None:
        return (can_manage_course if manage else can_read_course)(world, auth, auth.course)
    if auth.account is not None:
        return is_account_admin(world, auth.token, auth.account.id)
    return False


def _require(auth: ApiAuth, allowed: bool) -> ApiAuth:
    if allowed:
        return auth
    raise unauthenticated() if auth.user is None else unauthorized()


# -- filters --------------------------------------------------------------------------------

def api_user(state: Any, scope: Scope, auth: Any) -> ApiAuth:
    token_text = _bearer(scope)
    if token_text is None:
        raise unauthenticated()
    token = state.world.api_tokens.get(token_text)
    if token is None or token.user_id not in state.world.users:
        raise invalid_token()
    return ApiAuth(user=state.world.users[token.user_id], token=token)


def api_context(state: Any, scope: Scope, auth: Any) -> ApiAuth:
    """The context named by the path: a course (not deleted), an account, a group or a
    developer key (whose account is then the context)."""
    assert isinstance(auth, ApiAuth)
    world: World = state.world
    params = scope.get("path_params", {})
    if "course_id" in params:
        course = world.courses.get(_path_int(scope, "course_id"))
        if course is None or course.workflow_state == "deleted":
            raise not_found()
        auth.course = course
    elif "group_id" in params:
        group = world.groups.get(_path_int(scope, "group_id"))
        if group is None:
            raise not_found()
        auth.group, auth.course = group, world.courses.get(group.course_id)
    elif "account_id" in params:
        account = world.accounts.get(_path_int(scope, "account_id"))
        if account is None:
            raise not_found()
        auth.account = account
    elif "developer_key_id" in params:
        key = world.developer_keys.get(str(params["developer_key_id"]))
        if key is None or key.workflow_state == "deleted":
            raise not_found()
        auth.developer_key = key
        auth.account = world.accounts.get(key.account_id) if key.account_id else first_root_account(world)
    return auth


def root_account(state: Any, scope: Scope, auth: Any) -> ApiAuth:
    """The Registrations API lives on root accounts only; a sub-account is RecordNotFound."""
    assert isinstance(auth, ApiAuth) and auth.account is not None
    if auth.account.parent_id is not None:
        raise not_found()
    return auth


def read_context(state: Any, scope: Scope, auth: Any) -> ApiAuth:
    assert isinstance(auth, ApiAuth)
    return _require(auth, _context_allowed(state.world, auth, manage=False))


def manage_context(state: Any, scope: Scope, auth: Any) -> ApiAuth:
    assert isinstance(auth, ApiAuth)
    return _require(auth, _context_allowed(state.world, auth, manage=True))


def manage_account(state: Any, scope: Scope, auth: Any) -> ApiAuth:
    """``manage_lti_registrations`` / ``manage_developer_keys``: account admins only."""
    assert isinstance(auth, ApiAuth)
    allowed = auth.account is not None and is_account_admin(state.world, auth.token, auth.account.id)
    return _require(auth, allowed)


API_FILTERS = {
    "api_user": api_user,
    "api_context": api_context,
    "root_account": root_account,
    "read_context": read_context,
    "manage_context": manage_context,
    "manage_account": manage_account,
}


#: Canvas global ids are ``shard id * 10**13 + local id``; the fixture world is shard 1 (as its developer
#: key ids, ``10000000000001``…, say).
SHARD = 1
GLOBAL_ID_BASE = 10**13


def local_id(raw: str) -> int | None:
    """A local id or a global id of this shard as the local id (another shard's is ``None``)."""
    if not is_digits(raw) or len(raw) > 30:
        return None
    number = int(raw)
    if number < GLOBAL_ID_BASE:
        return number
    return number % GLOBAL_ID_BASE if number // GLOBAL_ID_BASE == SHARD else None


def find_lti_account(world: World, raw: str) -> Account | None:
    """``/api/lti/accounts/:account_id``: a Canvas id (local or global), or the account's LTI context id
    (the account external tools routes use ``Account.find_by(lti_context_id:)``)."""
    if is_digits(raw):
        number = local_id(raw)
        return world.accounts.get(number) if number is not None else None
    return next((a for a in world.accounts.values() if a.lti_guid.split(":")[0] == raw or a.uuid == raw), None)
