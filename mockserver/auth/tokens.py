"""Client assertions in, access tokens out (§8), and access-token checks at the services (§2.3).

Canvas signs its access tokens with its own secret; the mock does the same with a per-app HS256
secret, so it accepts only tokens it issued. Error texts are Canvas's, checked in Canvas's order.
"""

from __future__ import annotations

import functools
import json
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..canvas.errors import CanvasError, lti_error, oauth_error
from ..lazy_imports import LazyModule
from ..world import DeveloperKey, World
from . import jws

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
REQUIRED_CLAIMS = ("sub", "aud", "exp", "iat", "jti", "iss")
ACCESS_TOKEN_LIFETIME = 3600
ASSERTION_MAX_AGE = 300  # JwtValidator default: 5 minutes
ACCESS_TOKEN_MAX_AGE = 3600
FUTURE_LEEWAY = 30
UNIVERSAL_GRANT_HOSTS = ("canvas.instructure.com", "sso.canvaslms.com")
INVALID_SCOPE = (
    "A requested scope is invalid, unknown, malformed, or exceeds the scope granted by the "
    "resource owner. The following scopes were requested, but not granted: "
)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def to_sentence(items: list[str]) -> str:
    """Rails ``Array#to_sentence``."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + f", and {items[-1]}"


def claim_errors(claims: dict[str, Any], audiences: Iterable[str], now: float, max_age: int,
                 prefix: str = "") -> list[str]:
    """JwtValidator with ``full_errors``: every failing assertion, in Canvas's order."""
    missing = [c for c in REQUIRED_CLAIMS if claims.get(c) in (None, "")]
    if missing:
        return [f"{prefix}the following assertions are missing: {','.join(missing)}"]
    errors = []
    for name in ("exp", "iat"):
        if isinstance(claims[name], bool) or not isinstance(claims[name], int | float):
            errors.append(f"{prefix}the '{name}' must be a number")
    aud = claims["aud"]
    aud_list = aud if isinstance(aud, list) else [aud]
    if not set(map(str, aud_list)) & set(audiences):
        errors.append(f"{prefix}the 'aud' is invalid")
    if errors:
        return errors
    if claims["exp"] <= now:
        errors.append("EXPIRED")
    if claims["iat"] > now + FUTURE_LEEWAY:
        errors.append(f"{prefix}the 'iat' must not be in the future")
    elif claims["iat"] < now - max_age:
        errors.append(f"{prefix}the 'iat' must be less than {max_age} seconds old")
    return errors


# -- token endpoint ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    key: DeveloperKey
    scopes: list[str]


def verify_client_assertion(world: World, form: dict[str, Any], token_url: str, now: float,
                            jwks_for: Any = None) -> Grant:
    """§8.2 steps 1-7. ``jwks_for(key)`` returns the key set of a key with a ``public_jwk_url``."""
    if form.get("grant_type") != "client_credentials":
        raise oauth_error(400, "unsupported_grant_type", "The grant_type you requested is not currently supported")
    assertion = form.get("client_assertion")
    if form.get("client_assertion_type") != ASSERTION_TYPE:
        # Symmetric client identification: an LTI key has no external client-credentials audience.
        known = world.developer_keys.get(str(form.get("client_id")))
        if known is not None and known.workflow_state == "active":
            raise oauth_error(400, "invalid_request", "assertion method not supported for this grant_type")
        raise oauth_error(401, "invalid_client", "unknown client")
    if not isinstance(assertion, str):
        raise oauth_error(401, "invalid_client", "unknown client")
    try:  # one parse for header, claims and signature (see auth/jws.py)
        parsed = jws.parse(assertion)
    except (ValueError, RecursionError):
        raise oauth_error(401, "invalid_client", "unknown client") from None
    header, unverified = parsed.header, parsed.claims
    key = world.developer_keys.get(str(unverified.get("sub")))
    if key is None or key.workflow_state != "active":
        raise oauth_error(401, "invalid_client", "unknown client")

    if header.get("alg") != "RS256":
        raise _signature_invalid()
    jwks = jwks_for(key) if key.public_jwk_url and jwks_for else None
    candidates = (jwks or {}).get("keys", []) if jwks is not None else ([key.public_jwk] if key.public_jwk else [])
    if jwks is not None and header.get("kid"):
        candidates = [k for k in candidates if k.get("kid") == header["kid"]] or candidates
    claims = None
    for jwk in candidates:
        try:
            if parsed.verifies_with(_public_key_of(jwk)):
                claims = unverified
                break
        except (jwt.PyJWTError, ValueError, TypeError):
            continue
    if claims is None:
        raise _signature_invalid()

    errors = claim_errors(claims, [token_url], now, ASSERTION_MAX_AGE)
    errors = ["the JWT has expired" if e == "EXPIRED" else e for e in errors]
    if errors:
        raise oauth_error(400, "invalid_request", " | ".join(errors))

    raw = form.get("scope") or form.get("scopes") or ""
    requested = [s for s in str(raw).split(" ") if s]
    not_granted = [s for s in requested if s not in key.scopes]
    if not requested or not_granted:
        raise oauth_error(400, "invalid_scope", INVALID_SCOPE + to_sentence(not_granted))
    return Grant(key, requested)


