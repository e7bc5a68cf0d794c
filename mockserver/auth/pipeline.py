"""Canvas's before-filter chain for LTI service endpoints (§2.1), in one ordered place.

Each operation names its filters in the spec (``x-canvas-filters``); this middleware runs them
after routing and before request validation, as Canvas runs its before-actions before an action
looks at the body. The first failing filter answers, with Canvas's status and message. On
success the established :class:`ServiceAuth` is put in the ASGI scope for the handler.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from ..canvas.errors import CanvasError, empty, lti_error, not_found
from ..canvas.ids import is_digits
from ..context import SCOPE_KEY, AppState, ServiceAuth
from ..world import Course
from .api_tokens import API_FILTERS, find_lti_account
from .tokens import decode_access_token, service_audiences, token_scopes

CONCLUDED = "This course has concluded. AGS requests will no longer be accepted for this course."

Filter = Callable[[AppState, Scope, "ServiceAuth | None"], "ServiceAuth | None"]


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _host(scope: Scope, headers: dict[str, str]) -> str:
    host = headers.get("host")
    if host:
        return host
    server = scope.get("server") or ("127.0.0.1", 80)
    return f"{server[0]}:{server[1]}"


def _int_param(scope: Scope, name: str) -> int:
    """Path ids that are not ids are RecordNotFound in Canvas: 404, not 400."""
    raw = str(scope.get("path_params", {}).get(name, ""))
    if not is_digits(raw) or len(raw) > 16:
        raise not_found()
    return int(raw)


def access_token(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth:
    headers = _headers(scope)  # decoded once per request
    audiences = service_audiences(scope.get("scheme", "http"), _host(scope, headers))
    claims = decode_access_token(state.secret, headers.get("authorization"), audiences, state.clock.now())
    key = state.world.developer_keys.get(str(claims["sub"]))
    return ServiceAuth(claims=claims, key=key, scopes=token_scopes(claims))  # type: ignore[arg-type]


def developer_key(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    assert auth is not None
    if auth.key is None or auth.key.workflow_state != "active":
        raise lti_error(401, "Unknown or inactive Developer Key")
    return auth


def _course_of(state: AppState, scope: Scope, auth: ServiceAuth) -> Course:
    """First touch of the context: unknown ids are a generic 404 (§2.1)."""
    if auth.course is not None:
        return auth.course
    world = state.world
    if "group_id" in scope.get("path_params", {}):
        group = world.groups.get(_int_param(scope, "group_id"))
        if group is None:
            raise not_found()
        auth.group = group
        course = world.courses.get(group.course_id)
    else:
        course = world.courses.get(_int_param(scope, "course_id"))
    if course is None:
        raise not_found()
    auth.course = course
    return course


def active_in_account(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    assert auth is not None
    course = _course_of(state, scope, auth)
    if not state.world.key_active_in(auth.key, course.account_id):
        raise lti_error(401, "Invalid Developer Key")
    return auth


def context(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    assert auth is not None
    course = _course_of(state, scope, auth)
    if course.workflow_state == "deleted":
        raise lti_error(404, "Context is deleted or not found")
    return auth


def tool(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    assert auth is not None and auth.course is not None
    auth.tool = state.world.tool_for_key(auth.key.id, auth.course)
    if auth.tool is None:
        raise lti_error(401, "Access Token not linked to a Tool associated with this Context")
    return auth


def course_not_concluded(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    assert auth is not None and auth.course is not None
    if auth.course.workflow_state == "completed":
        raise lti_error(422, CONCLUDED) if state.settings.ags_improved_course_concluded_response_codes else not_found()
    return auth


def line_item(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    assert auth is not None and auth.course is not None
    item = state.world.active_line_item(_int_param(scope, "line_item_id"), auth.course.id)
    if item is None:
        raise not_found()
    assignment = state.world.assignments.get(item.assignment_id)
    if assignment is None or assignment.workflow_state == "deleted":
        raise empty(404)
    auth.line_item = item
    return auth


def line_item_client_id(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    assert auth is not None and auth.line_item is not None
    if auth.line_item.client_id != auth.key.id:
        raise lti_error(412, "Tool does not have permission to view line_item")
    return auth


def lti_account(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    """Account-level LTI services (§13.1): the account must exist (generic 404) and the key's
    binding on its root account be ``on`` ("Invalid Developer Key")."""
    assert auth is not None
    account = find_lti_account(state.world, str(scope.get("path_params", {}).get("account_id", "")))
    if account is None:
        raise not_found()
    if not state.world.key_active_in(auth.key, account.id):
        raise lti_error(401, "Invalid Developer Key")
    return auth


def _advantage_account(state: AppState, scope: Scope, auth: ServiceAuth | None, root_only: bool) -> ServiceAuth | None:
    """``Lti::IMS::Concerns::AdvantageServices``: its ``verify_active_in_account`` runs before
    ``verify_context``, so an account that is not found is 401 "Invalid Developer Key", not a 404."""
    assert auth is not None
    account = find_lti_account(state.world, str(scope.get("path_params", {}).get("account_id", "")))
    if account is None or (root_only and account.parent_id is not None) or not state.world.key_active_in(auth.key, account.id):
        raise lti_error(401, "Invalid Developer Key")
    return auth


def advantage_account(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    """Account external tools: any active account."""
    return _advantage_account(state, scope, auth, root_only=False)


def advantage_root_account(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    """Data services: ``api_find_all(Account.root_accounts.active, …)``, a root account only."""
    return _advantage_account(state, scope, auth, root_only=True)


def course_open(state: AppState, scope: Scope, auth: ServiceAuth | None) -> ServiceAuth | None:
    """``Course.not_completed.find`` (AGS progress): a concluded course is the generic 404."""
    assert auth is not None
    if _course_of(state, scope, auth).workflow_state == "completed":
        raise not_found()
    return auth


FILTERS: dict[str, Filter] = {
    "access_token": access_token,
    "developer_key": developer_key,
    "active_in_account": active_in_account,
    "context": context,
    "tool": tool,
    "course_not_concluded": course_not_concluded,
    "line_item": line_item,
    "line_item_client_id": line_item_client_id,
    "lti_account": lti_account,
    "advantage_account": advantage_account,
    "advantage_root_account": advantage_root_account,
    "course_open": course_open,
    **API_FILTERS,  # REST APIs around LTI (issue 4): Canvas API tokens and permissions
}


class FilterChainMiddleware:
    """Runs an operation's ``x-canvas-filters`` before connexion validates the request."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            operation_id = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
            info = self.state.operations.get(operation_id) if operation_id else None
            if info is not None and info.filters:
                try:
                    scope.setdefault("extensions", {})[SCOPE_KEY] = self.run(info.filters, info.scope_sets, scope)
                except CanvasError as error:
                    await error.response()(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def run(self, filters: tuple[str, ...], scope_sets: tuple[frozenset[str], ...], scope: Scope) -> ServiceAuth | None:
        auth: ServiceAuth | None = None
        with self.state.world.lock:
            for name in filters:
                if name == "scope":
                    assert auth is not None
                    if scope_sets and not any(required <= auth.scopes for required in scope_sets):
                        raise lti_error(401, "Insufficient permissions")
                    continue
                auth = FILTERS[name](self.state, scope, auth)
        return auth
