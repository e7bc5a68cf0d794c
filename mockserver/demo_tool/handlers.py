"""The demo tool's HTTP endpoints (operations tagged ``DemoTool`` in the spec).

Login initiation → the platform's authorization endpoint → the launch, validated as a strict
tool does (``validation.py``) → a page showing the claims, with a score form (AGS) or, for deep
linking, the content on offer. And install by URL: dynamic registration (``registration.py``). Everything the tool asks of the platform goes over HTTP
(``platform.py``); nothing here reads the mock's world.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..canvas.errors import json_response
from ..canvas.text import echo_repr
from ..context import RequestContext
from ..launch.html import form_page
from ..lazy_imports import LazyModule
from . import content, grading, keys, registration, registry
from .platform import PlatformClient, PlatformError
from .sessions import COOKIE_PATH, LOGIN_TTL, DemoToolState, Launch, cookie_name, same_secret
from .validation import DEEP_LINKING, LTI, Received, run_checks

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

PATH = "/__mock__/demo-tool"
NO_STORE = {"Cache-Control": "no-store"}


@functools.cache
def templates() -> Jinja2Templates:
    """The tool's page templates, loaded with Jinja2 on its first page (as the console's): the
    mock serves its APIs without importing Jinja2."""
    import jinja2
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(env=jinja2.Environment(
        loader=jinja2.PackageLoader("mockserver.demo_tool", "templates"), autoescape=True))


def _tool(ctx: RequestContext) -> tuple[DemoToolState, PlatformClient, str]:
    """The tool's memory, its platform connection, and its own URL (where it was reached)."""
    tool_url = ctx.base_url + PATH
    return ctx.state.demo_tool, PlatformClient(ctx.state.demo_tool.app, ctx.base_url), tool_url


def _render(ctx: RequestContext, name: str, page: dict[str, Any], status: int = 200) -> Response:
    return templates().TemplateResponse(ctx.request, name, page, status_code=status, headers=NO_STORE)


def problem_page(request: Request, title: str, reasons: list[str], status: int = 400) -> Response:
    """The tool's page for a request it refuses (also what the app answers for a request to the
    tool that fails validation before reaching it: ``ui/error_pages.py``)."""
    return templates().TemplateResponse(request, "problem.html", {"title": title, "reasons": reasons},
                                        status_code=status, headers=NO_STORE)


def _problem(ctx: RequestContext, title: str, reasons: list[str], status: int = 400) -> Response:
    return problem_page(ctx.request, title, reasons, status)


def _fields(ctx: RequestContext, body: Any) -> dict[str, str]:
    """Query parameters and form fields (a login may arrive as GET or POST), first value of each."""
    fields = dict(ctx.request.query_params.items())
    for name, value in (body or {}).items() if isinstance(body, dict) else ():
        first = value[0] if isinstance(value, list) and value else value
        if first is not None:
            fields[name] = str(first)
    return fields


async def home(ctx: RequestContext, **_: Any) -> Response:
    return await _home(ctx)


async def _home(ctx: RequestContext, added: str | None = None, refused: str | None = None, status: int = 200) -> Response:
    memory, client, tool_url = _tool(ctx)
    try:
        clients = sorted(registry.registered(await client.platform(), memory).values(), key=lambda r: r.client_id)
    except (PlatformError, KeyError) as exc:
        return _problem(ctx, "The platform cannot be reached", [str(exc)], 502)
    return _render(ctx, "home.html", {"tool_url": tool_url, "jwk": json.dumps(keys.jwks()["keys"][0], indent=2),
                                      "clients": clients, "added": added, "refused": refused}, status)


