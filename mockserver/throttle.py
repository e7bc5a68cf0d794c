"""Canvas's request throttle (§15.3, ``app/middleware/request_throttle.rb``): always on, refusals opt-in.

One leaky bucket per client identifier: ``lti_advantage:<client id>`` for ``/api/lti/`` requests
with a valid mock-issued LTI token, else ``token:<sha256 of the bearer token>``, else
``ip:<address>``. A request first reserves ``up_front_cost`` (after leaking ``outflow`` units per
second of *mock* time), and finally costs ``cost`` (Canvas: CPU + DB seconds; here a fixed figure)
plus ``token_endpoint_cost`` at the OAuth token endpoint; the up-front reservation is refunded.

Like Canvas, the buckets are always kept and every response carries ``X-Request-Cost`` (not on
refusals) and ``X-Rate-Limit-Remaining`` (``hwm - count``). Only refusing is opt-in (Canvas's
``request_throttle.enabled``; off, Canvas only logs "would have throttled"): when ``enabled`` and
the bucket is then at or above ``hwm``, the answer is 403 ``text/plain; charset=utf-8``
``403 Forbidden (Rate Limit Exceeded)\\n``.

The bucket reads the mock clock, so a test drains it with ``POST /__mock__/clock {"advance": s}``
(and gets exact figures with a frozen clock).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .journal import NOTES_KEY, is_control_path
from .lazy_imports import LazyModule

if TYPE_CHECKING:
    from .context import AppState

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

TOKEN_OPERATION = "createAccessToken"
THROTTLED_BODY = b"403 Forbidden (Rate Limit Exceeded)\n"


@dataclass
class ThrottleSettings:
    enabled: bool = False
    hwm: float = 600.0
    maximum: float = 800.0
    outflow: float = 10.0
    up_front_cost: float = 50.0
    #: Fixed cost of every request (Canvas measures CPU + DB seconds).
    cost: float = 1.0
    #: Extra cost of the OAuth token endpoint (Canvas setting ``oauth_token_additional_request_cost``).
    token_endpoint_cost: float = 200.0

    NUMBERS = ("hwm", "maximum", "outflow", "up_front_cost", "cost", "token_endpoint_cost")

    def update(self, raw: Mapping[str, Any]) -> None:
        unknown = set(raw) - {"enabled", "reset_buckets", *self.NUMBERS}
        if unknown:
            raise ValueError(f"unknown throttle setting(s): {sorted(unknown)}")
        values: dict[str, Any] = {}
        if "enabled" in raw:
            if not isinstance(raw["enabled"], bool):
                raise ValueError("enabled: expected true or false")
            values["enabled"] = raw["enabled"]
        for name in self.NUMBERS:
            if name in raw:
                value = raw[name]
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise ValueError(f"{name}: expected a number >= 0")
                values[name] = float(value)
        for name, value in values.items():
            setattr(self, name, value)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class Bucket:
    count: float = 0.0
    last: float | None = None

    def leak(self, now: float, outflow: float) -> None:
        if self.last is not None and now > self.last:
            self.count = max(0.0, self.count - (now - self.last) * outflow)
        self.last = now


def ruby_float(value: float) -> str:
    """Ruby ``Float#to_s`` for the figures Canvas prints (``600.0``, ``549.75``)."""
    return repr(float(value))


#: Bucket count above which empty buckets are dropped (an always-on throttle sees every client,
#: fuzzers sending random tokens included; an empty bucket is the same as none).
PRUNE_AT = 4096


