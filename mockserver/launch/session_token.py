"""Canvas's ``session_token``: a sessionless launch link signs its API user in, for 30 seconds.

``GET …/external_tools/sessionless_launch`` answers a URL that carries one (``lib/session_token.rb``:
``VALIDITY_PERIOD = 30``, checked both ways around its creation time). Opened by a browser within
that time, the URL launches the tool as the user who asked for it. The mock's token is its own
signed claim set (the mock clock decides validity), not Canvas's HMAC'd JSON.
"""

from __future__ import annotations

from typing import Any

from . import signing

PURPOSE = "session_token"
#: ``SessionToken::VALIDITY_PERIOD``, in seconds.
VALIDITY = 30


def issue(secret: str, user_id: int, now: float) -> str:
    return signing.sign(secret, PURPOSE, {"user_id": user_id, "iat": int(now), "exp": int(now) + VALIDITY})


def user_of(secret: str, token: Any, now: float) -> int | None:
    """The signed-in user's id, or None for a token that is not ours, is expired or is from the future."""
    claims = signing.verify(secret, PURPOSE, token if isinstance(token, str) else None, now)
    if claims is None or not isinstance(claims.get("iat"), int) or claims["iat"] > now + VALIDITY:
        return None
    user_id = claims.get("user_id")
    return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None
