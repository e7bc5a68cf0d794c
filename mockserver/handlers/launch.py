"""LTI 1.3 launches (§10): the mock's launch initiation (its form page is ``ui/``), platform key rotation,
and Canvas's ``/api/lti/authorize_redirect`` and ``/api/lti/authorize``.

Each launch is recorded (``launch/record.py``) as it goes. A launch started from a browser form
(the console, the launch page) also gets readable pages where Canvas would answer JSON, and its
id_token post relayed through ``launch_records.deliver_mock_launch`` when the tool shares the
mock's host name, so the mock sees the tool's answer."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import RedirectResponse, Response

from ..canvas.errors import api_error, json_response, not_found
from ..context import RequestContext
from ..journal import MAX_BODY_TEXT, annotate, build_entry, redactor_for
from ..launch import auth_checks, relay, signing
from ..launch import authorize as authz
from ..launch.html import form_page
from ..launch.id_token import RESOURCE_LINK_REQUEST, sign
from ..launch.login import HINT_PURPOSE, LaunchError, LaunchRequest, LoginRequest, start_launch
from ..launch.options import LaunchOptions, OptionError
from ..launch.record import LaunchRecord
from ..lazy_imports import LazyModule
from ..ui.pages import problem

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

NO_STORE = {"Cache-Control": "no-store"}
#: ``subject`` of the message a launch's pages post to the console around the tool's frame.
LAUNCH_NOTICE = "canvas-lti-mock:launch"
DELIVERY_MODES = ("relay", "direct")


def flat(body: Any) -> dict[str, Any]:
    """Form bodies may arrive with list values; keep the first of each."""
    if not isinstance(body, dict):
        return {}
    return {k: (v[0] if isinstance(v, list) and v else v) for k, v in body.items()}


def _params(ctx: RequestContext, body: Any) -> dict[str, str]:
    params = {k: v for k, v in ctx.request.query_params.items()}
    params.update({k: str(v) for k, v in flat(body).items() if v is not None})
    return params


def _from_a_form(ctx: RequestContext) -> bool:
    """Posted by an HTML form: a person in a browser (the console, the launch page)."""
    return ctx.request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data"))


def _wants_html(ctx: RequestContext) -> bool:
    return "text/html" in ctx.request.headers.get("accept", "") or _from_a_form(ctx)


# -- mock control ---------------------------------------------------------------------------------


def _launch_request(data: dict[str, Any], launch_id: int) -> LaunchRequest:
    if not all(str(data.get(name) or "").strip() for name in ("tool", "course", "user")):
        raise LaunchError(400, "tool, course and user are required")
    if str(data.get("deliver") or "relay") not in DELIVERY_MODES:
        raise LaunchError(400, f"deliver must be one of {', '.join(DELIVERY_MODES)}")
    optional = {name: (str(data[name]) if data.get(name) not in (None, "") else None)
                for name in ("placement", "resource_link", "assignment")}
    try:
        options = LaunchOptions.parse(data)
    except OptionError as exc:
        raise LaunchError(400, str(exc)) from None
    return LaunchRequest(tool=str(data["tool"]), course=str(data["course"]), user=str(data["user"]),
                         message_type=str(data.get("message_type") or RESOURCE_LINK_REQUEST), options=options,
                         launch_id=launch_id, **optional)


def started(login: LoginRequest, request: LaunchRequest, deliver: str, now: float) -> Any:
    def change(record: LaunchRecord) -> None:
        record.tool, record.course, record.user = login.names["tool"], login.names["course"], login.names["user"]
        record.placement, record.message_type = login.placement, login.message_type
        record.options = {**request.options.as_json(), "deliver": deliver}
        record.login = {"url": login.url, "params": dict(login.params), "time": now}
        record.claims = login.claims
    return change


async def start_mock_launch(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    data = flat(body)
    browser, log = _from_a_form(ctx), ctx.state.launch_log
    record = log.start(now=ctx.now(), browser=browser, request=data)
    try:
        request = _launch_request(data, record.id)
        login = start_launch(ctx.world, ctx.state.launches, ctx.state.secret, request, base_url=ctx.base_url,
                             domain=ctx.request.url.netloc, now=ctx.now())
    except LaunchError as exc:
        refusal = {"status": exc.status, "message": exc.message}
        log.update(record.id, lambda r: setattr(r, "refused", refusal))
        if browser:
            return problem(ctx, title="The launch did not start", launch_id=record.id,
                           reason=f"Canvas would not start it ({exc.status}): {_sentence(exc.message)}")
        raise api_error(exc.status, exc.message) from None
    log.update(record.id, started(login, request, str(data.get("deliver") or "relay"), ctx.now()))
    if not _wants_html(ctx):
        return json_response(login.as_json(), 201, headers=NO_STORE)
    if not browser:
        return form_page(login.url, login.params, title="Launching LTI tool…", headers=NO_STORE)
    why = await relay.unreachable(login.url)
    if why is not None:
        log.update(record.id, lambda r: r.login.update(error=why) if r.login else None)
        return problem(ctx, title="The tool cannot be reached", launch_id=record.id,
                       reason=f"The mock would send the browser to the tool's OIDC login URL, {login.url}, "
                              f"but nothing answers there: {why}.")
    return form_page(login.url, login.params, title="Launching LTI tool…", headers=NO_STORE,
                     notice={"subject": LAUNCH_NOTICE, "launch": record.id})


def _sentence(message: str) -> str:
    text = message[:1].upper() + message[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


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


def _record_of(ctx: RequestContext, params: dict[str, str]) -> LaunchRecord | None:
    """The launch the request's ``lti_message_hint`` names (the mock signed it), tagged in the journal."""
    hint = signing.verify(ctx.state.secret, HINT_PURPOSE, params.get("lti_message_hint"), ctx.now())
    record = ctx.state.launch_log.get(hint.get("launch")) if hint else None
    if record is not None:
        annotate(ctx.request.scope, launch_id=record.id)
    return record


