"""Fault injection: rules that make matching requests slow, failing, cut off or expired.

A *rule set* (one ``POST /__mock__/faults`` or one ``--faults FILE``) has a ``seed`` and its own
``random.Random(seed)``, so a run with the same requests draws the same faults. A rule matches
by operationId, method and path (prefix or regex); it is active for ``times`` matching requests
(each match uses one, whether or not the probability fires; unlimited when absent) after
skipping the first ``skip`` matches, and fires with ``probability`` (default 1). The first rule,
in order of rule sets then rules, that matches and fires decides the request.

Kinds:

* ``latency`` — sleep ``delay`` seconds, then answer normally (``delay`` works with any kind);
* ``status`` — answer ``status`` with Canvas's body for it (``body``/``content_type`` override);
* ``expired_token`` — the 401 LTI error ``Access token expired`` (§2.3);
* ``drop`` — close the connection without any response (clients see a disconnect);
* ``truncate`` — run the request, send the headers and part of the body, then close;
* ``malformed`` — run the request, answer a complete response whose body is cut short.

``status``, ``expired_token`` and ``drop`` act before the request reaches Canvas's code unless
``when: after`` — then the mock processes it (a score *is* recorded) and the answer is replaced.

The middleware is outside connexion's response validation, so injected answers may be statuses
the spec does not document for the operation.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .canvas.errors import generic_body
from .journal import NOTES_KEY, is_control_path

if TYPE_CHECKING:
    from .context import AppState

KINDS = ("latency", "status", "expired_token", "drop", "truncate", "malformed")
PROCESSING_KINDS = ("truncate", "malformed")

HTML_BODIES = {
    502: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
         "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
    503: "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
         "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n",
    504: "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
         "<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n",
}
EXPIRED_BODY = {"errors": {"type": "unauthorized", "message": "Access token expired"}}


class FaultError(ValueError):
    """A rule that cannot be used; the message says which field and why."""


class ConnectionDropped(Exception):
    """Raised when the server accepted the poisoned response start (e.g. starlette's test
    client, where the test then sees an exception; only a real server can drop a connection)."""


@dataclass
class FaultRule:
    kind: str
    operation_id: str | None = None
    method: str | None = None
    path: str | None = None
    path_regex: str | None = None
    probability: float = 1.0
    times: int | None = None
    skip: int = 0
    delay: float = 0.0
    status: int | None = None
    body: Any = None
    content_type: str | None = None
    when: str = "before"
    keep_bytes: int | None = None
    #: bookkeeping
    matched: int = 0
    fired: int = 0
    _regex: re.Pattern[str] | None = field(default=None, repr=False)

    SPEC_FIELDS = ("kind", "operation_id", "method", "path", "path_regex", "probability", "times", "skip",
                   "delay", "status", "body", "content_type", "when", "keep_bytes")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], where: str = "rule") -> FaultRule:
        if not isinstance(raw, Mapping):
            raise FaultError(f"{where}: expected an object")
        unknown = set(raw) - set(cls.SPEC_FIELDS) - {"matched", "fired"}
        if unknown:
            raise FaultError(f"{where}: unknown field(s) {sorted(unknown)}")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise FaultError(f"{where}.kind: expected one of {list(KINDS)}, got {kind!r}")
        rule = cls(kind=kind)
        for name in ("operation_id", "path", "path_regex", "content_type"):
            if raw.get(name) is not None:
                setattr(rule, name, str(raw[name]))
        if raw.get("method"):
            rule.method = str(raw["method"]).upper()
        try:
            rule.probability = float(raw.get("probability", 1.0))
            rule.times = None if raw.get("times") is None else int(raw["times"])
            rule.skip = int(raw.get("skip", 0))
            rule.delay = float(raw.get("delay", 0.0))
            rule.status = None if raw.get("status") is None else int(raw["status"])
            rule.keep_bytes = None if raw.get("keep_bytes") is None else int(raw["keep_bytes"])
            rule.matched = int(raw.get("matched", 0))
            rule.fired = int(raw.get("fired", 0))
        except (TypeError, ValueError) as exc:
            raise FaultError(f"{where}: {exc}") from None
        if not 0.0 <= rule.probability <= 1.0:
            raise FaultError(f"{where}.probability: must be between 0 and 1")
        if (rule.times is not None and rule.times < 0) or rule.skip < 0 or rule.delay < 0:
            raise FaultError(f"{where}: times, skip and delay must not be negative")
        if kind == "status" and (rule.status is None or not 100 <= rule.status <= 599):
            raise FaultError(f"{where}.status: a 'status' fault needs an HTTP status (100-599)")
        rule.when = str(raw.get("when", "before"))
        if rule.when not in ("before", "after"):
            raise FaultError(f"{where}.when: expected 'before' or 'after'")
        rule.body = raw.get("body")
        if rule.path_regex is not None:
            try:
                rule._regex = re.compile(rule.path_regex)
            except re.error as exc:
                raise FaultError(f"{where}.path_regex: {exc}") from None
        return rule

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in self.SPEC_FIELDS}
        out = {k: v for k, v in out.items() if v is not None}
        out.update(matched=self.matched, fired=self.fired, exhausted=self.exhausted)
        return out

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.matched >= self.skip + self.times

    def matches(self, method: str, path: str, operation_id: str | None) -> bool:
        if self.operation_id and self.operation_id != operation_id:
            return False
        if self.method and self.method != method:
            return False
        if self.path and not path.startswith(self.path):
            return False
        return not (self._regex and not self._regex.search(path))


@dataclass
class RuleSet:
    id: int
    seed: int
    rules: list[FaultRule]
    draws: int = 0
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        for _ in range(self.draws):
            self.rng.random()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "seed": self.seed, "draws": self.draws, "rules": [r.to_dict() for r in self.rules]}


@dataclass(frozen=True)
class Decision:
    rule_set: int
    rule: int
    spec: FaultRule
    #: ``error_report_id`` of a 5xx answer, derived from the seed (not drawn from the set's RNG).
    report_id: int


class Faults:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sets: list[RuleSet] = []
        self._next_id = 1

    def add(self, raw: Any) -> RuleSet:
        """A rule set from ``{"seed": int, "rules": [...]}`` (or a bare list of rules)."""
        if isinstance(raw, list):
            raw = {"rules": raw}
        if not isinstance(raw, Mapping):
            raise FaultError("expected an object with 'rules' (and optionally 'seed')")
        rules_raw = raw.get("rules")
        if not isinstance(rules_raw, list) or not rules_raw:
            raise FaultError("rules: expected a non-empty list of rules")
        try:
            seed = int(raw.get("seed", 0))
        except (TypeError, ValueError):
            raise FaultError("seed: expected an integer") from None
        rules = [FaultRule.from_dict(r, f"rules[{i}]") for i, r in enumerate(rules_raw)]
        with self.lock:
            rule_set = RuleSet(id=self._next_id, seed=seed, rules=rules)
            self._next_id += 1
            self.sets.append(rule_set)
        return rule_set

    def clear(self) -> None:
        with self.lock:
            self.sets = []
            self._next_id = 1

    def remove(self, set_id: int) -> bool:
        """Drop one rule set (ids are not reused); False when there is none with that id."""
        with self.lock:
            kept = [s for s in self.sets if s.id != set_id]
            removed = len(kept) != len(self.sets)
            self.sets = kept
        return removed

    def decide(self, method: str, path: str, operation_id: str | None) -> Decision | None:
        with self.lock:
            for rule_set in self.sets:
                for index, rule in enumerate(rule_set.rules):
                    if rule.exhausted or not rule.matches(method, path, operation_id):
                        continue
                    rule.matched += 1
                    if rule.matched <= rule.skip:
                        continue
                    if rule.probability < 1.0:
                        rule_set.draws += 1
                        if rule_set.rng.random() >= rule.probability:
                            continue
                    rule.fired += 1
                    report_id = random.Random(f"{rule_set.seed}:{index}:{rule.fired}").randint(10_000, 99_999_999)
                    return Decision(rule_set.id, index, rule, report_id)
        return None

    def dump(self) -> dict[str, Any]:
        with self.lock:
            return {"next_id": self._next_id, "sets": [s.to_dict() for s in self.sets]}

    def load(self, dump: Mapping[str, Any]) -> None:
        sets = []
        for i, raw in enumerate(dump.get("sets", [])):
            rules = [FaultRule.from_dict({k: v for k, v in r.items() if k != "exhausted"}, f"sets[{i}].rules[{j}]")
                     for j, r in enumerate(raw.get("rules", []))]
            sets.append(RuleSet(id=int(raw["id"]), seed=int(raw.get("seed", 0)), rules=rules,
                                draws=int(raw.get("draws", 0))))
        with self.lock:
            self.sets = sets
            self._next_id = int(dump.get("next_id", max((s.id for s in sets), default=0) + 1))


def load_fault_file(path: str) -> list[Any]:
    """Rule sets from a YAML or JSON file: one rule set, a list of rules, or ``{"sets": [...]}``.
    Each is validated; a bad file raises :class:`FaultError` with one line naming file and line."""
    from .yamlfile import YamlFileError, load_yaml

    try:
        source = load_yaml(path, "faults file")
    except YamlFileError as exc:
        raise FaultError(str(exc)) from None
    data = source.data
    if isinstance(data, Mapping) and "sets" in data:
        if not isinstance(data["sets"], list):
            raise FaultError(f"{source.where(data)}: sets: expected a list of rule sets")
        sets = list(data["sets"])
    else:
        sets = [data]
    for index, raw in enumerate(sets):
        try:
            Faults().add(raw)
        except FaultError as exc:
            raise FaultError(f"{source.where(raw if isinstance(raw, Mapping) else data)}: rule set {index}: {exc}") from None
    return sets


# -- answers -------------------------------------------------------------------------------------


def _payload(body: Any) -> bytes:
    return body.encode() if isinstance(body, str) else json.dumps(body, separators=(",", ":")).encode()


def fault_response(rule: FaultRule, report_id: int) -> tuple[int, str, bytes]:
    """``(status, content type, body)`` of a ``status`` / ``expired_token`` fault."""
    if rule.kind == "expired_token":
        return 401, "application/json", _payload(EXPIRED_BODY)
    status = rule.status or 500
    if rule.body is not None:
        content_type = rule.content_type or ("text/plain; charset=utf-8" if isinstance(rule.body, str)
                                             else "application/json")
        return status, content_type, _payload(rule.body)
    if status in HTML_BODIES:
        return status, rule.content_type or "text/html", HTML_BODIES[status].encode()
    body = generic_body(status, report_id if status >= 500 else None)
    return status, rule.content_type or "application/json", _payload(body)


async def _answer(send: Send, status: int, content_type: str, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", content_type.encode("latin-1")), (b"content-length", str(len(body)).encode()),
        (b"x-mock-fault", b"injected"),
    ]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def drop_connection(send: Send) -> None:
    """Close without a response. A response start with a header value the server must refuse
    makes uvicorn mark the response started and write nothing; returning without completing it
    makes uvicorn close the transport. Servers that accept the start get an exception instead."""
    try:
        await send({"type": "http.response.start", "status": 500,
                    "headers": [(b"x-mock-fault", b"drop\r\nconnection: close")]})
    except Exception:
        return
    raise ConnectionDropped("fault injection: connection dropped")


class FaultMiddleware:
    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        faults: Faults = self.state.faults
        if scope["type"] != "http" or not faults.sets or is_control_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        operation_id = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
        decision = faults.decide(scope.get("method", ""), scope.get("path", ""), operation_id)
        if decision is None:
            await self.app(scope, receive, send)
            return
        rule = decision.spec
        notes = scope.setdefault("extensions", {}).setdefault(NOTES_KEY, {})
        notes["fault"] = {"rule_set": decision.rule_set, "rule": decision.rule, "kind": rule.kind,
                          "processed": rule.kind in ("latency", *PROCESSING_KINDS) or rule.when == "after"}
        if rule.delay:
            await asyncio.sleep(rule.delay)
        if rule.kind == "latency":
            await self.app(scope, receive, send)
            return
        if rule.kind in PROCESSING_KINDS:
            await self._cut(scope, receive, send, rule)
            return
        if rule.when == "after":
            await self.app(scope, receive, _discard)
        if rule.kind == "drop":
            await drop_connection(send)
            return
        await _answer(send, *fault_response(rule, decision.report_id))

    async def _cut(self, scope: Scope, receive: Receive, send: Send, rule: FaultRule) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        assert start is not None
        body = b"".join(chunks)
        keep = rule.keep_bytes if rule.keep_bytes is not None else len(body) // 2
        keep = max(0, min(keep, max(len(body) - 1, 0)))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if rule.kind == "malformed":
            await send({**start, "headers": [*headers, (b"content-length", str(keep).encode())]})
            await send({"type": "http.response.body", "body": body[:keep], "more_body": False})
            return
        # truncate: promise the whole body, deliver part of it, end without completing.
        await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body[:keep], "more_body": True})


async def _discard(message: Message) -> None:
    return None
