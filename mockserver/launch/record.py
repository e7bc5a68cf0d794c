"""Launch records: each launch's whole conversation, kept for the inspector.

A launch is several HTTP exchanges that the journal sees one by one: the login initiation the
mock sends, the tool's authentication request, the id_token (or the OIDC error) posted back, the
tool's answer to that post, and for deep linking the tool's response JWT. A :class:`LaunchRecord`
ties them together under one id, which the ``lti_message_hint`` and the deep-linking ``data``
token carry, so every later step finds its launch without any browser state. The journal
entries of those requests are tagged with the same id.

Records are kept per app, the newest :data:`CAPACITY`, and emptied by a reset. They hold test
data only: id_tokens signed with the mock's TEST-ONLY keys and the tool's LTI messages; never a
credential (access tokens, client assertions and API tokens do not pass through a launch).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CAPACITY = 200
#: How much of the tool's answer a record keeps.
BODY_EXCERPT = 4096
#: Steps of each kind a record keeps: a tool (or a script) posting again and again to one launch
#: leaves the newest, so a record's memory is bounded like the journal's.
MAX_STEPS = 20
#: Characters of a deep-linking response JWT a record keeps whole; a longer one is kept cut, without
#: its decoded header and claims, and with the checks of its first :data:`MAX_REPORTED_ITEMS` items.
MAX_KEPT_TOKEN = 64 * 1024
MAX_REPORTED_ITEMS = 100

Verdict = Literal["pass", "fail", "warn"]


@dataclass(frozen=True)
class Check:
    """One rule's verdict on one thing the tool sent, and why."""

    name: str
    verdict: Verdict
    reason: str

    @property
    def ok(self) -> bool:
        return self.verdict != "fail"


@dataclass
class LaunchRecord:
    """Everything the mock sent and received for one launch, in the order it happened."""

    id: int
    started_at: float
    #: Started from a browser (the console or the launch form): error pages are HTML, and the
    #: tool's answer may be relayed so the mock sees it.
    browser: bool
    request: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)
    tool: dict[str, Any] | None = None
    course: dict[str, Any] | None = None
    user: dict[str, Any] | None = None
    placement: str | None = None
    message_type: str | None = None
    #: The platform refused to start the launch: ``{status, message}``.
    refused: dict[str, Any] | None = None
    #: The login initiation (§5.1.1): ``{url, params, time}``.
    login: dict[str, Any] | None = None
    #: The claims built at initiation (before the tool's nonce is inserted).
    claims: dict[str, Any] | None = None
    #: Each authentication request (a refused one may be retried): params, checks, answer.
    authentications: list[dict[str, Any]] = field(default_factory=list)
    #: The signed id_token, once ``/api/lti/authorize`` issued it.
    id_token: str | None = None
    #: How the tool answered the form post (relayed) or that the mock cannot see it (direct).
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    #: Each deep-linking response the tool posted: the JWT, its validation report, the outcome.
    deep_linking: list[dict[str, Any]] = field(default_factory=list)
    #: Steps left out, oldest first, to keep :data:`MAX_STEPS` of each kind.
    dropped: int = 0

    @property
    def stage(self) -> str:
        """Where the launch stands: refused, started, authenticated, delivered, returned."""
        if self.refused is not None:
            return "refused"
        if self.deep_linking:
            return "returned"
        if self.deliveries:
            return "delivered"
        if self.authentications:
            return "authenticated"
        return "started"

    def add_step(self, step: str, entry: dict[str, Any]) -> None:
        """Add ``entry`` to the list ``step`` names, which keeps its newest :data:`MAX_STEPS`."""
        steps = getattr(self, step)
        steps.append(entry)
        if len(steps) > MAX_STEPS:
            del steps[0]
            self.dropped += 1

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "stage": self.stage}


def kept_response(token: str, header: dict[str, Any] | None, claims: dict[str, Any] | None,
                  report: dict[str, Any]) -> dict[str, Any]:
    """What a record keeps of a deep-linking response: all of it, or for a JWT over
    :data:`MAX_KEPT_TOKEN` its start and the report (verdicts reached on the whole) with at most
    :data:`MAX_REPORTED_ITEMS` items; ``items_total`` says how many there were."""
    items = report["items"]
    kept = {"checks": report["checks"], "items": items[:MAX_REPORTED_ITEMS], "items_total": len(items)}
    if len(token) <= MAX_KEPT_TOKEN:
        return {"jwt": token, "header": header, "claims": claims, "report": kept}
    return {"jwt": token[:MAX_KEPT_TOKEN] + "…[truncated]", "header": None, "claims": None, "report": kept,
            "jwt_chars": len(token)}


def parse_id(raw: Any) -> int | None:
    """A launch id from a URL or a token: digits only, or None."""
    text = str(raw)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 16 else None


class LaunchLog:
    """The app's launch records, newest last, bounded; thread-safe."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._lock = threading.Lock()
        self._records: OrderedDict[int, LaunchRecord] = OrderedDict()
        self._next = 1
        self.capacity = capacity

    def start(self, *, now: float, browser: bool, request: dict[str, Any]) -> LaunchRecord:
        with self._lock:
            record = LaunchRecord(id=self._next, started_at=now, browser=browser, request=dict(request))
            self._next += 1
            self._records[record.id] = record
            while len(self._records) > self.capacity:
                self._records.popitem(last=False)
            return record

    def get(self, launch_id: Any) -> LaunchRecord | None:
        if isinstance(launch_id, bool) or not isinstance(launch_id, int):
            return None
        with self._lock:
            return self._records.get(launch_id)

    def update(self, launch_id: Any, change: Any) -> LaunchRecord | None:
        """Apply ``change(record)`` under the log's lock (records are read by other requests)."""
        with self._lock:
            record = self._records.get(launch_id) if isinstance(launch_id, int) and not isinstance(launch_id, bool) else None
            if record is not None:
                change(record)
            return record

    def append(self, launch_id: int, step: str, entry: dict[str, Any]) -> None:
        """Add ``entry`` to one of a record's lists (``authentications``, ``deliveries``, ``deep_linking``),
        which keeps its newest :data:`MAX_STEPS`."""
        self.update(launch_id, lambda record: record.add_step(step, entry))

    def snapshot(self, launch_id: Any) -> dict[str, Any] | None:
        """A consistent copy of one record as JSON data."""
        with self._lock:
            record = self._records.get(launch_id) if isinstance(launch_id, int) and not isinstance(launch_id, bool) else None
            return None if record is None else record.as_json()

    def newest(self, limit: int = CAPACITY) -> list[dict[str, Any]]:
        with self._lock:
            return [r.as_json() for r in reversed(list(self._records.values())[-limit:])]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
