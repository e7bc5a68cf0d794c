"""Platform signing keys (past/current/future) and JWK helpers.

Canvas keeps three platform keys and publishes all of them (§9.1); it signs with the current
one. The mock loads them from the fixtures (test-only PEMs) and can rotate them.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from ..canvas.errors import json_text

#: The JWK members Canvas publishes (spec "returns well-formed public key jwks").
PUBLIC_JWK_MEMBERS = ("kty", "e", "n", "kid", "alg", "use")


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    try:
        # Skipping RSA's consistency checks saves ~40 ms per key at start-up; these are our own
        # test keys, and a corrupt one still fails to sign or verify.
        key = serialization.load_pem_private_key(pem.encode(), password=None, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a PEM private key ({exc})") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("only RSA keys are supported (Canvas uses RS256)")
    return key


def public_jwk(public_key: rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return {name: jwk[name] for name in PUBLIC_JWK_MEMBERS}


def public_jwk_from_pem(pem: str, kid: str) -> dict[str, Any]:
    return public_jwk(load_private_key(pem).public_key(), kid)


@dataclass(frozen=True)
class PlatformKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    pem: str

    @property
    def jwk(self) -> dict[str, Any]:
        return public_jwk(self.private_key.public_key(), self.kid)


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
            keys[status] = PlatformKey(row["kid"], load_private_key(row["private_key_pem"]), row["private_key_pem"])
        if keys["current"] is None:
            keys["current"] = generate_key("mock-platform-generated")
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


def generate_key(kid: str) -> PlatformKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return PlatformKey(kid, key, pem)
