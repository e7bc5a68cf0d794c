"""One OIDC launch flow through the tool, driven like a browser, stopped before the id_token is posted.

A :class:`Browser` is an httpx client with its own cookie jar: it posts Canvas's login request
to the tool's OIDC initiation URL and follows the tool's redirect to the mock's
``authorize_redirect``/``authorize``, so the tool's state and nonce cookies and session are real.
The flow stops at the platform's auto-posting form: the probe may then post the id_token as it
is, or a tampered one, to the tool's ``redirect_uri`` — with the same cookies.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
import ssl
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import httpx

from .platform import Platform, ProbeError

#: Generous: a tool on a loaded CI machine may take seconds; a tool that takes longer has crashed
#: (``--timeout`` changes it).
TIMEOUT = 60.0
MAX_REDIRECTS = 10
EXCERPT = 160
#: What is kept of a tool's answer, where --success-text is looked for (a page's inline scripts and
#: styles may come before it); the reason shown is cut further, in :mod:`.reasons`.
MAX_TEXT = 1024 * 1024
JS_REDIRECT_RE = re.compile(r"""window\.location(?:\.href)?\s*=\s*(["'])(.+?)\1""")
COOKIE_CHECK_RE = re.compile(r"var urlParams = (\{.*?\});\s*var htmlEntities", re.S)
META_REFRESH_RE = re.compile(r"""<meta[^>]+http-equiv=["']?refresh["']?[^>]+url=([^"'>\s]+)""", re.I)
TAG_RE = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = Form(values.get("action", ""), values.get("method", "GET").upper(), {})
            self.forms.append(self._current)
        elif tag in ("input", "textarea") and self._current is not None and values.get("name"):
            self._current.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def html_forms(page: str, base_url: str) -> list[Form]:
    """Every ``<form>`` of a page with its named inputs, actions made absolute."""
    parser = _FormParser()
    parser.feed(page)
    for form in parser.forms:
        form.action = urljoin(base_url, form.action)
    return parser.forms


def _segment(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, claims) without verifying anything; ``({}, {})`` for what is not a JWT."""
    try:
        head, body, _ = token.split(".")
        header, claims = _segment(head), _segment(body)
    except (ValueError, TypeError):
        return {}, {}
    return (header if isinstance(header, dict) else {}), (claims if isinstance(claims, dict) else {})


@dataclass
class Answer:
    """What the tool answered a posted id_token (after its redirects), or why there was no answer."""

    status: int | None
    text: str = ""
    url: str = ""
    error: str | None = None
    content_type: str = ""
    location: str | None = None

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        location = str(response.next_request.url) if response.is_redirect and response.next_request else None
        text = response.text if location is None else f"→ {location}"
        return cls(response.status_code, text[:MAX_TEXT], str(response.url), None,
                   response.headers.get("content-type", "").lower(), location)

    def excerpt(self) -> str:
        if self.error:
            return f"no answer ({self.error})"
        body = " ".join(TAG_RE.sub(" ", self.text).split())  # an error page reads as its text
        return f"{self.status} {body[:EXCERPT]}{'…' if len(body) > EXCERPT else ''}".strip()


_SSL: ssl.SSLContext | None = None


def new_browser(timeout: float = TIMEOUT) -> httpx.Client:
    """A browser: its own cookie jar, redirects followed, ``timeout`` seconds for each of the
    tool's answers. One TLS context is shared by all of them — building one per client costs
    ~20 ms, more than a whole launch on loopback."""
    global _SSL
    if _SSL is None:
        _SSL = ssl.create_default_context()
    return httpx.Client(follow_redirects=True, timeout=None if math.isinf(timeout) else timeout, verify=_SSL)


def redirect_targets(answer: Answer) -> list[str]:
    """Every place a page sends the browser to: its Location, a script's ``window.location``,
    a meta refresh, a form's action."""
    if answer.location:
        return [answer.location]
    found = [m.group(2) for m in JS_REDIRECT_RE.finditer(answer.text)]
    found += [m.group(1) for m in META_REFRESH_RE.finditer(answer.text)]
    return found + [f.action for f in html_forms(answer.text, answer.url or "http://tool.invalid/")]


@dataclass
class Flow:
    """A launch up to the platform's answer: the valid id_token the tool is waiting for."""

    browser: httpx.Client
    login: dict[str, Any]
    redirect_uri: str
    fields: dict[str, str]
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    owns_browser: bool = True

    @property
    def id_token(self) -> str:
        return self.fields["id_token"]

    @property
    def state(self) -> str | None:
        return self.fields.get("state")

    def post(self, id_token: str, state: str | None = None, browser: httpx.Client | None = None) -> Answer:
        """Post (a possibly tampered) id_token to the tool as the platform's form would — from this
        flow's browser, or another one — and follow the tool's redirects within its own origin
        (a redirect elsewhere is the answer itself)."""
        fields = {**self.fields, "id_token": id_token}
        if state is not None:
            fields["state"] = state
        client = browser or self.browser
        origin = httpx.URL(self.redirect_uri).copy_with(path="/", query=None, fragment=None)
        try:
            response = client.post(self.redirect_uri, data=fields, follow_redirects=False)
            for _ in range(MAX_REDIRECTS):
                target = response.next_request.url if response.next_request is not None else None
                if not response.is_redirect or target is None or target.copy_with(path="/", query=None, fragment=None) != origin:
                    break
                response = client.get(target, follow_redirects=False)
        except httpx.HTTPError as exc:
            return Answer(None, error=f"{type(exc).__name__}: {exc}"[:200])
        return Answer.of(response)

    def close(self) -> None:
        if self.owns_browser:
            self.browser.close()


@dataclass
class Login:
    """The tool's login initiation, step by step: the tool's own answer to it, every URL the
    browser was then sent to, and the platform's form (id_token or error) if the chain got there."""

    answer: Answer
    visited: list[str]
    page: Answer
    form: Form | None


def _platform_form(page: Answer, platform: Platform) -> Form | None:
    """The form on a page that carries the id_token (the mock's authorize page), or the tool's
    own auto-submitting form (or script) towards the mock's authorize endpoint."""
    forms = html_forms(page.text, page.url)
    for form in forms:
        if "id_token" in form.fields or "error" in form.fields:
            return form
    authorize = f"{platform.base_url}/api/lti/authorize"
    found = next((f for f in forms if f.action.startswith(authorize)), None)
    script = JS_REDIRECT_RE.search(page.text)
    if found is None and script is not None and script.group(2).startswith(authorize):  # script text: no entities
        found = Form(script.group(2), "GET", {})  # pylti1p3's ``js_redirect``, for instance
    return found


def _cookie_check_retry(response: httpx.Response) -> dict[str, str] | None:
    """pylti1p3's cookie check page (``enable_check_cookies()``): a script that sets a test cookie
    and, if it sticks, reloads the login URL with the login parameters and ``lti1p3_new_window=1``.
    The parameters to reload with, or None for any other page."""
    found = COOKIE_CHECK_RE.search(response.text) if response.status_code == 200 else None
    if found is None:
        return None
    try:
        params = json.loads(found.group(1))
    except ValueError:
        return None
    return {str(k): html.unescape(str(v)) for k, v in params.items()} if isinstance(params, dict) else None


def initiate(platform: Platform, browser: httpx.Client, login_url: str, params: dict[str, str]) -> Login:
    """Post Canvas's login request to the tool and follow where the tool sends the browser, up
    to the platform's form; raises ``httpx.HTTPError`` when the tool does not answer."""
    first = browser.post(login_url, data=params, follow_redirects=False)
    retry = _cookie_check_retry(first)
    if retry is not None:  # what the page's script does in a browser that keeps cookies
        first = browser.get(login_url, params=retry, follow_redirects=False)
    answer, visited = Answer.of(first), []
    page = answer
    if first.is_redirect and first.next_request is not None:
        followed = browser.send(first.next_request, follow_redirects=True)
        visited = [str(r.url) for r in followed.history] + [str(followed.url)]
        page = Answer.of(followed)
    form = _platform_form(page, platform)
    if form is not None and "id_token" not in form.fields and "error" not in form.fields:
        followed = browser.post(form.action, data=form.fields) if form.method == "POST" \
            else browser.get(form.action, params=form.fields or None)
        visited += [str(r.url) for r in followed.history] + [str(followed.url)]
        page = Answer.of(followed)
        form = _platform_form(page, platform)
    return Login(answer, visited, page, form)


def start(platform: Platform, tool: str, course: str, user: str, message_type: str = "LtiResourceLinkRequest", *,
          browser: httpx.Client | None = None, timeout: float = TIMEOUT) -> Flow:
    """A browser (a fresh one unless given) through the tool's login initiation up to the
    platform's id_token form."""
    login = platform.start_launch(tool, course, user, message_type)
    client = browser or new_browser(timeout)
    try:
        try:
            step = initiate(platform, client, login["login_url"], login["params"])
        except httpx.HTTPError as exc:
            raise ProbeError(f"the tool's OIDC login at {login['login_url']} failed: {exc}") from None
        form = step.form
        if form is None:
            raise ProbeError(f"the tool's OIDC login at {login['login_url']} did not end at the platform's id_token "
                             f"form (is its redirect_uri registered on the developer key?): {step.page.excerpt()}")
        if "error" in form.fields:
            raise ProbeError(f"the platform refused the tool's authentication request: {form.fields['error']}: "
                             f"{form.fields.get('error_description', '')}")
        header, claims = jwt_parts(form.fields["id_token"])
        return Flow(client, login, form.action, dict(form.fields), header, claims, owns_browser=browser is None)
    except BaseException:
        if browser is None:
            client.close()
        raise
