"""The classic JOSE key-selection mistakes (OWASP's JWT testing guide), each one switchable in the
strict tool: with a mistake on, the tool takes the key (or no key) the token itself points at.

They prove the probe's forgeries are well-formed: each is accepted by exactly the mistake it
targets, so a tool that refuses it refused it for the right reason, not for an accident of the
token's construction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests import net

#: How the platform's public key may be held by a tool that confuses it with an HMAC secret.
ENCODINGS = ("spki_pem", "pkcs1_pem", "jwk_json", "pem_no_newline")
MISTAKES = ("alg_none_any_case", "jwk", "jku", "x5u", "kid_path", "kid_sql", *(f"hs256_{e}" for e in ENCODINGS))


def _hmac_ok(token: str, secret: bytes) -> bool:
    signing_input, _, signature = token.rpartition(".")
    expected = base64.urlsafe_b64encode(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()).rstrip(b"=")
    return hmac.compare_digest(expected, signature.encode())


def _encoded(jwk: dict[str, Any], encoding: str) -> bytes:
    key = jwt.PyJWK(jwk, algorithm="RS256").key
    spki = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"spki_pem": spki, "pkcs1_pem": key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1),
            "jwk_json": json.dumps(jwk, separators=(",", ":")).encode(), "pem_no_newline": spki.rstrip(b"\n")}[encoding]


def _sql_secret(kid: str) -> bytes | None:
    """The key lookup a tool might write: the kid pasted into SQL."""
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE keys (kid TEXT, secret TEXT)")
        db.execute("INSERT INTO keys VALUES ('platform', 'not-the-attackers')")
        try:
            row = db.execute(f"SELECT secret FROM keys WHERE kid = '{kid}'").fetchone()  # the mistake: the kid pasted into SQL
        except sqlite3.Error:
            return None
    return row[0].encode() if row else None


def _rsa_key(header: dict[str, Any], mistakes: frozenset[str]) -> Any | None:
    if "jwk" in mistakes and isinstance(header.get("jwk"), dict):
        return jwt.PyJWK(header["jwk"]).key
    if "jku" in mistakes and isinstance(header.get("jku"), str):
        return jwt.PyJWKClient(header["jku"], cache_keys=False, timeout=600).get_signing_key(header.get("kid")).key
    if "x5u" in mistakes and isinstance(header.get("x5u"), str):
        return x509.load_pem_x509_certificate(net.get(header["x5u"]).content).public_key()
    return None


def signature_ok(token: str, header: dict[str, Any], mistakes: frozenset[str],
                 platform_jwk: dict[str, Any] | None) -> bool | None:
    """True/False when a mistake decides the signature; None when none applies (the tool checks properly)."""
    alg = str(header.get("alg", ""))
    if "alg_none_any_case" in mistakes and alg.lower() == "none":
        return True
    if alg == "HS256":
        secrets = [_encoded(platform_jwk, e) for e in ENCODINGS if f"hs256_{e}" in mistakes and platform_jwk]
        kid = str(header.get("kid", ""))
        if "kid_path" in mistakes:
            path = Path(tempfile.gettempdir(), kid)
            secrets += [path.read_bytes()] if path.is_file() or path.is_char_device() else []
        if "kid_sql" in mistakes:
            secrets += [s for s in [_sql_secret(kid)] if s is not None]
        return any(_hmac_ok(token, s) for s in secrets) if secrets else None
    key = _rsa_key(header, mistakes) if alg == "RS256" else None
    if key is None:
        return None
    try:
        jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False})
    except jwt.PyJWTError:
        return False
    return True
