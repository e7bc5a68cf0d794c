"""LTI 1.3 launches (§10): the mock's launch initiation (its form page is ``ui/``), platform key rotation,
and Canvas's ``/api/lti/authorize_redirect`` and ``/api/lti/authorize``."""

from __future__ import annotations

import json
from typing import Any

import jwt
from starlette.responses import RedirectResponse, Response

from ..canvas.errors import api_error, json_response, not_found
from ..context import RequestContext
from ..journal import MAX_BODY_TEXT, build_entry, redactor_for
from ..launch import authorize as authz
from ..launch.html import form_page
from ..launch.id_token import RESOURCE_LINK_REQUEST, sign
from ..launch.login import LaunchError, LaunchRequest, start_launch

NO_STORE = {"Cache-Control": "no-store"}


def flat(body: Any) -> dict[str, Any]:
    """Form bodies may arrive with list values; keep the first of each."""
    if not isinstance(body, dict):
        return {}
    return {k: (v[0] if isinstance(v, list) and v else v) for k, v in body.items()}


def _params(ctx: RequestContext, body: Any) -> dict[str, str]:
    params = {k: v for k, v in ctx.request.query_params.items()}
    params.update({k: str(v) for k, v in flat(body).items() if v is not None})
    return params


def _wants_html(ctx: RequestContext) -> bool:
    content_type = ctx.request.headers.get("content-type", "")
    return "text/html" in ctx.request.headers.get("accept", "") or content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data"))


# -- mock control ---------------------------------------------------------------------------------


async def start_mock_launch(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    data = flat(body)
    if not all(str(data.get(name) or "").strip() for name in ("tool", "course", "user")):
        raise api_error(400, "tool, course and user are required")
    optional = {name: (str(data[name]) if data.get(name) not in (None, "") else None)
                for name in ("placement", "resource_link", "assignment")}
    request = LaunchRequest(tool=str(data["tool"]), course=str(data["course"]), user=str(data["user"]),
                            message_type=str(data.get("message_type") or RESOURCE_LINK_REQUEST), **optional)
    try:
        login = start_launch(ctx.world, ctx.state.launches, ctx.state.secret, request, base_url=ctx.base_url,
                             domain=ctx.request.url.netloc, now=ctx.now())
    except LaunchError as exc:
        raise api_error(exc.status, exc.message) from None
    if _wants_html(ctx):
        return form_page(login.url, login.params, title="Launching LTI tool…", headers=NO_STORE)
    return json_response(login.as_json(), 201, headers=NO_STORE)


async def rotate_mock_keys(ctx: RequestContext, **_: Any) -> Response:
    keys = ctx.state.keys
    keys.rotate()
    return json_response({"past": keys.past.kid if keys.past else None, "current": keys.current.kid,
                          "future": keys.future.kid if keys.future else None, "jwks": keys.jwks()})


async def sign_mock_id_token(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """Sign claims as given with the current platform key, and journal them: a probe's tampered
    id_tokens must be as traceable as the launches the mock builds itself."""
    claims = body.get("claims") if isinstance(body, dict) else None
    if not isinstance(claims, dict):
        raise api_error(400, "claims must be an object")
    token = sign(ctx.state.keys, claims)
    size = len(json.dumps(claims, separators=(",", ":")).encode())
    recorded = json.dumps({"claims": claims} if size <= MAX_BODY_TEXT else
                          {"claim_names": sorted(claims), "claims_bytes": size})
    entry = build_entry(ctx.state, ctx.request.scope, recorded.encode(), redactor_for(ctx.state))
    entry.update(operation_id="signMockIdToken", status=201)
    ctx.state.journal.add(entry)
    kid = jwt.get_unverified_header(token)["kid"]  # the key that signed, even if a rotation just ran
    return json_response({"id_token": token, "kid": kid, "alg": "RS256"}, 201, headers=NO_STORE)


# -- Canvas ---------------------------------------------------------------------------------------


async def authorize_redirect(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    params = _params(ctx, body)
    location = authz.redirect_location(ctx.request.url.scheme, params, ctx.state.secret, ctx.now())
    if location is None:
        return json_response({"message": authz.INVALID_HINT}, 400)
    return RedirectResponse(location, status_code=302)


async def authorize(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    answer = authz.authorize(ctx.world, ctx.state.launches, ctx.state.keys, ctx.state.secret,
                             _params(ctx, body), ctx.now())
    if answer.client_unknown:
        raise not_found()
    if answer.redirect_uri is None:
        raise api_error(400, authz.INVALID_REDIRECT_URI)
    return form_page(answer.redirect_uri, answer.fields, title="Launching…", headers=NO_STORE)


OPERATIONS = {
    "startMockLaunch": start_mock_launch,
    "rotateMockKeys": rotate_mock_keys,
    "signMockIdToken": sign_mock_id_token,
    "authorizeRedirect": authorize_redirect,
    "authorizeRedirectPost": authorize_redirect,
    "authorizeLaunch": authorize,
    "authorizeLaunchPost": authorize,
}
