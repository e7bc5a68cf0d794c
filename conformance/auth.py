"""LTI Advantage access tokens for the suite, via the client-credentials grant (§8).

The suite acts as a tool: it signs an RS256 client assertion with the tool's private key
(PyJWT), trades it at the token URL for a bearer token holding exactly the scopes an operation's
``security`` asks for, and caches tokens per scope set until shortly before they expire.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import jwt

from mockserver.tool_client import signing_key

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: Refresh this many seconds before the token's ``expires_in`` runs out.
EXPIRY_MARGIN = 60.0

#: ``post(url, form) -> (status, json body)``; the target decides how it is sent.
TokenPoster = Callable[[str, dict[str, str]], tuple[int, Any]]


class TokenError(RuntimeError):
    """The token endpoint refused to issue a token the suite needs."""


@dataclass(frozen=True)
class LtiCredentials:
    """What a tool knows about itself: enough to obtain LTI service tokens."""

    client_id: str
    private_key_pem: str
    kid: str
    token_url: str
    deployment_id: str = ""
    scopes: tuple[str, ...] = ()


def client_assertion(creds: LtiCredentials, now: float | None = None) -> str:
    """A fresh RS256 ``private_key_jwt`` assertion (iss = sub = client id, aud = token URL)."""
    issued = int(now if now is not None else time.time())
    claims = {"iss": creds.client_id, "sub": creds.client_id, "aud": creds.token_url,
              "iat": issued, "exp": issued + 300, "jti": str(uuid.uuid4())}
    return jwt.encode(claims, signing_key(creds.private_key_pem), algorithm="RS256", headers={"kid": creds.kid})


def _schemes(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return spec.get("components", {}).get("securitySchemes", {})


def required_scope_sets(definition: dict[str, Any], spec: dict[str, Any]) -> list[tuple[str, ...]]:
    """The alternative LTI scope sets (OAuth2 schemes) an operation's ``security`` accepts."""
    security = definition.get("security", spec.get("security", []))
    schemes = _schemes(spec)
    sets = []
    for requirement in security:
        oauth = {name: scopes for name, scopes in requirement.items() if schemes.get(name, {}).get("type") == "oauth2"}
        if oauth:
            sets.append(tuple(sorted({scope for scopes in oauth.values() for scope in scopes})))
    return sets


def wants_api_token(definition: dict[str, Any], spec: dict[str, Any]) -> bool:
    """Whether the operation is authorised with a Canvas API token (an HTTP bearer scheme)."""
    security = definition.get("security", spec.get("security", []))
    schemes = _schemes(spec)
    return any(schemes.get(name, {}).get("type") == "http" for requirement in security for name in requirement)


@dataclass
class TokenManager:
    """Caches one token per scope set; thread-safe, refreshes before expiry."""

    creds: LtiCredentials
    post: TokenPoster
    clock: Callable[[], float] = time.monotonic
    _cache: dict[tuple[str, ...], tuple[str, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    requests_made: int = 0

    def choose_scopes(self, alternatives: Iterable[tuple[str, ...]]) -> tuple[str, ...] | None:
        """The first alternative the tool is granted (the first of all when grants are unknown);
        None when the tool is known to hold none of them."""
        options = list(alternatives)
        if not options:
            return None
        if self.creds.scopes:
            for option in options:
                if set(option) <= set(self.creds.scopes):
                    return option
            return None  # the tool is not granted any of them: the suite skips the operation
        return options[0]

    def token(self, scopes: Iterable[str]) -> str:
        key = tuple(sorted(set(scopes)))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and self.clock() < cached[1]:
                return cached[0]
            form = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                    "client_assertion": client_assertion(self.creds), "scope": " ".join(key)}
            self.requests_made += 1
            status, body = self.post(self.creds.token_url, form)
            if status != 200 or not isinstance(body, dict) or "access_token" not in body:
                raise TokenError(f"token request for scopes {' '.join(key)} failed: {status} {body!r}")
            lifetime = float(body.get("expires_in") or 3600)
            self._cache[key] = (body["access_token"], self.clock() + max(lifetime - EXPIRY_MARGIN, 1.0))
            return body["access_token"]

    def invalidate(self) -> None:
        with self._lock:
            self._cache.clear()


def make_auth_provider(manager: TokenManager, spec: dict[str, Any], api_token: Callable[[], str | None] = lambda: None) -> type:
    """A schemathesis ``AuthProvider`` class (instantiated by schemathesis without arguments)
    that asks ``manager`` for the scopes each operation's security requires, or uses the Canvas
    API token for REST operations."""

    class LtiClientCredentials:
        def get(self, case: Any, ctx: Any) -> str | None:
            definition = case.operation.definition.raw
            scopes = manager.choose_scopes(required_scope_sets(definition, spec))
            if scopes is not None:
                return manager.token(scopes)
            return api_token() if wants_api_token(definition, spec) else None

        def set(self, case: Any, data: str | None, ctx: Any) -> None:
            if data:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return LtiClientCredentials
