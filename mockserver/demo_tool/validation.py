"""The demo tool's checks of a launch, each one rule, as a strict LTI 1.3 tool runs them.

From the LTI 1.3 core specification (§5.1.3 "Authentication response validation") and the
security framework (§5.1.3 of IMS Security 1.0): the ``state`` is one this tool issued, to the
browser posting it (its login cookie); the id_token is signed (RS256) by a key of the platform's
JWKS; ``iss`` is the platform's; ``aud`` names the client id of the login, one registered with
this tool (``registry.py``), and ``azp`` is that client id when present or when there are several
audiences; the token has not expired and was not issued in the future; the ``nonce`` is the one
sent with that state and was never used before; the ``deployment_id`` is one the tool knows for
that client id; then the LTI claims a message of its type must carry. Every check runs (none
stops the others) so the page can show all that is wrong at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..canvas.text import echo_repr
from ..lazy_imports import LazyModule
from .platform import Platform
from .registry import Registered, why_not
from .sessions import PendingLogin

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
#: Clock skew a tool tolerates on ``iat`` and ``exp`` (the mock clock is shared, but a tool allows it).
LEEWAY = 60


@dataclass(frozen=True)
class Check:
    rule: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Received:
    """An id_token as it arrived, with what the tool checks it against."""

    header: dict[str, Any]
    claims: dict[str, Any]
    token: str
    login: PendingLogin | None
    platform: Platform
    jwks: dict[str, Any]
    now: float
    nonce_reused: bool
    #: The client ids registered with this tool (``registry.py``), and whether the browser holds the login's cookie.
    registered: dict[str, Registered]
    cookie_matches: bool


CheckFunction = Callable[[Received], Check]
CHECKS: list[CheckFunction] = []


def check(function: CheckFunction) -> CheckFunction:
    CHECKS.append(function)
    return function


def run_checks(received: Received) -> list[Check]:
    return [function(received) for function in CHECKS]


def _rule(name: str, ok: bool, good: str, bad: str) -> Check:
    return Check(name, ok, good if ok else bad)


@check
def state_was_issued_by_this_tool(r: Received) -> Check:
    return _rule("state", r.login is not None, "the state is one this tool sent with its authentication request",
                 "unknown state: not sent by this tool, already used, or older than 10 minutes")


@check
def state_belongs_to_this_browser(r: Received) -> Check:
    return _rule("state_cookie", r.cookie_matches, "this browser holds the cookie the tool set with that state",
                 "this browser does not hold the cookie the tool set with the state at login: the launch was "
                 "started in another browser (login CSRF), or the cookie was blocked or has expired")


@check
def signed_by_a_platform_key(r: Received) -> Check:
    kid, alg = r.header.get("kid"), r.header.get("alg")
    if alg != "RS256":
        return Check("signature", False, f"alg is {echo_repr(alg)}; LTI requires RS256")
    jwk = next((k for k in r.jwks.get("keys", []) if isinstance(k, dict) and k.get("kid") == kid), None)
    if jwk is None:
        return Check("signature", False, f"kid {echo_repr(kid)} is not in the platform's JWKS ({r.platform.jwks_url})")
    try:
        jwt.PyJWS().decode(r.token, jwt.PyJWK(jwk).key, algorithms=["RS256"])  # the signature only: claims below
    except jwt.PyJWTError as exc:
        return Check("signature", False, f"the RS256 signature does not verify with key {echo_repr(kid)}: {exc}")
    return Check("signature", True, f"RS256, verified with the platform key {echo_repr(kid)}")


@check
def issued_by_the_platform(r: Received) -> Check:
    iss = r.claims.get("iss")
    return _rule("iss", iss == r.platform.issuer, f"iss is the platform's issuer {echo_repr(iss)}",
                 f"iss is {echo_repr(iss)}, not the platform's issuer {echo_repr(r.platform.issuer)}")


@check
def addressed_to_this_tool(r: Received) -> Check:
    aud, client_id = r.claims.get("aud"), r.login.client_id if r.login else None
    audiences = aud if isinstance(aud, list) else [aud]
    if client_id is None or client_id not in audiences:
        return Check("aud", False, f"aud {echo_repr(aud)} does not name the client id {echo_repr(client_id)}")
    if client_id not in r.registered:
        return Check("aud", False, f"aud names {why_not(r.platform, client_id)}")
    azp = r.claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != client_id:
        return Check("aud", False, f"azp is {echo_repr(azp)}; with several audiences it must be the client id {echo_repr(client_id)}")
    return Check("aud", True, f"aud names the client id {echo_repr(client_id)} ({r.registered[client_id].how})")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@check
def not_expired(r: Received) -> Check:
    exp = _number(r.claims.get("exp"))
    if exp is None:
        return Check("exp", False, "exp is missing or not a number")
    return _rule("exp", exp > r.now - LEEWAY, f"expires in {exp - r.now:.0f} s (mock clock)",
                 f"expired {r.now - exp:.0f} s ago (mock clock)")


@check
def not_issued_in_the_future(r: Received) -> Check:
    iat = _number(r.claims.get("iat"))
    if iat is None:
        return Check("iat", False, "iat is missing or not a number")
    return _rule("iat", iat <= r.now + LEEWAY, f"issued {r.now - iat:.0f} s ago (mock clock)",
                 f"issued {iat - r.now:.0f} s in the future (mock clock)")


@check
def nonce_matches_and_is_fresh(r: Received) -> Check:
    nonce = r.claims.get("nonce")
    if r.login is None or nonce != r.login.nonce:
        return Check("nonce", False, "the nonce is not the one this tool sent with the state")
    return _rule("nonce", not r.nonce_reused, "the nonce this tool sent, used for the first time",
                 "the nonce was already used: a replayed id_token")


@check
def names_the_deployment(r: Received) -> Check:
    deployment = r.claims.get(LTI + "deployment_id")
    if not isinstance(deployment, str) or not deployment:
        return Check("deployment_id", False, "the deployment_id claim is missing")
    expected = r.login.deployment_id if r.login else None
    if expected not in (None, deployment):
        return Check("deployment_id", False, f"deployment {echo_repr(deployment)}, but the login named {echo_repr(expected)}")
    client = r.registered.get(r.login.client_id) if r.login else None
    if client is None:
        return Check("deployment_id", False, f"deployment {echo_repr(deployment)} of no client id registered with this tool")
    return _rule("deployment_id", deployment in client.deployment_ids,
                 f"deployment {echo_repr(deployment)}, one of client id {echo_repr(client.client_id)}",
                 f"deployment {echo_repr(deployment)} is not one this tool knows for client id "
                 f"{echo_repr(client.client_id)} (its deployments: {', '.join(sorted(client.deployment_ids)) or 'none'})")


@check
def a_known_message_type(r: Received) -> Check:
    message = r.claims.get(LTI + "message_type")
    return _rule("message_type", message in (RESOURCE_LINK, DEEP_LINKING), f"{message}",
                 f"message_type {echo_repr(message)} is not one this tool handles ({RESOURCE_LINK}, {DEEP_LINKING})")


@check
def lti_version_1_3(r: Received) -> Check:
    version = r.claims.get(LTI + "version")
    return _rule("version", version == "1.3.0", "LTI 1.3.0", f"version {echo_repr(version)}, expected '1.3.0'")


@check
def launches_the_requested_target(r: Received) -> Check:
    target = r.claims.get(LTI + "target_link_uri")
    expected = r.login.target_link_uri if r.login else None
    return _rule("target_link_uri", target is not None and target == expected, f"{target}",
                 f"target_link_uri {echo_repr(target)} is not the one of the login ({echo_repr(expected)})")


@check
def carries_roles(r: Received) -> Check:
    roles = r.claims.get(LTI + "roles")
    return _rule("roles", isinstance(roles, list) and all(isinstance(x, str) for x in roles),
                 f"{len(roles or [])} role(s)", "the roles claim is missing or not a list of strings")


@check
def carries_what_the_message_needs(r: Received) -> Check:
    message = r.claims.get(LTI + "message_type")
    if message == DEEP_LINKING:
        settings = r.claims.get(DL + "deep_linking_settings")
        ok = isinstance(settings, dict) and isinstance(settings.get("deep_link_return_url"), str)
        return _rule("deep_linking_settings", ok, "deep_link_return_url given",
                     "deep_linking_settings.deep_link_return_url is missing")
    link = r.claims.get(LTI + "resource_link")
    ok = isinstance(link, dict) and isinstance(link.get("id"), str) and bool(link["id"])
    return _rule("resource_link", ok, f"resource link {link.get('id') if ok else ''}", "resource_link.id is missing")


@check
def names_the_user(r: Received) -> Check:
    sub = r.claims.get("sub")
    if sub is None:
        return Check("sub", True, "no sub: an anonymous launch")
    return _rule("sub", isinstance(sub, str) and bool(sub), f"user {sub}", "sub is not a non-empty string")