def _signature_invalid() -> CanvasError:
    return oauth_error(400, "invalid_request", "JWS signature invalid.")


def _public_key_of(jwk: Any) -> Any:
    """The RSA key object of a JWK, built once per JWK. A JWK of string members (all a public RSA
    JWK has) is keyed by its sorted members: its canonical JSON cost more than the rest of the
    lookup. Any other is keyed by that JSON."""
    if isinstance(jwk, dict) and all(type(v) is str for v in jwk.values()):
        return _public_key(tuple(sorted(jwk.items())))
    return _public_key(json.dumps(jwk, sort_keys=True))


@functools.lru_cache(maxsize=256)
def _public_key(jwk: tuple[tuple[str, str], ...] | str) -> Any:
    """RSA key objects built once per JWK (keyed by its sorted members or its canonical JSON)."""
    return jwt.PyJWK(dict(jwk) if isinstance(jwk, tuple) else json.loads(jwk), algorithm="RS256").key


def issue_access_token(secret: str, issuer: str, grant: Grant, audience: str, now: float,
                       account_uuid: str | None = None) -> str:
    """``ClientCredentialsProvider#generate_claims``; an account-scoped key's token also names its account
    (``"canvas.instructure.com": {"account_uuid": …}``)."""
    iat = int(now)
    claims: dict[str, Any] = {
        "iss": issuer, "sub": grant.key.id, "aud": audience, "iat": iat,
        "exp": iat + ACCESS_TOKEN_LIFETIME, "jti": str(uuid.uuid4()), "scopes": " ".join(grant.scopes),
    }
    if account_uuid:
        claims["canvas.instructure.com"] = {"account_uuid": account_uuid}
    return jws.encode_hs256(claims, secret)


# -- service side --------------------------------------------------------------------------------


def service_audiences(scheme: str, host: str) -> list[str]:
    """The token URL of the request host plus Canvas's universal grant hosts (§2.2)."""
    return [f"{scheme}://{h}/login/oauth2/token" for h in (host, *UNIVERSAL_GRANT_HOSTS)]


def decode_access_token(secret: str, authorization: str | None, audiences: list[str],
                        now: float) -> dict[str, Any]:
    """Validate a service bearer token; raises the 401 LTI error Canvas would send."""
    prefix = "Invalid access token field/s: "
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise lti_error(401, "Missing access token")
    claims = _verified_claims(secret, token)
    errors = claim_errors(claims, audiences, now, ACCESS_TOKEN_MAX_AGE, prefix)
    if "EXPIRED" in errors:
        raise lti_error(401, "Access token expired")
    if errors:
        raise lti_error(401, errors[0])
    return claims


@functools.lru_cache(maxsize=4096)
def _verified_claims(secret: str, token: str) -> dict[str, Any]:
    """Signature and format checks, memoised: a tool presents the same token for an hour, and
    PyJWT's base64 checks cost more than the rest of a request. Time-dependent checks are not
    cached; failures raise and are therefore never cached. Callers must not mutate the result."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise lti_error(401, "Invalid access token format") from None
    if header.get("alg") != "HS256":
        raise lti_error(401, "Access token signature algorithm not allowed")
    try:
        return jwt.decode(token, secret, algorithms=["HS256"], options={
            "verify_exp": False, "verify_iat": False, "verify_aud": False, "verify_nbf": False,
            "verify_iss": False, "verify_sub": False, "verify_jti": False,
        })
    except jwt.InvalidSignatureError:
        raise lti_error(401, "Access token invalid - signature likely incorrect") from None
    except jwt.PyJWTError:
        raise lti_error(401, "Invalid access token format") from None


def token_scopes(claims: dict[str, Any]) -> set[str]:
    raw = claims.get("scopes")
    return set(raw.split(" ")) if isinstance(raw, str) else set()


__all__ = [
    "CanvasError",
    "Grant",
    "decode_access_token",
    "issue_access_token",
    "new_secret",
    "service_audiences",
    "token_scopes",
    "verify_client_assertion",
]
