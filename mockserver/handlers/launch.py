"""LTI 1.3 launches (§10): the mock's launch initiation and launch page, platform key rotation,
and Canvas's ``/api/lti/authorize_redirect`` and ``/api/lti/authorize``."""

from __future__ import annotations

import json
from html import escape
from typing import Any

import jwt
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..canvas.errors import api_error, json_response
from ..context import RequestContext
from ..journal import MAX_BODY_TEXT, build_entry
from ..launch import authorize as authz
from ..launch.html import form_page
from ..launch.id_token import MESSAGE_TYPES, RESOURCE_LINK_REQUEST, sign
from ..launch.login import LaunchError, LaunchRequest, start_launch
from ..launch.placements import DEEP_LINKING, RESOURCE_LINK

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


def _options(items: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in items)


async def get_mock_launch_page(ctx: RequestContext, **_: Any) -> Response:
    world = ctx.world
    with world.lock:
        tools = [(str(t.id), f"{t.name} (tool {t.id}, {t.context_type} {t.context_id})")
                 for t in world.tools.values() if t.developer_key_id and t.workflow_state == "active"]
        courses = [(str(c.id), f"{c.name} ({c.id})") for c in world.courses.values() if c.workflow_state != "deleted"]
        users = [(str(u.id), f"{u.name} ({u.id})") for u in world.users.values()]
    placements = [("", "(default)")] + [(p, p) for p in sorted(RESOURCE_LINK | set(DEEP_LINKING))]
    messages = [(m, m) for m in MESSAGE_TYPES]
    page = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Canvas LTI mock: launch a tool</title></head>
<body>
  <h1>Launch an LTI 1.3 tool</h1>
  <p>The launch runs as the chosen user: the mock has no login, the user travels in
     <code>login_hint</code>/<code>lti_message_hint</code>.</p>
  <form action="/__mock__/launches" method="POST">
    <label>Tool <select name="tool">{_options(tools)}</select></label><br>
    <label>Course <select name="course">{_options(courses)}</select></label><br>
    <label>User <select name="user">{_options(users)}</select></label><br>
    <label>Placement <select name="placement">{_options(placements)}</select></label><br>
    <label>Message type <select name="message_type">{_options(messages)}</select></label><br>
    <label>Resource link id <input name="resource_link"></label><br>
    <label>Assignment id <input name="assignment"></label><br>
    <button type="submit">Launch</button>
  </form>
  <p><a href="/__mock__/config">config</a> · <a href="/api/lti/security/jwks">JWKS</a></p>
</body>
</html>
"""
    return HTMLResponse(page)


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
    entry = build_entry(ctx.state, ctx.request.scope, recorded.encode())
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
    if answer.redirect_uri is None:
        raise api_error(400, authz.INVALID_REDIRECT_URI)
    return form_page(answer.redirect_uri, answer.fields, title="Launching…", headers=NO_STORE)


OPERATIONS = {
    "startMockLaunch": start_mock_launch,
    "getMockLaunchPage": get_mock_launch_page,
    "rotateMockKeys": rotate_mock_keys,
    "signMockIdToken": sign_mock_id_token,
    "authorizeRedirect": authorize_redirect,
    "authorizeRedirectPost": authorize_redirect,
    "authorizeLaunch": authorize,
    "authorizeLaunchPost": authorize,
}
