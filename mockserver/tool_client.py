"""What a tool does before it calls a service: sign a client assertion and trade it for a token (§8).

Shared by the test suite, the benchmarks and vendors' own tests, so a bench never imports from tests/.
"""

from __future__ import annotations

import functools
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def tool_named(config: dict[str, Any], name: str) -> dict[str, Any]:
    """One tool of ``GET /__mock__/config`` by name."""
    return next(t for t in config["tools"] if t["name"] == name)


@functools.lru_cache(maxsize=32)
def signing_key(private_key_pem: str) -> Any:
    """The parsed private key. Given a PEM, PyJWT parses and checks it on every signature
    (~40 ms for RSA); a suite signs an assertion for every token it asks for."""
    return serialization.load_pem_private_key(private_key_pem.encode(), password=None)


def assertion(tool: dict[str, Any], token_url: str, **overrides: Any) -> str:
    """An RS256 client assertion signed with the tool's TEST-ONLY key; a claim overridden with None is left out."""
    now = int(time.time())
    claims = {"iss": tool["client_id"], "sub": tool["client_id"], "aud": token_url,
              "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, signing_key(tool["private_key_pem"]), algorithm="RS256", headers={"kid": tool["kid"]})


def token_form(tool: dict[str, Any], token_url: str, scopes: list[str], **overrides: Any) -> dict[str, str]:
    """The token endpoint's form for a client-credentials grant."""
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion(tool, token_url, **overrides),
        "scope": " ".join(scopes),
    }


def get_token(client: Any, config: dict[str, Any], tool_name: str, scopes: list[str] | None = None) -> str:
    """An access token for ``tool_name`` (all its scopes by default) through any httpx-like ``client``."""
    tool = tool_named(config, tool_name)
    response = client.post(config["token_url"], data=token_form(tool, config["token_url"], scopes or tool["scopes"]))
    if response.status_code != 200:
        raise AssertionError(f"token request refused: {response.status_code} {response.text}")
    return response.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
