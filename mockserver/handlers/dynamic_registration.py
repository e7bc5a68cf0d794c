"""Dynamic registration (§12): registration token for an admin, and the tool's registration."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..canvas.errors import CanvasError, json_response, not_found
from ..canvas.ids import is_digits
from ..context import RequestContext
from ..control import deployment_id
from ..launch import dynamic_registration as dr
from ..launch.id_token import is_admin

BEARER_REALM = {"WWW-Authenticate": 'Bearer realm="canvas-lms"'}


def _api_user(ctx: RequestContext) -> int:
    """The Canvas API token (``api_tokens`` in the fixtures) of the request, as Canvas checks it."""
    scheme, _, token = ctx.request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise CanvasError(401, {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]},
                          BEARER_REALM)
    record = ctx.world.api_tokens.get(token.strip())
    if record is None:
        raise CanvasError(401, {"errors": [{"message": "Invalid access token."}]}, BEARER_REALM)
    return record.user_id


async def get_registration_token(ctx: RequestContext, account_id: str, **_: Any) -> Response:
    user_id = _api_user(ctx)
    world = ctx.world
    with world.lock:
        raw = str(account_id)
        account = world.accounts.get(int(raw)) if is_digits(raw) and len(raw) <= 16 else None
        if account is None:
            raise not_found()
        if not is_admin(world, user_id, account.id):
            raise CanvasError(401, {"status": "unauthorized",
                                    "errors": [{"message": "user not authorized to perform that action"}]})
        root = world.root_account_id(account.id)
    params = ctx.request.query_params
    body = dr.issue_token(ctx.state.secret, account_id=root, user_id=user_id, domain=ctx.request.url.netloc,
                          base_url=ctx.base_url, now=ctx.now(), unified_tool_id=params.get("unified_tool_id"),
                          registration_url=params.get("registration_url"))
    return json_response(body)


async def create_registration(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    token = dr.decode_token(ctx.state.secret, ctx.request.headers.get("authorization"), ctx.now())
    with ctx.world.lock:
        registered = dr.register(ctx.world, token, body, ctx.now(), ctx.own_origins)
        deployment = deployment_id(ctx.world, registered.tool.id)
    return json_response(dr.response_body(registered, ctx.base_url, deployment))


OPERATIONS = {
    "getRegistrationToken": get_registration_token,
    "createRegistration": create_registration,
}
