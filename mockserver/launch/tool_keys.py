"""Tool key sets: a developer key's stored ``public_jwk``, or its ``public_jwk_url`` fetched.

Canvas fetches a tool's JWKS from anywhere; the mock fetches only loopback URLs (``localhost``,
``127.0.0.0/8``, ``::1``) so a test run never reaches out to the network. A failed or refused
fetch yields an empty key set, which then fails signature verification as Canvas would.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..world import DeveloperKey

FETCH_TIMEOUT = 5.0


def is_loopback_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def fetch_jwks(url: str) -> dict[str, Any]:
    """The key set at ``url`` (loopback only); ``{"keys": []}`` when it cannot be had."""
    if not is_loopback_url(url):
        return {"keys": []}
    try:
        response = httpx.get(url, timeout=FETCH_TIMEOUT, follow_redirects=False)
        body = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return {"keys": []}
    if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
        return {"keys": []}
    return {"keys": [k for k in body["keys"] if isinstance(k, dict)]}


def jwks_for(key: DeveloperKey) -> dict[str, Any]:
    """For ``auth.tokens.verify_client_assertion``: the fetched set of a ``public_jwk_url`` key."""
    return fetch_jwks(key.public_jwk_url) if key.public_jwk_url else {"keys": []}


def candidate_keys(key: DeveloperKey, kid: str | None) -> list[dict[str, Any]]:
    """The JWKs that may have signed a tool JWT: matching ``kid`` first when a set is fetched."""
    if key.public_jwk_url:
        keys = jwks_for(key)["keys"]
        return [k for k in keys if k.get("kid") == kid] or keys if kid else keys
    return [key.public_jwk] if key.public_jwk else []
