"""Tool key sets: a developer key's stored ``public_jwk``, or its ``public_jwk_url`` fetched.

Canvas fetches a tool's JWKS from anywhere; the mock fetches only loopback URLs (``localhost``,
``127.0.0.0/8``, ``::1``) so a test run never reaches out to the network. A failed or refused
fetch yields an empty key set, which then fails signature verification as Canvas would.

A key set the mock serves itself (the demo tool's, at one of the mock's own origins) is read
in-process instead: a blocking fetch of the mock's own address would wait on the event loop that
has to answer it, and an in-process app (``http://testserver``) has no address to fetch.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..world import DeveloperKey

FETCH_TIMEOUT = 5.0
#: Where the demo tool publishes its key set (``demo_tool/``): the one key set the mock serves.
DEMO_TOOL_JWKS = "/__mock__/demo-tool/jwks"


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


def own_key_set(url: str, origins: Collection[str]) -> dict[str, Any] | None:
    """The key set at ``url`` when the mock serves it itself at one of its ``origins``, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.path != DEMO_TOOL_JWKS or parts.query or f"{parts.scheme}://{parts.netloc}" not in origins:
        return None
    from ..demo_tool import keys  # the demo tool's public half, as its JWKS endpoint serves it

    return keys.jwks()


def may_fetch(url: str, origins: Collection[str] = ()) -> bool:
    """Whether the mock can have the key set at ``url``: a loopback URL, or one it serves itself."""
    return is_loopback_url(url) or own_key_set(url, origins) is not None


def fetch_jwks(url: str, origins: Collection[str] = ()) -> dict[str, Any]:
    """The key set at ``url`` (loopback only, or the mock's own); ``{"keys": []}`` when it cannot be had."""
    own = own_key_set(url, origins)
    if own is not None:
        return own
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


def jwks_for(key: DeveloperKey, origins: Collection[str] = ()) -> dict[str, Any]:
    """For ``auth.tokens.verify_client_assertion``: the fetched set of a ``public_jwk_url`` key
    (``origins``: where the mock is being reached, for the key sets it serves itself)."""
    return fetch_jwks(key.public_jwk_url, origins) if key.public_jwk_url else {"keys": []}


def candidate_keys(key: DeveloperKey, kid: str | None, origins: Collection[str] = ()) -> list[dict[str, Any]]:
    """The JWKs that may have signed a tool JWT: matching ``kid`` first when a set is fetched."""
    if key.public_jwk_url:
        keys = jwks_for(key, origins)["keys"]
        return [k for k in keys if k.get("kid") == kid] or keys if kid else keys
    return [key.public_jwk] if key.public_jwk else []
