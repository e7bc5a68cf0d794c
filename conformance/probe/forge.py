"""Tokens the platform would never sign: built by the probe itself, by hand where PyJWT refuses.

PyJWT will not HMAC with a PEM public key (the very mistake the "HS256 with the platform's
public key" attack exploits), so :func:`hs256` assembles that token from ``hmac`` directly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """``alg: none``, empty signature (RFC 7519 §6.1)."""
    return f"{_segment({**header, 'alg': 'none'})}.{_segment(claims)}."


def hs256(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    signing_input = f"{_segment({**header, 'alg': 'HS256'})}.{_segment(claims)}"
    return f"{signing_input}.{_b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def public_pem(jwk: dict[str, Any]) -> bytes:
    """The PEM (SubjectPublicKeyInfo) of a published RSA JWK: what a confused tool uses as HMAC secret."""
    key = jwt.PyJWK(jwk, algorithm="RS256").key
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class ForeignKey:
    """An RSA key the platform never published, generated once per probe run."""

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def sign(self, header: dict[str, Any], claims: dict[str, Any], kid: str) -> str:
        extra = {k: v for k, v in header.items() if k not in ("alg", "kid")}
        return jwt.encode(claims, self._key, algorithm="RS256", headers={**extra, "kid": kid})
