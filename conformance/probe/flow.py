"""One OIDC launch flow through the tool, driven like a browser, stopped before the id_token is posted.

A :class:`Browser` is an httpx client with its own cookie jar: it posts Canvas's login request
to the tool's OIDC initiation URL and follows the tool's redirect to the mock's
``authorize_redirect``/``authorize``, so the tool's state and nonce cookies and session are real.
The flow stops at the platform's auto-posting form: the probe may then post the id_token as it
is, or a tampered one, to the tool's ``redirect_uri`` — with the same cookies.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import httpx

from .platform import Platform, ProbeError

TIMEOUT = 30.0
MAX_REDIRECTS = 10
EXCERPT = 160
JS_REDIRECT_RE = re.compile(r"""window\.location(?:\.href)?\s*=\s*(["'])(.+?)\1""")
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

    def excerpt(self) -> str:
        if self.error:
            return f"no answer ({self.error})"
        body = " ".join(TAG_RE.sub(" ", self.text).split())  # an error page reads as its text
        return f"{self.status} {body[:EXCERPT]}{'…' if len(body) > EXCERPT else ''}".strip()


@dataclass
class Flow:
    """A launch up to the platform's answer: the valid id_token the tool is waiting for."""

    browser: httpx.Client
    login: dict[str, Any]
    redirect_uri: str
    fields: dict[str, str]
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def id_token(self) -> str:
        return self.fields["id_token"]

    @property
    def state(self) -> str | None:
        return self.fields.get("state")

    def post(self, id_token: str, state: str | None = None) -> Answer:
        """Post (a possibly tampered) id_token to the tool as the platform's form would, and follow
        the tool's redirects within its own origin (a redirect elsewhere is the answer itself)."""
        fields = {**self.fields, "id_token": id_token}
        if state is not None:
            fields["state"] = state
        origin = httpx.URL(self.redirect_uri).copy_with(path="/", query=None, fragment=None)
        try:
            response = self.browser.post(self.redirect_uri, data=fields, follow_redirects=False)
            for _ in range(MAX_REDIRECTS):
                target = response.next_request.url if response.next_request is not None else None
                if not response.is_redirect or target is None or target.copy_with(path="/", query=None, fragment=None) != origin:
                    break
                response = self.browser.get(target, follow_redirects=False)
        except httpx.HTTPError as exc:
            return Answer(None, error=f"{type(exc).__name__}: {exc}"[:200])
        text = response.text if not response.is_redirect else f"→ {response.headers.get('location', '')}"
        return Answer(response.status_code, text, str(response.url))

    def close(self) -> None:
        self.browser.close()


def _platform_form(page: httpx.Response, platform: Platform) -> Form | None:
    """The form on the tool's answer that carries the id_token (the mock's authorize page), or
    the tool's own auto-submitting form towards the mock's authorize endpoint."""
    forms = html_forms(page.text, str(page.url))
    for form in forms:
        if "id_token" in form.fields or "error" in form.fields:
            return form
    authorize = f"{platform.base_url}/api/lti/authorize"
    found = next((f for f in forms if f.action.startswith(authorize)), None)
    script = JS_REDIRECT_RE.search(page.text)
    if found is None and script is not None and script.group(2).startswith(authorize):  # script text: no entities
        found = Form(script.group(2), "GET", {})  # pylti1p3's ``js_redirect``, for instance
    return found


def start(platform: Platform, tool: str, course: str, user: str, message_type: str = "LtiResourceLinkRequest") -> Flow:
    """A fresh browser through the tool's login initiation up to the platform's id_token form."""
    login = platform.start_launch(tool, course, user, message_type)
    browser = httpx.Client(follow_redirects=True, timeout=TIMEOUT)
    try:
        try:
            page = browser.post(login["login_url"], data=login["params"])
            form = _platform_form(page, platform)
            if form is not None and "id_token" not in form.fields and "error" not in form.fields:
                page = browser.post(form.action, data=form.fields) if form.method == "POST" \
                    else browser.get(form.action, params=form.fields or None)
                form = _platform_form(page, platform)
        except httpx.HTTPError as exc:
            raise ProbeError(f"the tool's OIDC login at {login['login_url']} failed: {exc}") from None
        if form is None:
            raise ProbeError(f"the tool's OIDC login at {login['login_url']} did not end at the platform's id_token "
                             f"form (is its redirect_uri registered on the developer key?): "
                             f"{Answer(page.status_code, page.text).excerpt()}")
        if "error" in form.fields:
            raise ProbeError(f"the platform refused the tool's authentication request: {form.fields['error']}: "
                             f"{form.fields.get('error_description', '')}")
        header, claims = jwt_parts(form.fields["id_token"])
        return Flow(browser, login, form.action, dict(form.fields), header, claims)
    except BaseException:
        browser.close()
        raise
