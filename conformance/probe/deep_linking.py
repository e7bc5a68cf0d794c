"""The tool's deep linking response, checked as Canvas checks it: one registered rule per check.

The probe launches an ``LtiDeepLinkingRequest`` through the tool and reads the tool's answer:
an (auto-submitting) form posting ``JWT`` to the claim's ``deep_link_return_url``. Each rule
below reports its own violations, so one response shows every problem at once; the last rule,
``canvas_accepts``, posts the JWT to the mock's return URL, where the mock applies Canvas's own
``DeepLinkingJwt`` checks (and, if they pass, creates the items as Canvas would).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt

from .flow import Answer, Form, html_forms, jwt_parts
from .platform import Platform, ToolRegistration

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
MAX_AGE = 300  # Canvas's JwtValidator: iat at most 5 minutes old …
FUTURE_LEEWAY = 30  # … and at most 30 s in the future
URL_ITEMS = ("link", "file", "image")


@dataclass
class Response:
    """A deep linking response as the tool sent it, with what it answers."""

    form: Form
    token: str
    header: dict[str, Any]
    claims: dict[str, Any]
    launch: dict[str, Any]  # the LtiDeepLinkingRequest claims the tool received
    registration: ToolRegistration
    platform: Platform
    now: float

    @property
    def settings(self) -> dict[str, Any]:
        return self.launch.get(DL + "deep_linking_settings") or {}


@dataclass
class CheckResult:
    name: str
    description: str
    violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


@dataclass
class DeepLinkingResult:
    """``error`` says why no response could be checked (the launch failed, the tool crashed, its
    answer has no response form): an error, never a pass — nothing was verified."""

    checks: list[CheckResult] = field(default_factory=list)
    error: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None and all(c.ok for c in self.checks)


Check = Callable[[Response], list[str]]
CHECKS: list[tuple[str, str, Check]] = []


def dl_check(name: str, description: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        CHECKS.append((name, description, check))
        return check
    return register


@dl_check("return_url", "posted to the launch's deep_link_return_url")
def return_url(r: Response) -> list[str]:
    expected = r.settings.get("deep_link_return_url")
    return [] if r.form.action == expected else [f"the form posts to {r.form.action}, not to {expected}"]


@dl_check("signature", "RS256, signed with the tool's key registered in the developer key")
def signature(r: Response) -> list[str]:
    if r.header.get("alg") != "RS256":
        return [f"alg is {r.header.get('alg')!r}: Canvas accepts RS256 only"]
    keys = _tool_keys(r)
    if not keys:
        return ["the developer key has no public key (public_jwk or a reachable public_jwk_url)"]
    kid = r.header.get("kid")
    for jwk in [k for k in keys if k.get("kid") == kid] or keys:
        try:
            jwt.decode(r.token, jwt.PyJWK(jwk, algorithm="RS256").key, algorithms=["RS256"],
                       options={"verify_aud": False, "verify_exp": False, "verify_iat": False, "verify_nbf": False})
            return []
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue
    return [f"the signature does not verify with the tool's registered key (kid {kid!r})"]


def _tool_keys(r: Response) -> list[dict[str, Any]]:
    reg = r.registration
    if reg.public_jwk:
        return [reg.public_jwk]
    if reg.public_jwk_url:
        try:
            keys = r.platform.fetch(reg.public_jwk_url).json().get("keys", [])
        except (httpx.HTTPError, ValueError, AttributeError):
            return []
        return [k for k in keys if isinstance(k, dict)]
    return []


@dl_check("iss", "iss is the tool's client id")
def iss(r: Response) -> list[str]:
    found = r.claims.get("iss")
    return [] if found == r.registration.client_id else [f"iss is {found!r}, not the client id {r.registration.client_id!r}"]


@dl_check("aud", "aud is the platform's issuer")
def aud(r: Response) -> list[str]:
    found = r.claims.get("aud")
    audiences = found if isinstance(found, list) else [found]
    return [] if r.platform.issuer in audiences else [f"aud is {found!r}, not the issuer {r.platform.issuer!r}"]


@dl_check("nonce", "a nonce is present (Canvas reads it as the jti)")
def nonce(r: Response) -> list[str]:
    value = r.claims.get("nonce")
    return [] if isinstance(value, str) and value else [f"nonce is missing or empty ({value!r})"]


@dl_check("deployment_id", "deployment_id is the launch's")
def deployment_id(r: Response) -> list[str]:
    expected, found = r.launch.get(LTI + "deployment_id"), r.claims.get(LTI + "deployment_id")
    return [] if found == expected else [f"deployment_id is {found!r}, the launch's was {expected!r}"]


@dl_check("message", "message_type LtiDeepLinkingResponse, version 1.3.0")
def message(r: Response) -> list[str]:
    out = []
    if r.claims.get(LTI + "message_type") != "LtiDeepLinkingResponse":
        out.append(f"message_type is {r.claims.get(LTI + 'message_type')!r}")
    if r.claims.get(LTI + "version") != "1.3.0":
        out.append(f"version is {r.claims.get(LTI + 'version')!r}")
    return out


@dl_check("time", "iat and exp are numbers; not expired, at most 5 minutes old, not in the future (mock clock)")
def timing(r: Response) -> list[str]:
    iat, exp = r.claims.get("iat"), r.claims.get("exp")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (iat, exp)):
        return [f"iat/exp must be numbers (iat={iat!r}, exp={exp!r})"]
    out = []
    if exp <= r.now:
        out.append(f"expired (exp {exp} ≤ now {int(r.now)})")
    if iat > r.now + FUTURE_LEEWAY:
        out.append(f"iat {iat} is in the future (now {int(r.now)})")
    elif iat < r.now - MAX_AGE:
        out.append(f"iat {iat} is more than {MAX_AGE} s old")
    return out


@dl_check("content_items", "content items are objects of an accepted type, with what their type needs")
def content_items(r: Response) -> list[str]:
    items = r.claims.get(DL + "content_items", [])
    if not isinstance(items, list):
        return ["content_items is not an array"]
    accepted = r.settings.get("accept_types") or []
    out = []
    if len(items) > 1 and not r.settings.get("accept_multiple", True):
        out.append(f"{len(items)} items, but the launch said accept_multiple: false")
    for n, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            out.append(f"item {n}: not an object with a type")
            continue
        kind = item["type"]
        if accepted and kind not in accepted:
            out.append(f"item {n}: type {kind!r} is not in accept_types {accepted}")
        if kind in URL_ITEMS and not isinstance(item.get("url"), str):
            out.append(f"item {n}: a {kind} needs a url")
        if kind == "html" and not isinstance(item.get("html"), str):
            out.append(f"item {n}: an html item needs html")
        if kind == "ltiResourceLink":
            if "url" in item and not isinstance(item["url"], str):
                out.append(f"item {n}: url must be a string")
            line_item = item.get("lineItem")
            maximum = line_item.get("scoreMaximum") if isinstance(line_item, dict) else None
            if line_item is not None and (isinstance(maximum, bool) or not isinstance(maximum, int | float) or maximum < 0):
                out.append(f"item {n}: lineItem.scoreMaximum must be a non-negative number")
            if "custom" in item and not isinstance(item["custom"], dict):
                out.append(f"item {n}: custom must be an object")
    return out


@dl_check("canvas_accepts", "the platform's deep_linking_response endpoint accepts it (Canvas's DeepLinkingJwt checks)")
def canvas_accepts(r: Response) -> list[str]:
    try:
        # To the launch's return URL, never to wherever the tool's form points.
        answer = r.platform.http.post(str(r.settings.get("deep_link_return_url")), data={"JWT": r.token})
    except httpx.HTTPError as exc:
        return [f"the return URL did not answer: {exc}"]
    if answer.status_code == 200:
        return []
    try:
        errors = answer.json().get("errors")
    except (ValueError, AttributeError):
        errors = None
    if isinstance(errors, dict):
        return [f"{field_name}: {message}" for field_name, messages in errors.items() for message in messages]
    return [f"HTTP {answer.status_code}: {Answer(answer.status_code, answer.text).excerpt()}"]


def find_response(answer_text: str, answer_url: str) -> tuple[Form, str] | None:
    """The form on the tool's page that carries a deep linking response JWT."""
    for form in html_forms(answer_text, answer_url):
        token = form.fields.get("JWT")
        if token:
            return form, token
    return None


def check(found: tuple[Form, str], launch: dict[str, Any], registration: ToolRegistration,
          platform: Platform) -> DeepLinkingResult:
    form, token = found
    header, claims = jwt_parts(token)
    response = Response(form, token, header, claims, launch, registration, platform, platform.now())
    result = DeepLinkingResult(claims=claims)
    for name, description, rule in CHECKS:
        result.checks.append(CheckResult(name, description, rule(response)))
    return result
