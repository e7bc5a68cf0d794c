"""The tool's authentication request (LTI 1.3 §5.1.1.2, OIDC Core §3.1.2.1), checked parameter by parameter.

Each check is one registered function, named for the rule it verifies, returning a
:class:`~.record.Check`. They explain a launch in the inspector; they do not decide it:
``authorize.py`` answers as Canvas does, which is laxer in places (Canvas only requires
``prompt`` to be present, and never looks at ``response_type`` or ``response_mode``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..world import DeveloperKey
from .authorize import redirect_uri_registered
from .record import Check


@dataclass(frozen=True)
class AuthenticationRequest:
    """What the tool sent, beside what the mock's login initiation had told it."""

    params: Mapping[str, str]
    sent: Mapping[str, str]
    key: DeveloperKey | None


AuthCheck = Callable[[AuthenticationRequest], Check]
CHECKS: list[AuthCheck] = []


def check(function: AuthCheck) -> AuthCheck:
    CHECKS.append(function)
    return function


def run(request: AuthenticationRequest) -> list[Check]:
    return [each(request) for each in CHECKS]


def _equals(request: AuthenticationRequest, name: str, expected: str, rule: str) -> Check:
    value = request.params.get(name)
    if value == expected:
        return Check(name, "pass", f"{name}={expected}")
    got = "missing" if value is None else f"{value!r}"
    return Check(name, "fail", f"{rule}; got {got}")


@check
def scope_is_openid(request: AuthenticationRequest) -> Check:
    return _equals(request, "scope", "openid", "must be 'openid' (OIDC Core; Canvas refuses anything else)")


@check
def response_type_is_id_token(request: AuthenticationRequest) -> Check:
    return _equals(request, "response_type", "id_token", "must be 'id_token' (LTI 1.3 §5.1.1.2, implicit flow)")


@check
def response_mode_is_form_post(request: AuthenticationRequest) -> Check:
    return _equals(request, "response_mode", "form_post", "must be 'form_post' (LTI 1.3 §5.1.1.2)")


@check
def prompt_is_none(request: AuthenticationRequest) -> Check:
    return _equals(request, "prompt", "none", "must be 'none' (LTI 1.3 §5.1.1.2; Canvas only requires it present)")


@check
def client_id_is_the_launching_tool(request: AuthenticationRequest) -> Check:
    expected = request.sent.get("client_id", "")
    return _equals(request, "client_id", expected, f"must be the client id of the login initiation ({expected})")


@check
def redirect_uri_is_registered(request: AuthenticationRequest) -> Check:
    uri = request.params.get("redirect_uri")
    if not uri:
        return Check("redirect_uri", "fail", "missing: Canvas answers 400 and posts nothing")
    if request.key is None:
        return Check("redirect_uri", "fail", "not checked: no developer key has this client_id (Canvas answers 404)")
    if redirect_uri_registered(request.key, uri):
        return Check("redirect_uri", "pass", f"{uri} is registered on developer key {request.key.id}")
    registered = ", ".join(request.key.redirect_uris) or "none"
    return Check("redirect_uri", "fail", f"{uri} is not one of the key's redirect URIs ({registered}): "
                                         "Canvas answers 400 and posts nothing")


@check
def login_hint_is_the_one_sent(request: AuthenticationRequest) -> Check:
    return _equals(request, "login_hint", request.sent.get("login_hint", ""),
                   "must be the login_hint of the login initiation, unchanged (it names the user)")


@check
def lti_message_hint_is_the_one_sent(request: AuthenticationRequest) -> Check:
    value, expected = request.params.get("lti_message_hint"), request.sent.get("lti_message_hint")
    if value == expected:
        return Check("lti_message_hint", "pass", "the hint of the login initiation, unchanged")
    return Check("lti_message_hint", "fail", "missing: Canvas cannot find the launch" if value is None else
                 "differs from the hint of the login initiation: Canvas cannot find the launch")


@check
def nonce_is_present(request: AuthenticationRequest) -> Check:
    nonce = request.params.get("nonce")
    if nonce:
        return Check("nonce", "pass", "present; the id_token carries it back for the tool to check")
    return Check("nonce", "fail", "missing: required (OIDC Core §3.2.2.1), the tool's only replay protection")


@check
def state_is_present(request: AuthenticationRequest) -> Check:
    if request.params.get("state"):
        return Check("state", "pass", "present; posted back with the id_token to bind it to the browser")
    return Check("state", "warn", "absent: optional for Canvas, but a tool without it cannot tell its own "
                                  "launches from forged ones (OIDC Core §3.1.2.1: RECOMMENDED)")
