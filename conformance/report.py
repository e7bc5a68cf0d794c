"""What a run found, and its verdict. (Its renderings, console, Markdown and JUnit, are :mod:`.render`.)

Failures are deduplicated by (operation, check, first message line) so a systematic bug reads as
one finding with a count and one reproducing ``curl`` command, not a hundred near-copies; of all
the reproductions seen for a finding the shortest is kept, which after Hypothesis's shrinking is
the minimal one. The verdict cannot mislead: one word, PASS, FAIL or INTERRUPTED, with why; an
operation that never got a success (2xx) answer was not really exercised and is a warning (a
failure with ``--strict``); an interrupted run names every selected operation it did not reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Finding:
    operation: str
    check: str
    message: str
    curl: str | None = None
    phase: str = "stateless"
    count: int = 1
    #: For a stateful failure: the minimal sequence of requests, as curl commands, in order.
    steps: list[str] = field(default_factory=list)

    def merge(self, other: Finding) -> None:
        """Count ``other`` in, keeping the smallest reproduction of the two."""
        if not other.steps:  # a stateful failure is counted once, not once per shrinking replay
            self.count += other.count
        if other.curl and (not self.curl or len(other.curl) < len(self.curl)):
            self.curl = other.curl
        if other.steps and (not self.steps or _size(other.steps) < _size(self.steps)):
            self.steps = other.steps

    @property
    def key(self) -> tuple[str, str, str]:
        return self.operation, self.check, self.message.strip().splitlines()[0] if self.message.strip() else ""


@dataclass
class OperationStats:
    operation: str
    cases: int = 0
    skipped: str | None = None
    errors: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    #: Set for a stateful scenario's row: its failures are the findings of this phase.
    phase: str | None = None
    #: A mock control operation (``/__mock__``): counted apart from Canvas's.
    mock_only: bool = False
    #: The checks that judged the operation's answers in this run (shape, auth, semantic, stateful).
    checks: set[str] = field(default_factory=set)
    #: What this run did not check about the operation, and why (static gaps and skipped checks).
    uncovered: list[str] = field(default_factory=list)
    #: The spec declares a success answer for it (a not-found page declares only its 404).
    expects_success: bool = True

    def statuses_text(self) -> str:
        return " ".join(f"{code}×{n}" for code, n in sorted(self.statuses.items()))

    def count(self, status: int) -> None:
        self.cases += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def is_operation(self) -> bool:
        """A spec operation's row (not a stateful scenario's or a semantic check's, ``kind:name``)."""
        return self.phase is None and ":" not in self.operation

    @property
    def successes(self) -> int:
        """Answers that were a success: 2xx, or 3xx for a redirecting operation (``authorize_redirect``)."""
        return sum(n for code, n in self.statuses.items() if 200 <= code < 400)

    @property
    def reached_success(self) -> bool:
        return self.successes > 0

    @property
    def success_text(self) -> str:
        """The table's 2xx column: ``yes``/``NO`` for an operation, ``-`` for a scenario or a skip."""
        if not self.is_operation or not self.cases:
            return "-"
        return "yes" if self.reached_success else "NO"


#: Verdict words: the last word of every rendering.
PASS, FAIL, INTERRUPTED = "PASS", "FAIL", "INTERRUPTED"
#: Exit codes of ``canvas-lti conform`` (2 is a usage or target error, from the CLI).
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_WARNINGS = 0, 1, 2, 3
#: How a skip reason starts for a selected operation an interruption kept from running.
NOT_RUN = "not reached: interrupted"


@dataclass
class LinkTally:
    """One OpenAPI link of the spec (source -> target) in the links machine: the statuses of the
    steps that followed it with the link's values applied. A link from a delete reads what was
    just deleted: its promise is a 404 (schemathesis's ``use_after_free``), not a success."""

    after_delete: bool = False
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def followed(self) -> int:
        return sum(self.statuses.values())

    @property
    def succeeded(self) -> int:
        return sum(n for code, n in self.statuses.items() if 200 <= code < 300)

    @property
    def kept(self) -> bool:
        """Followed, and answered as the link promises at least once (2xx; 404 after a delete)."""
        return bool(self.statuses.get(404)) if self.after_delete else self.succeeded > 0

    def statuses_text(self) -> str:
        return " ".join(f"{code}×{n}" for code, n in sorted(self.statuses.items()))


