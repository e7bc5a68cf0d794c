"""Compact JWS parsing in one pass, for the token endpoint's hot path.

PyJWT checks the base64url alphabet one character at a time in Python and parses a token again
for every call (``get_unverified_header``, ``decode``): for a fresh client assertion on each
token request that was half the endpoint's cost. This parses once (a regex for the alphabet,
the C base64 decoder) and leaves the signature check to PyJWT's algorithm objects.

The access tokens the endpoint issues are signed the same way (:func:`encode_hs256`): PyJWT's
``encode`` vets the secret on every call (is it PEM, SSH, DER — a DER parse attempt through
cryptography — or a JWK?), which cost as much as the rest of the signing. The secret is vetted
once by PyJWT itself; the token is byte-for-byte what ``jwt.encode`` makes.
"""

from __future__ import annotations

import base64
import functools
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..lazy_imports import LazyModule

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token

_SEGMENT = re.compile(rb"[A-Za-z0-9_-]*={0,2}")


class _PyJWT(NamedTuple):
    rs256: Any
    hs256: Any
    #: PyJWT's header for ``algorithm="HS256"`` without extra headers (sorted keys, compact).
    hs256_header: bytes


@functools.cache
def _pyjwt() -> _PyJWT:
    """PyJWT's algorithm objects, made on first use rather than at import (start-up)."""
    algorithms = jwt.algorithms
    header = json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":"), sort_keys=True).encode()
    return _PyJWT(algorithms.RSAAlgorithm(algorithms.RSAAlgorithm.SHA256),
                  algorithms.HMACAlgorithm(algorithms.HMACAlgorithm.SHA256), jwt.utils.base64url_encode(header))


@dataclass(frozen=True)
class CompactJWS:
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes

    def verifies_with(self, public_key: Any) -> bool:
        """An RS256 signature check against one public key."""
        return bool(_pyjwt().rs256.verify(self.signing_input, public_key, self.signature))


def _segment(part: bytes) -> bytes:
    if not _SEGMENT.fullmatch(part):
        raise ValueError("not base64url")
    stripped = part.rstrip(b"=")
    if len(stripped) % 4 == 1 or (len(stripped) != len(part) and len(part) % 4):
        raise ValueError("bad base64url padding")
    return base64.urlsafe_b64decode(stripped + b"=" * (-len(stripped) % 4))


def parse(token: str) -> CompactJWS:
    """Header and claims of a compact JWS (both JSON objects), unverified; ``ValueError`` if malformed."""
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError:
        raise ValueError("not ASCII") from None
    parts = raw.split(b".")
    if len(parts) != 3:
        raise ValueError("not three segments")
    header, claims = json.loads(_segment(parts[0])), json.loads(_segment(parts[1]))
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise ValueError("header and claims must be JSON objects")
    return CompactJWS(header, claims, parts[0] + b"." + parts[1], _segment(parts[2]))


@functools.lru_cache(maxsize=64)
def _hmac_key(secret: str) -> bytes:
    """The secret as PyJWT prepares it, after PyJWT's own checks (and warnings) ran once."""
    jwt.encode({}, secret, algorithm="HS256")
    return _pyjwt().hs256.prepare_key(secret)


def encode_hs256(claims: dict[str, Any], secret: str) -> str:
    """``jwt.encode(claims, secret, algorithm="HS256")`` for JSON-ready claims (no datetimes)."""
    encode = jwt.utils.base64url_encode
    signing_input = _pyjwt().hs256_header + b"." + encode(json.dumps(claims, separators=(",", ":")).encode())
    # hmac.digest: the one-shot C HMAC, the bytes of PyJWT's ``hmac.new(key, msg, sha256).digest()``.
    return (signing_input + b"." + encode(hmac.digest(_hmac_key(secret), signing_input, "sha256"))).decode()