async def authorize_redirect(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    params = _params(ctx, body)
    _record_of(ctx, params)
    location = authz.redirect_location(ctx.request.url.scheme, params, ctx.state.secret, ctx.now())
    if location is None:
        return json_response({"message": authz.INVALID_HINT}, 400)
    return RedirectResponse(location, status_code=302)


def _authenticated(params: dict[str, str], answer: authz.AuthorizeAnswer, checks: list[Any], now: float) -> Any:
    def change(record: LaunchRecord) -> None:
        record.add_step("authentications", {
            "time": now, "params": dict(params), "checks": [c.__dict__ for c in checks],
            "redirect_uri": answer.redirect_uri, "error": answer.error,
            "error_description": answer.fields.get("error_description")})
        record.id_token = answer.fields.get("id_token", record.id_token)
    return change


async def authorize(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    params = _params(ctx, body)
    answer = authz.authorize(ctx.world, ctx.state.launches, ctx.state.keys, ctx.state.secret, params, ctx.now())
    record = _record_of(ctx, params)
    if record is None:
        if answer.client_unknown:
            raise not_found()
        if answer.redirect_uri is None:
            raise api_error(400, authz.INVALID_REDIRECT_URI)
        return form_page(answer.redirect_uri, answer.fields, title="Launching…", headers=NO_STORE)
    sent = record.login["params"] if record.login else {}
    checks = auth_checks.run(auth_checks.AuthenticationRequest(
        params, sent, ctx.world.developer_keys.get(params.get("client_id", ""))))
    ctx.state.launch_log.update(record.id, _authenticated(params, answer, checks, ctx.now()))
    if answer.client_unknown:
        if not record.browser:
            raise not_found()
        return problem(ctx, title="Canvas refused the authentication request", launch_id=record.id,
                       facts=[(c.name, c.reason) for c in checks if not c.ok],
                       reason="Canvas answers 404: the client_id the tool sent names no developer key.")
    if answer.redirect_uri is None:
        if not record.browser:
            raise api_error(400, authz.INVALID_REDIRECT_URI)
        failing = [(c.name, c.reason) for c in checks if not c.ok]
        return problem(ctx, title="Canvas refused the authentication request", launch_id=record.id,
                       facts=failing, reason="Canvas answers 400 \u201cInvalid redirect_uri\u201d and posts nothing "
                       "to the tool: the redirect_uri the tool sent is not registered on its developer key.")
    if not record.browser:
        return form_page(answer.redirect_uri, answer.fields, title="Launching…", headers=NO_STORE)
    notice = {"subject": LAUNCH_NOTICE, "launch": record.id}
    if record.options.get("deliver") != "direct" and relay.relayable(answer.redirect_uri, ctx.base_url):
        return form_page(f"{ctx.base_url}/__mock__/launches/{record.id}/deliver", answer.fields, title="Launching…",
                         headers=NO_STORE, notice=notice)
    why = await relay.unreachable(answer.redirect_uri)
    ctx.state.launch_log.append(record.id, "deliveries", {
        "mode": "direct", "url": answer.redirect_uri, "time": ctx.now(), "status": None, "error": why,
        "content_type": None, "location": None, "body": None, "bytes": None})
    if why is not None:
        return problem(ctx, title="The tool cannot be reached", launch_id=record.id,
                       reason=f"The id_token is ready, but nothing answers at the tool's redirect URI, "
                              f"{answer.redirect_uri}: {why}.")
    return form_page(answer.redirect_uri, answer.fields, title="Launching…", headers=NO_STORE, notice=notice)


OPERATIONS = {
    "startMockLaunch": start_mock_launch,
    "rotateMockKeys": rotate_mock_keys,
    "signMockIdToken": sign_mock_id_token,
    "authorizeRedirect": authorize_redirect,
    "authorizeRedirectPost": authorize_redirect,
    "authorizeLaunch": authorize,
    "authorizeLaunchPost": authorize,
}
