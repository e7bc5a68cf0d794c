"""The mock's own short-lived JWTs (``lti_message_hint``, the deep-link return ``data``).

Canvas signs these with its own secret. The mock uses HS256 with a key derived from the app's
secret and the token's purpose, so a hint is never accepted as return data or as an access
token, and tokens from another mock instance are never accepted.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from ..lazy_imports import LazyModule

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use


def _key(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), f"canvas-lti-mock:{purpose}".encode(), hashlib.sha256).digest()


def sign(secret: str, purpose: str, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, _key(secret, purpose), algorithm="HS256")


def verify(secret: str, purpose: str, token: str | None, now: float) -> dict[str, Any] | None:
    """The claims when the token is ours, for this purpose, and not expired (mock clock)."""
    if not token:
        return None
    try:
        claims = jwt.decode(token, _key(secret, purpose), algorithms=["HS256"],
                            options={"verify_exp": False, "verify_iat": False, "verify_aud": False,
                                     "verify_nbf": False, "verify_iss": False, "verify_sub": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float) or exp <= now:
        return None
    return claims