async def add_registration(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """A client id registered with the tool by hand, as a vendor pastes a new client id into the
    tool's settings (it must be a key of the platform: the tool reads them from its configuration)."""
    memory, client, _ = _tool(ctx)
    client_id = _fields(ctx, body).get("client_id", "").strip()
    try:
        platform = await client.platform()
    except (PlatformError, KeyError) as exc:
        return _problem(ctx, "The platform cannot be reached", [str(exc)], 502)
    key = platform.keys.get(client_id)
    if key is None:
        return await _home(ctx, refused=f"Client id {echo_repr(client_id)} is not a developer key of this platform.",
                           status=400)
    memory.remember_client(client_id, registry.ADDED)
    return await _home(ctx, added=f"Client id {client_id} ({key.name}) is registered with this tool: it launches here now.")


async def get_jwks(ctx: RequestContext, **_: Any) -> Response:
    return json_response(keys.jwks())


async def login(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """Third-party initiated login (LTI 1.3 §5.1.1): check who asks, then authenticate at the platform."""
    memory, client, tool_url = _tool(ctx)
    params = _fields(ctx, body)
    try:
        platform = await client.platform()
    except (PlatformError, KeyError) as exc:
        return _problem(ctx, "The platform cannot be reached", [str(exc)], 502)
    reasons = []
    if params.get("iss") != platform.issuer:
        reasons.append(f"iss {echo_repr(params.get('iss'))} is not the platform this tool is registered with ({platform.issuer})")
    if not params.get("login_hint"):
        reasons.append("login_hint is missing")
    client_id = params.get("client_id", "")
    if client_id not in registry.registered(platform, memory):
        reasons.append(registry.why_not(platform, client_id))
    target = params.get("target_link_uri", "")
    if target.partition("?")[0] != f"{tool_url}/launch":  # never redirect a user elsewhere
        reasons.append(f"target_link_uri {echo_repr(target)} is not this tool's launch URL ({tool_url}/launch)")
    if reasons:
        return _problem(ctx, "Login refused", reasons)
    pending = memory.start_login(client_id=client_id, deployment_id=params.get("lti_deployment_id") or params.get("deployment_id"),
                                 target_link_uri=target, now=ctx.now())
    query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
             "client_id": client_id, "redirect_uri": f"{tool_url}/launch", "login_hint": params["login_hint"],
             "state": pending.state, "nonce": pending.nonce}
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    answer = RedirectResponse(f"{platform.authorize_url}?{urlencode(query)}", status_code=302, headers=NO_STORE)
    answer.set_cookie(cookie_name(pending.state), pending.browser_secret, max_age=int(LOGIN_TTL), path=COOKIE_PATH,
                      httponly=True, samesite="lax", secure=ctx.request.url.scheme == "https")
    return answer


def _decoded(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    try:
        return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None


def _claims_view(claims: dict[str, Any]) -> list[dict[str, str]]:
    return [{"name": name, "value": json.dumps(value, indent=2, ensure_ascii=False)} for name, value in claims.items()]


async def launch(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """The authentication response (LTI 1.3 §5.1.3): every check, then the tool's page."""
    memory, client, tool_url = _tool(ctx)
    form = _fields(ctx, body)
    if form.get("error"):
        return _problem(ctx, "The platform refused the launch",
                        [f"{form['error']}: {form.get('error_description', '')}"])
    decoded = _decoded(form.get("id_token", ""))
    if decoded is None:
        return _problem(ctx, "Launch refused", ["id_token is missing or is not a JWT"])
    header, claims = decoded
    try:
        platform = await client.platform()
        jwks = await client.jwks(platform)
    except (PlatformError, KeyError) as exc:
        return _problem(ctx, "The platform cannot be reached", [str(exc)], 502)
    state = form.get("state", "")
    login = memory.finish_login(state, ctx.now())
    nonce = claims.get("nonce")
    reused = isinstance(nonce, str) and login is not None and nonce == login.nonce and memory.nonce_seen(nonce)
    checks = run_checks(Received(header=header, claims=claims, token=form["id_token"], login=login, platform=platform,
                                 jwks=jwks, now=ctx.now(), nonce_reused=reused,
                                 registered=registry.registered(platform, memory),
                                 cookie_matches=same_secret(ctx.request.cookies.get(cookie_name(state)), login)))
    page = {"checks": checks, "header": json.dumps(header, indent=2), "claims": _claims_view(claims),
            "summary": _summary(claims)}
    if not all(c.ok for c in checks):
        answer = _render(ctx, "refused.html", page, 401)
    else:
        kept = memory.keep_launch(claims, login.client_id if login else "", ctx.base_url)
        if claims.get(LTI + "message_type") == DEEP_LINKING:
            answer = _render(ctx, "picker.html", {**page, "launch": kept.id, "offers": content.offers_for(claims),
                                                  "multiple": content.accepts_multiple(claims), "tool_url": tool_url})
        else:
            answer = _render(ctx, "launched.html", {**page, "launch": kept.id, "tool_url": tool_url,
                                                    "ags": grading.ags_claim(claims) is not None})
    if login is not None:  # the login is used up, and its cookie with it
        answer.delete_cookie(cookie_name(state), path=COOKIE_PATH, httponly=True, samesite="lax")
    return answer


def _summary(claims: dict[str, Any]) -> dict[str, Any]:
    context = claims.get(LTI + "context") if isinstance(claims.get(LTI + "context"), dict) else {}
    roles = claims.get(LTI + "roles") if isinstance(claims.get(LTI + "roles"), list) else []
    return {"name": claims.get("name") or claims.get("sub") or "anonymous", "course": context.get("title", ""),
            "roles": ", ".join(str(r).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for r in roles),
            "message_type": claims.get(LTI + "message_type"),
            "placement": claims.get("https://www.instructure.com/placement"),
            "custom": claims.get(LTI + "custom") or {}}


def _launch(ctx: RequestContext, form: dict[str, str]) -> Launch | None:
    return ctx.state.demo_tool.launch(form.get("launch", ""))


def _number(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


async def score(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    _, client, _ = _tool(ctx)
    form = _fields(ctx, body)
    kept = _launch(ctx, form)
    if kept is None:
        return _problem(ctx, "Unknown launch", ["this page's launch is no longer known to the tool: launch it again"])
    given, maximum = _number(form.get("given")), _number(form.get("maximum"))
    if given is None or maximum is None or maximum <= 0:
        return _problem(ctx, "Not a score", ["the score and its maximum must be numbers, the maximum above 0"])
    if grading.ags_claim(kept.claims) is None:
        return _problem(ctx, "No grade service", ["the launch carried no AGS endpoint claim"])
    try:
        platform = await client.platform()
    except (PlatformError, KeyError) as exc:
        return _problem(ctx, "The platform cannot be reached", [str(exc)], 502)
    outcome = await grading.post_score(client, platform, kept.claims, kept.client_id, given=given, maximum=maximum,
                                       comment=form.get("comment", ""), now=ctx.now())
    return _render(ctx, "scored.html", {"outcome": outcome, "given": given, "maximum": maximum, "launch": kept.id,
                                        "summary": _summary(kept.claims)}, 200 if outcome.ok else 502)


async def deep_link(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """The user's choice: sign the deep linking response and post it to the platform's return URL."""
    _, _, tool_url = _tool(ctx)
    form = _fields(ctx, body)
    kept = _launch(ctx, form)
    if kept is None or kept.claims.get(LTI + "message_type") != DEEP_LINKING:
        return _problem(ctx, "Unknown launch", ["this choice belongs to no deep linking launch the tool knows"])
    raw = (body or {}).get("item") if isinstance(body, dict) else None
    chosen = raw if isinstance(raw, list) else [raw] if raw else []
    offers = {offer.key: offer for offer in content.offers_for(kept.claims)}
    items = [offers[key].item(tool_url) for key in chosen if key in offers]
    if not content.accepts_multiple(kept.claims):
        items = items[:1]
    token = content.response_jwt(kept.claims, kept.client_id, items, ctx.now())
    return_url = content.settings_of(kept.claims)["deep_link_return_url"]
    return form_page(return_url, {"JWT": token}, title="Returning to the platform…", headers=NO_STORE)


async def register(ctx: RequestContext, openid_configuration: str | None = None,
                   registration_token: str | None = None, **_: Any) -> Response:
    """Install by URL (LTI Dynamic Registration): register with the platform, then close its frame."""
    _, client, tool_url = _tool(ctx)
    try:
        made = await registration.register(client, tool_url, openid_configuration, registration_token)
    except registration.Refused as refused:
        return _problem(ctx, refused.title, refused.reasons, refused.status)
    ctx.state.demo_tool.remember_client(made.client_id, registry.BY_URL)
    return _render(ctx, "registered.html", {"registration": made, "tool_url": tool_url})


OPERATIONS = {
    "getDemoToolHome": home,
    "getDemoToolJwks": get_jwks,
    "demoToolLogin": login,
    "demoToolLoginPost": login,
    "demoToolLaunch": launch,
    "demoToolScore": score,
    "demoToolDeepLink": deep_link,
    "demoToolRegister": register,
    "demoToolAddRegistration": add_registration,
}