class Throttle:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.settings = ThrottleSettings()
        self.buckets: dict[str, Bucket] = {}
        self._prune_at = PRUNE_AT

    def _prune(self, now: float) -> None:
        for key, bucket in list(self.buckets.items()):
            bucket.leak(now, self.settings.outflow)
            if bucket.count <= 0:
                del self.buckets[key]
        self._prune_at = max(PRUNE_AT, 2 * len(self.buckets))  # amortised: never prune on every request

    def configure(self, raw: Mapping[str, Any]) -> None:
        with self.lock:
            self.settings.update(raw)
            if raw.get("reset_buckets"):
                self.buckets.clear()

    def reset(self) -> None:
        with self.lock:
            self.settings = ThrottleSettings()
            self.buckets.clear()
            self._prune_at = PRUNE_AT

    def remaining(self, identifier: str, now: float) -> float:
        with self.lock:
            bucket = self.buckets.get(identifier)
            if bucket is None:
                return self.settings.hwm
            bucket.leak(now, self.settings.outflow)
            return self.settings.hwm - bucket.count

    def reserve(self, identifier: str, now: float) -> tuple[bool, float]:
        """Leak, reserve the up-front cost; ``(allowed, up_front)``."""
        with self.lock:
            s = self.settings
            if len(self.buckets) >= self._prune_at and identifier not in self.buckets:
                self._prune(now)
            bucket = self.buckets.setdefault(identifier, Bucket())
            bucket.leak(now, s.outflow)
            bucket.count = min(s.maximum, bucket.count + s.up_front_cost)
            return bucket.count < s.hwm, s.up_front_cost

    def settle(self, identifier: str, reserved: float, cost: float) -> float:
        """Replace the reservation with the request's cost; the remaining figure."""
        with self.lock:
            s = self.settings
            bucket = self.buckets.setdefault(identifier, Bucket())
            bucket.count = max(0.0, min(s.maximum, bucket.count - reserved + cost))
            return s.hwm - bucket.count

    def dump(self, now: float | None = None) -> dict[str, Any]:
        with self.lock:
            buckets = {}
            for key, bucket in self.buckets.items():
                if now is not None:
                    bucket.leak(now, self.settings.outflow)
                buckets[key] = {"count": bucket.count, "last": bucket.last,
                                "remaining": self.settings.hwm - bucket.count}
            return {**self.settings.to_dict(), "buckets": buckets}

    def load(self, dump: Mapping[str, Any]) -> None:
        settings = ThrottleSettings()
        settings.update({k: v for k, v in dump.items() if k != "buckets"})
        buckets = {str(k): Bucket(float(v.get("count", 0.0)), v.get("last")) for k, v in dump.get("buckets", {}).items()}
        with self.lock:
            self.settings = settings
            self.buckets = buckets


@functools.lru_cache(maxsize=1024)
def _lti_token(secret: str, token: str) -> tuple[str, float] | None:
    """``(client id, exp)`` of a token this mock signed, else None. Memoised: a tool sends the
    same token for an hour, and this runs on every request."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={
            "verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False})
    except jwt.PyJWTError:
        return None
    sub, exp = claims.get("sub"), claims.get("exp")
    if not sub or isinstance(exp, bool) or not isinstance(exp, int | float):
        return None
    return str(sub), float(exp)


def client_identifier(state: AppState, scope: Scope) -> str:
    authorization = ""
    for name, value in scope.get("headers", []):
        if name.lower() == b"authorization":
            authorization = value.decode("latin-1")
            break
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token:
        if scope.get("path", "").startswith("/api/lti/"):
            found = _lti_token(state.secret, token)
            if found is not None and found[1] > state.clock.now():
                return f"lti_advantage:{found[0]}"
        return "token:" + hashlib.sha256(token.encode()).hexdigest()
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


def counts(path: str) -> bool:
    """Whether the throttle counts (and may refuse) a request to ``path``: all of Canvas's
    surface, not the mock's own control API (nor ``/``, which points to it). The spec documents the
    refusal on exactly these."""
    return not is_control_path(path)


class ThrottleMiddleware:
    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        throttle: Throttle = self.state.throttle
        if scope["type"] != "http" or not counts(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        identifier = client_identifier(self.state, scope)
        allowed, reserved = throttle.reserve(identifier, self.state.clock.now())
        refuse = not allowed and throttle.settings.enabled
        notes = scope.setdefault("extensions", {}).setdefault(NOTES_KEY, {})
        notes["throttle"] = {"client": identifier, "throttled": refuse}
        if refuse:
            throttle.settle(identifier, reserved, 0.0)
            notes["throttle"]["remaining"] = 0.0
            await send({"type": "http.response.start", "status": 403, "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(THROTTLED_BODY)).encode()),
                (b"x-rate-limit-remaining", b"0.0"),
            ]})
            await send({"type": "http.response.body", "body": THROTTLED_BODY, "more_body": False})
            return
        operation_id = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
        cost = throttle.settings.cost + (throttle.settings.token_endpoint_cost if operation_id == TOKEN_OPERATION else 0.0)
        settled = False

        async def with_headers(message: Message) -> None:
            nonlocal settled
            if message["type"] == "http.response.start" and not settled:
                settled = True
                remaining = throttle.settle(identifier, reserved, cost)
                notes["throttle"].update(cost=cost, remaining=remaining)
                message = {**message, "headers": [
                    *message.get("headers", []),
                    (b"x-request-cost", ruby_float(cost).encode()),
                    (b"x-rate-limit-remaining", ruby_float(remaining).encode()),
                ]}
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        finally:
            if not settled:
                throttle.settle(identifier, reserved, cost)
