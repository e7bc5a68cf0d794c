"""The one gate every request of a run passes: budgets, the write policy and rate limiting.

Against anything that is not our mock the suite must be harmless by construction, so the policy
is enforced where requests leave the suite (a ``requests`` adapter in front of the HTTP or the
in-process transport) rather than trusted to the generators:

* read-only unless ``allow_writes``: the only non-GET request is the suite's own token request;
* with writes: only under the sandbox course, and PUT/DELETE/scores only on line items the suite
  created itself (``owned``); everything created is deleted at the end (``suite.cleanup``);
* a request budget and a time budget, and Canvas throttling (§15.3): ``X-Rate-Limit-Remaining``
  slows the run down, a 403 ``text/plain`` "Rate Limit Exceeded" is retried after a back-off.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter

COURSE_PATH = re.compile(r"^/api/lti/courses/(\d+)(?:/line_items(?:/(\d+))?)?")
TOKEN_PATH = "/login/oauth2/token"
RATE_LIMIT_BODY = "Rate Limit Exceeded"
#: Below this many remaining units, pause before the next request (Canvas's bucket holds 600).
LOW_WATER = 100.0


class BudgetExhausted(RuntimeError):
    """The request or time budget is spent; the run stops gracefully."""


class RunStopped(BaseException):
    """A budget is spent: end the Hypothesis test now. A ``BaseException`` so that Hypothesis
    neither counts it as a failure nor shrinks and replays it: replaying a test that returned
    early is what turned budget stops into ``FlakyStrategyDefinition`` tracebacks."""


class WriteRefused(RuntimeError):
    """A request the write policy forbids; never sent."""


@dataclass
class Gate:
    """Admission control for a run's requests. One per run; thread-safe."""

    allow_writes: bool = True
    is_mock: bool = True
    sandbox_course: int | None = None
    max_requests: int | None = None
    max_time: float | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    owned: set[int] = field(default_factory=set)
    sent: int = 0
    refused: list[str] = field(default_factory=list)
    throttled: int = 0
    methods: list[tuple[str, str]] = field(default_factory=list)
    _started: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cleanup_mode: bool = False

    def start(self) -> None:
        self._started = self.clock()

    def exhausted(self) -> str | None:
        """Why no more requests may be sent, or None."""
        if self._cleanup_mode:
            return None
        if self.max_requests is not None and self.sent >= self.max_requests:
            return f"request budget of {self.max_requests} spent"
        if self.max_time is not None and self._started is not None and self.clock() - self._started >= self.max_time:
            return f"time budget of {self.max_time:g}s spent"
        return None

    def cleanup_mode(self) -> None:
        """Budgets no longer apply: deleting what the suite created must always be possible."""
        self._cleanup_mode = True

    def write_problem(self, method: str, path: str) -> str | None:
        """Why the write policy forbids ``method path`` (None: allowed)."""
        method = method.upper()
        if method in ("GET", "HEAD", "OPTIONS"):
            return None
        if path.endswith(TOKEN_PATH) and method == "POST":
            return None
        if not self.allow_writes:
            return f"{method} {path}: read-only run (pass --allow-writes to permit writes)"
        if self.is_mock:
            return None
        match = COURSE_PATH.match(path)
        if match is None:
            return f"{method} {path}: writes are only allowed under /api/lti/courses/<sandbox>/line_items"
        if self.sandbox_course is None or int(match.group(1)) != self.sandbox_course:
            return f"{method} {path}: writes are only allowed in the sandbox course {self.sandbox_course}"
        item = match.group(2)
        if item is None and not (method == "POST" and path.rstrip("/").endswith("/line_items")):
            return f"{method} {path}: only line item creation is allowed on the collection"
        if item is not None and int(item) not in self.owned:
            return f"{method} {path}: line item {item} was not created by this run"
        return None

    def admit(self, method: str, url: str) -> None:
        """Count the request, or raise instead of sending it."""
        path = urlsplit(url).path
        problem = self.write_problem(method, path)
        with self._lock:
            if problem is not None:
                self.refused.append(problem)
                raise WriteRefused(problem)
            reason = self.exhausted()
            if reason is not None:
                raise BudgetExhausted(reason)
            self.sent += 1
            self.methods.append((method.upper(), path))

    def observe(self, status: int, headers: Any, body_start: bytes) -> float:
        """Seconds to wait before retrying (0: the response stands); also paces the run."""
        content_type = str(headers.get("content-type", "") or "")
        if status == 403 and content_type.startswith("text/plain") and RATE_LIMIT_BODY.encode() in body_start:
            with self._lock:
                self.throttled += 1
                attempt = self.throttled
            return min(2.0 ** min(attempt, 5), 30.0)
        remaining = headers.get("x-rate-limit-remaining")
        try:
            value = float(remaining) if remaining is not None else None
        except ValueError:
            value = None
        if value is not None and value < LOW_WATER and not self.is_mock:
            # Canvas leaks 10 units/s: wait roughly until the bucket is back above the low-water mark.
            # Not against the mock: it always sends these headers (as Canvas does) but only refuses
            # when its throttle is enabled, and then the 403 above paces the run.
            self.sleep(min((LOW_WATER - value) / 10.0, 10.0))
        return 0.0


MAX_RETRIES = 4


class GatedAdapter(BaseAdapter):
    """A ``requests`` adapter that puts the gate in front of another: admission, then send, then
    throttle handling. Over HTTP the inner adapter is urllib3's; in-process it calls the mock's
    ASGI app in this thread, so both kinds of target take the same path."""

    def __init__(self, gate: Gate, inner: BaseAdapter | None = None) -> None:
        super().__init__()
        self.gate = gate
        self.inner = inner if inner is not None else HTTPAdapter()

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        for _ in range(MAX_RETRIES + 1):
            self.gate.admit(str(request.method), str(request.url))
            response = self.inner.send(request, *args, **kwargs)
            headers = {k.lower(): v for k, v in response.headers.items()}
            wait = self.gate.observe(response.status_code, headers, response.content[:200])
            if not wait:
                return response
            self.gate.sleep(wait)
        return response

    def close(self) -> None:
        self.inner.close()


def gated_session(gate: Gate, inner: BaseAdapter | None = None) -> requests.Session:
    """A session whose every request passes ``gate`` (then ``inner``, by default plain HTTP)."""
    session = requests.Session()
    adapter = GatedAdapter(gate, inner)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
