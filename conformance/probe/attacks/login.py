"""The login step itself: Canvas's login initiation with one parameter changed.

Anyone can send a browser to a tool's OIDC login URL with parameters of their choosing (a
link, an auto-posting form), so the tool must check them before it starts an authentication
request. "Accepted" here is not the launch's success marker: it is what the tool did next — it
went on to the platform's authorization endpoint for a platform or client it does not know, or
it sent the browser to the attacker's ``target_link_uri``.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from ..flow import Answer, Flow, Login, initiate, jwt_parts, redirect_targets
from ..reasons import AUDIENCE, ISSUER, LOGIN, TARGET
from ..severity import Severity
from ..verdict import Outcome
from .context import OTHER_CLIENT, Attempt, Context
from .registry import case

GROUP = "login initiation"
SHOULD, MUST = Severity.SHOULD, Severity.MUST
LOGIN_REFS = ("IMS Security Framework §5.1.1.1 (third-party initiated login)",)
BY_HAND = "Start a launch (`canvas-lti launch`), and post its login request to the tool's login URL with "


def _login(ctx: Context, **changes: str) -> tuple[Login, httpx.Client, dict[str, str]]:
    s = ctx.setup
    request = s.platform.start_launch(s.registration.client_id, s.course, s.user)
    params = {**request["params"], **changes}
    browser = ctx.browser()
    try:
        return initiate(s.platform, browser, request["login_url"], params), browser, params
    except httpx.HTTPError as exc:  # no answer to a hostile login: a crash, judged as such
        silent = Answer(None, error=f"{type(exc).__name__}: {exc}"[:200])
        return Login(silent, [], silent, None), browser, params


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _crashed(ctx: Context, login: Login) -> bool:
    """The tool fell over: on the login itself, or on its own page the login sent the browser to
    (a redirect to an error page that answers 500 is a crash too, not a refusal)."""
    rule = ctx.setup.success
    own_page = login.form is None and _origin(login.page.url) == _origin(login.answer.url)
    return rule.crashed(login.answer) or (own_page and rule.crashed(login.page))


def _went_on(ctx: Context, login: Login, note: str) -> Attempt:
    """Accepted when the tool sent the browser on to the platform's authorization endpoint; the
    answer shown is the tool's to the login (or its page that crashed)."""
    if _crashed(ctx, login):
        crashed_here = ctx.setup.success.crashed(login.answer)
        return Attempt(answer=login.answer if crashed_here else login.page, outcome=Outcome.CRASHED, note=note)
    authorize = f"{ctx.platform.base_url}/api/lti/authorize"
    reached = login.form is not None or any(url.startswith(authorize) for url in login.visited)
    return Attempt(answer=login.answer, outcome=Outcome.ACCEPTED if reached else Outcome.REFUSED, note=note)


@case("login_foreign_iss", GROUP, "login initiation from an issuer the tool does not know", SHOULD,
      targets=(ISSUER, LOGIN), references=LOGIN_REFS,
      accepted="the tool started an authentication request for a platform it is not registered with",
      reproduce=BY_HAND + "iss=https://probe.invalid.")
def login_foreign_iss(ctx: Context) -> Attempt:
    login, _, _ = _login(ctx, iss="https://probe.invalid")
    return _went_on(ctx, login, "login iss=https://probe.invalid")


@case("login_foreign_client_id", GROUP, "login initiation naming another client_id", SHOULD,
      targets=(AUDIENCE, ISSUER, LOGIN), references=LOGIN_REFS,
      accepted="the tool started an authentication request for a client id it does not have",
      reproduce=BY_HAND + f"client_id={OTHER_CLIENT}.")
def login_foreign_client_id(ctx: Context) -> Attempt:
    login, _, _ = _login(ctx, client_id=OTHER_CLIENT)
    return _went_on(ctx, login, f"login client_id={OTHER_CLIENT}")


def _to_site(ctx: Context, urls: list[str]) -> list[str]:
    return [u for u in urls if u.startswith(ctx.site.origin)]


@case("login_open_redirect", GROUP, "login initiation with the attacker's target_link_uri (open redirect)", MUST,
      targets=(TARGET, LOGIN), references=("RFC 9700 §4.11.1 (clients MUST NOT be open redirectors)",
                                           "IMS Security Framework §5.1.1.1", "OWASP Unvalidated Redirects Cheat Sheet"),
      accepted="the tool sent the browser to the attacker's target_link_uri, at login or after the launch: a link "
               "to the tool becomes a link to anywhere, with the tool's name on it",
      reproduce=BY_HAND + "target_link_uri pointing at a site you watch; follow the flow to the end and see whether "
                          "the browser lands there.")
def login_open_redirect(ctx: Context) -> Attempt:
    landing = ctx.site.serve("landing.html", b"<h1>attacker's page</h1>", "text/html")
    login, browser, params = _login(ctx, target_link_uri=landing)
    notes = []
    authorize = [u for u in login.visited if u.startswith(f"{ctx.platform.base_url}/api/lti/authorize")]
    if login.form is None and any(parse_qs(urlsplit(u).query).get("redirect_uri") == [landing] for u in authorize):
        notes.append("the tool passed the attacker's target_link_uri on as its redirect_uri; the platform refused "
                     "it (not registered on the developer key), as Canvas does")
    sent = _to_site(ctx, [*login.visited, *redirect_targets(login.page)])
    answer = login.answer
    if not sent and login.form is not None and "id_token" in login.form.fields:
        header, claims = jwt_parts(login.form.fields["id_token"])
        flow = Flow(browser, {"params": params}, login.form.action, dict(login.form.fields), header, claims,
                    owns_browser=False)
        answer = flow.post(flow.id_token)
        sent = _to_site(ctx, redirect_targets(answer))
        notes.append("the login went through; the valid id_token was posted")
    if ctx.site.hits(landing) and not sent:
        sent = [landing]
    if _crashed(ctx, login) or ctx.setup.success.crashed(answer):
        outcome = Outcome.CRASHED
    else:
        outcome = Outcome.ACCEPTED if sent else Outcome.REFUSED
    if sent:
        notes.append(f"the browser was sent to {sent[0]}")
    return Attempt(answer=answer, outcome=outcome, note=f"login target_link_uri={landing}", notes=notes)