@dataclass
class RunResult:
    target: str
    profile: str
    seed: int | None
    stats: dict[str, OperationStats] = field(default_factory=dict)
    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    requests_sent: int = 0
    duration: float = 0.0
    #: Why the run ended before it was done (Ctrl-C, a spent budget), or None.
    interrupted: str | None = None
    #: The spec's OpenAPI links the links machine had to follow (``source -> target``), each with
    #: the statuses of the steps that followed it.
    transitions: dict[str, LinkTally] = field(default_factory=dict)
    #: Requests each phase sent (discovery, semantic, stateless, stateful); clean-up is the rest.
    phase_requests: dict[str, int] = field(default_factory=dict)

    def stat(self, operation: str) -> OperationStats:
        return self.stats.setdefault(operation, OperationStats(operation))

    def follow(self, transition: str, status: int) -> None:
        """Count one step that followed ``transition`` (the link's values applied) and got ``status``."""
        statuses = self.transitions.setdefault(transition, LinkTally()).statuses
        statuses[status] = statuses.get(status, 0) + 1

    @property
    def links_followed(self) -> int:
        """Steps that followed a link."""
        return sum(t.followed for t in self.transitions.values())

    @property
    def links_succeeded(self) -> int:
        """Steps that followed a link and got a 2xx."""
        return sum(t.succeeded for t in self.transitions.values())

    @property
    def links_kept(self) -> int:
        """Links answered as they promise at least once (2xx; 404 after a delete)."""
        return sum(t.kept for t in self.transitions.values())

    def scenario(self, name: str, phase: str) -> OperationStats:
        """The row of a stateful scenario (``stateful:links``…): its cases and its phase's failures."""
        stat = self.stat(name)
        stat.phase = phase
        return stat

    def add(self, finding: Finding) -> None:
        existing = self.findings.get(finding.key)
        if existing is None:
            self.findings[finding.key] = finding
        else:
            existing.merge(finding)
        self.stat(finding.operation)

    def failures_for(self, operation: str) -> list[Finding]:
        stat = self.stats.get(operation)
        if stat is not None and stat.phase is not None:
            return [f for f in self.findings.values() if f.phase == stat.phase]
        if ":" in operation:  # a semantic check's row: its findings, whatever operation they name
            return [f for f in self.findings.values() if f.check == operation.partition(":")[2]]
        return [f for f in self.findings.values() if f.operation == operation]

    def failure_count(self, operation: str) -> int:
        return sum(f.count for f in self.failures_for(operation))

    def errors(self) -> list[tuple[str, str]]:
        return [(s.operation, e) for s in self.stats.values() for e in s.errors]

    def warnings(self) -> list[str]:
        """Operations that ran without ever getting a success answer."""
        return [f"{stat.operation}: {reason}" for stat in self.stats.values() if (reason := warning_for(stat))]

    def operations(self, mock_only: bool) -> list[OperationStats]:
        """The spec operations' rows: Canvas's, or the mock's control API."""
        return [s for s in self.stats.values() if s.is_operation and s.mock_only == mock_only]

    def interrupt(self, why: str) -> None:
        self.interrupted = self.interrupted or why

    @property
    def ok(self) -> bool:
        """No failure, no error and not interrupted (warnings aside)."""
        return not self.findings and not self.errors() and not self.interrupted

    def verdict_word(self, strict: bool = False) -> str:
        if self.findings or self.errors():
            return FAIL
        if self.interrupted:
            return INTERRUPTED
        return FAIL if strict and self.warnings() else PASS

    def verdict(self, strict: bool = False) -> str:
        """The verdict word, with why: ``FAIL (2 distinct failures)``, ``INTERRUPTED (Ctrl-C)``,
        ``FAIL (strict: 1 warning)``, ``PASS``."""
        word = self.verdict_word(strict)
        reasons = []
        if self.findings:
            reasons.append(_plural(len(self.findings), "distinct failure"))
        if self.errors():
            reasons.append(_plural(len(self.errors()), "error"))
        if word == FAIL and not reasons:
            reasons.append("strict: " + _plural(len(self.warnings()), "warning"))
        if self.interrupted:
            reasons.append(self.interrupted if word == INTERRUPTED else f"interrupted: {self.interrupted}")
        if word == PASS and self.warnings():
            reasons.append(_plural(len(self.warnings()), "warning"))
        return f"{word} ({'; '.join(reasons)})" if reasons else word

    def exit_code(self, strict: bool = False) -> int:
        """0 pass; 1 a check failed, the run errored or was interrupted; 3 only warnings, with --strict."""
        if not self.ok:
            return EXIT_FAILED
        return EXIT_WARNINGS if strict and self.warnings() else EXIT_OK


def not_reached(why: str) -> str:
    """The skip reason of a selected operation an interruption kept from running."""
    return f"{NOT_RUN} ({why})"


def warning_for(stat: OperationStats) -> str | None:
    """Why an operation's row is a warning (None: it is not one). Scenarios and skips never are."""
    if not stat.is_operation:
        return None
    if stat.cases and stat.expects_success and not stat.reached_success:
        return f"no success (2xx) answer in {stat.cases} cases ({stat.statuses_text() or 'no answers'})"
    return None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _size(steps: list[str]) -> tuple[int, int]:
    return len(steps), sum(len(step) for step in steps)


def write(path: str | Path, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")
