"""Platform signing keys (past/current/future) and JWK helpers.

Canvas keeps three platform keys and publishes all of them (§9.1); it signs with the current
one. The mock loads them from the fixtures (test-only PEMs) and can rotate them.
"""

from __future__ import annotations

import base64
import threading
import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from ..canvas.errors import json_text

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

# cryptography is imported where a key is parsed or generated, so importing the mock does not
# load it; PyJWT (with cryptography's X.509 module) is not needed to build an app at all
# (tests/test_startup_imports.py).

#: The JWK members Canvas publishes (spec "returns well-formed public key jwks").
PUBLIC_JWK_MEMBERS = ("kty", "e", "n", "kid", "alg", "use")


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        # Skipping RSA's consistency checks saves ~40 ms per key at start-up; these are our own
        # test keys, and a corrupt one still fails to sign or verify.
        key = serialization.load_pem_private_key(pem.encode(), password=None, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a PEM private key ({exc})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("only RSA keys are supported (Canvas uses RS256)")
    return key


def _base64url_uint(value: int) -> str:
    """RFC 7518 §6.3.1: the unsigned big-endian bytes, base64url without padding (PyJWT's ``to_base64url_uint``)."""
    return base64.urlsafe_b64encode(value.to_bytes((value.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()


def public_jwk(public_key: rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    """The public JWK Canvas publishes: the members of PyJWT's ``RSAAlgorithm.to_jwk`` that Canvas
    keeps, written here because fixtures' developer keys need it when an app is built, and PyJWT
    would bring cryptography's X.509 module into start-up (tests/test_keys.py holds the two equal)."""
    numbers = public_key.public_numbers()
    jwk = {"kty": "RSA", "e": _base64url_uint(numbers.e), "n": _base64url_uint(numbers.n), "kid": kid,
           "alg": "RS256", "use": "sig"}
    return {name: jwk[name] for name in PUBLIC_JWK_MEMBERS}


def public_jwk_from_pem(pem: str, kid: str) -> dict[str, Any]:
    return public_jwk(load_private_key(pem).public_key(), kid)


class PlatformKey:
    """A platform key: its kid and RSA key. A key the fixtures give is parsed when they are loaded
    (a bad PEM fails there); one they do not give is generated on first use (a JWKS, a signature),
    not when the app is built, and kept: the same key, under the same kid, for the app's life."""

    def __init__(self, kid: str, private_key: rsa.RSAPrivateKey | None = None) -> None:
        self.kid = kid
        self._private_key = private_key
        self._lock = threading.Lock()

    @classmethod
    def from_pem(cls, kid: str, pem: str) -> PlatformKey:
        return cls(kid, load_private_key(pem))

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        if self._private_key is None:
            with self._lock:  # two first uses at once generate one key
                if self._private_key is None:
                    self._private_key = _new_private_key()
        return self._private_key

    @property
    def jwk(self) -> dict[str, Any]:
        return public_jwk(self.private_key.public_key(), self.kid)

    def __repr__(self) -> str:
        return f"PlatformKey(kid={self.kid!r})"


class PlatformKeys:
    """The platform's key set; ``current`` signs, all are published."""

    def __init__(self, current: PlatformKey, past: PlatformKey | None = None,
                 future: PlatformKey | None = None) -> None:
        self.current, self.past, self.future = current, past, future
        self._jwks: tuple[dict[str, Any], bytes] | None = None
        self._lock = threading.Lock()  # rotation vs. a concurrent JWKS build

    @classmethod
    def from_fixture(cls, rows: list[dict[str, Any]]) -> PlatformKeys:
        keys = {"past": None, "current": None, "future": None}
        for index, row in enumerate(rows):
            status = row.get("status") or ("current" if index == 0 else "future")
            keys[status] = PlatformKey.from_pem(row["kid"], row["private_key_pem"])
        if keys["current"] is None:
            keys["current"] = PlatformKey("mock-platform-generated")
        return cls(keys["current"], keys["past"], keys["future"])

    def jwks(self) -> dict[str, Any]:
        """The published set, computed once per key set (it sits on a hot path)."""
        return self._published()[0]

    def jwks_json(self) -> bytes:
        """The published set as Canvas's compact JSON, encoded once per key set as well."""
        return self._published()[1]

    def _published(self) -> tuple[dict[str, Any], bytes]:
        with self._lock:
            if self._jwks is None:
                present = [k for k in (self.past, self.current, self.future) if k is not None]
                jwks = {"keys": [k.jwk for k in present]}
                self._jwks = (jwks, json_text(jwks).encode())
            return self._jwks

    def rotation_report(self, now: float) -> list[str]:
        """``?rotation_check``: Canvas's diagnostic, one line per published key saying whether the
        key is from the current month (of the mock clock)."""
        today = datetime.fromtimestamp(now, UTC).date()
        with self._lock:
            roles = [(role, k) for role, k in (("past", self.past), ("current", self.current),
                                              ("future", self.future)) if k is not None]
        lines = []
        for index, (role, key) in enumerate(roles):
            month = key_month(key.kid, role, today)
            this_month = (month.year, month.month) == (today.year, today.month)
            lines.append(f"today is day {today.day} and key {index} is {'' if this_month else 'not '}from this month")
        return lines

    def rotate(self) -> None:
        """Canvas's rotation: future → current, current → past, a new future is generated.

        Tools that cache the JWKS keep verifying: the new current key was already published
        as the future one, and the old current stays published as the past one.
        """
        with self._lock:
            new_current = self.future or generate_key(f"mock-platform-{uuid.uuid4().hex[:12]}")
            future = generate_key(f"mock-platform-{uuid.uuid4().hex[:12]}")
            self.past, self.current, self.future = self.current, new_current, future
            self._jwks = None

    def replace_with(self, other: PlatformKeys) -> None:
        """Take another key set's keys (reset restores the fixture keys) keeping identity."""
        with self._lock:
            self.past, self.current, self.future = other.past, other.current, other.future
            self._jwks = None


def key_month(kid: str, role: str, today: date) -> date:
    """The month a key was made. Canvas's kids are its creation time (``2024-05-01T00:00:00Z``,
    optionally ``_…``); other kids (the fixtures') count as made on Canvas's monthly schedule:
    the past key last month, the current one this month, the future one next month."""
    try:
        made = datetime.fromisoformat(kid.split("_")[0])
    except ValueError:
        shift = {"past": -1, "current": 0, "future": 1}[role]
        month = today.year * 12 + today.month - 1 + shift
        return date(month // 12, month % 12 + 1, 1)
    return (made if made.tzinfo is None else made.astimezone(UTC)).date()


def _new_private_key() -> rsa.RSAPrivateKey:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def generate_key(kid: str) -> PlatformKey:
    """A new key, generated now."""
    return PlatformKey(kid, _new_private_key())
