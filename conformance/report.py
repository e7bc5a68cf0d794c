"""What a run found, and its three renderings: console table, Markdown report, JUnit XML.

Failures are deduplicated by (operation, check, first message line) so a systematic bug reads as
one finding with a count and one reproducing ``curl`` command, not a hundred near-copies; of all
the reproductions seen for a finding the shortest is kept, which after Hypothesis's shrinking is
the minimal one. The verdict is honest about coverage too: an operation that never got a success
(2xx) answer was not really exercised, and is a warning (a failure with ``--strict``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
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
    def reached_success(self) -> bool:
        """A 2xx, or a 3xx: the success of a redirecting operation (``authorize_redirect``)."""
        return any(200 <= code < 400 for code in self.statuses)

    @property
    def success_text(self) -> str:
        """The table's 2xx column: ``yes``/``NO`` for an operation, ``-`` for a scenario or a skip."""
        if not self.is_operation or not self.cases:
            return "-"
        return "yes" if self.reached_success else "NO"


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
    interrupted: bool = False

    def stat(self, operation: str) -> OperationStats:
        return self.stats.setdefault(operation, OperationStats(operation))

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
        """Operations that ran (or were cut short) without ever getting a success answer."""
        return [f"{stat.operation}: {reason}" for stat in self.stats.values() if (reason := warning_for(stat))]

    @property
    def ok(self) -> bool:
        """No failure (warnings aside)."""
        return not self.findings and not self.errors() and not self.interrupted

    def verdict(self, strict: bool = False) -> str:
        if not self.ok:
            return "FAIL"
        if self.warnings():
            return "FAIL (strict: warnings)" if strict else "PASS with warnings"
        return "PASS"

    def exit_code(self, strict: bool = False) -> int:
        """0 pass; 1 a check failed (or the run errored or was interrupted); 3 only warnings, with --strict."""
        if not self.ok:
            return EXIT_FAILED
        return EXIT_WARNINGS if strict and self.warnings() else EXIT_OK


#: Exit codes of ``canvas-lti conform`` (2 is a usage or target error, from the CLI).
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_WARNINGS = 0, 1, 2, 3
#: How a skip reason starts when a budget stopped the run before the operation.
NOT_RUN = "not run:"


def warning_for(stat: OperationStats) -> str | None:
    """Why an operation's row is a warning (None: it is not one). Scenarios and skips never are."""
    if not stat.is_operation:
        return None
    if stat.cases and not stat.reached_success:
        return f"no success (2xx) answer in {stat.cases} cases ({stat.statuses_text() or 'no answers'})"
    if not stat.cases and stat.skipped and stat.skipped.startswith(NOT_RUN):
        return stat.skipped
    return None


def _size(steps: list[str]) -> tuple[int, int]:
    return len(steps), sum(len(step) for step in steps)


def summary_table(result: RunResult) -> str:
    """Fixed-width per-operation table for the console (the totals line is :func:`summary_line`)."""
    rows = [("operation", "cases", "failures", "2xx", "note")]
    for stat in result.stats.values():
        note = stat.skipped or ("; ".join(stat.errors)[:60] if stat.errors else stat.statuses_text())
        rows.append((stat.operation, str(stat.cases), str(result.failure_count(stat.operation)),
                     stat.success_text, note))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, row in enumerate(rows):
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  "
                     f"{row[3]:<{widths[3]}}  {row[4]}".rstrip())
        if i == 0:
            lines.append("-" * (sum(widths) + 6 + 6))
    return "\n".join(lines)


def summary_line(result: RunResult) -> str:
    total_cases = sum(s.cases for s in result.stats.values() if s.is_operation)
    total_failures = sum(f.count for f in result.findings.values())
    return (f"{sum(1 for s in result.stats.values() if s.is_operation)} operations, {total_cases} cases, "
            f"{total_failures} failures ({len(result.findings)} distinct), {len(result.warnings())} warnings, "
            f"{result.requests_sent} requests, {result.duration:.1f}s")


def failure_lines(result: RunResult) -> list[str]:
    """One line per distinct failure: check, operation, count and the message's first line."""
    return [f"FAILED {f.check} on {f.operation} ({f.count}×, {f.phase}): {f.key[2][:120]}"
            for f in result.findings.values()] + [f"ERROR {op}: {e[:160]}" for op, e in result.errors()]


def markdown(result: RunResult, strict: bool = False) -> str:
    out = [
        "# Canvas LTI conformance report", "",
        f"- Target: `{result.target}`",
        f"- Profile: `{result.profile}`, seed: `{result.seed}`",
        f"- Verdict: **{result.verdict(strict)}** — {len(result.findings)} distinct failures, "
        f"{len(result.warnings())} warnings, {result.requests_sent} requests, {result.duration:.1f}s", "",
        "## Operations", "", "The 2xx column says whether the operation ever got a success answer.", "",
        "| Operation | Cases | Failures | 2xx | Statuses | Note |", "|---|---:|---:|---|---|---|",
    ]
    for stat in result.stats.values():
        note = (stat.skipped or "; ".join(stat.errors)).replace("|", "\\|").replace("\n", " ")
        out.append(f"| `{stat.operation}` | {stat.cases} | {result.failure_count(stat.operation)} | "
                   f"{stat.success_text} | {stat.statuses_text()} | {note} |")
    if result.notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in result.notes]
    out += ["", "## Failures", ""]
    if not result.findings:
        out.append("None.")
    for n, finding in enumerate(result.findings.values(), 1):
        out += [f"### {n}. `{finding.operation}` — `{finding.check}`", "",
                f"- Operation: `{finding.operation}`", f"- Check: `{finding.check}`",
                f"- Phase: {finding.phase}; " + (f"shrunk to {len(finding.steps)} steps" if finding.steps
                                                 else f"seen {finding.count}×"), "", "```text", finding.message.strip(), "```", ""]
        if finding.steps:
            out += [f"Reproduce ({len(finding.steps)} steps, in order):", "", "```sh",
                    "\n".join(step.strip() for step in finding.steps), "```", ""]
        elif finding.curl:
            out += ["Reproduce:", "", "```sh", finding.curl.strip(), "```", ""]
    warnings = result.warnings()
    out += ["## Warnings", "", *([f"- {w}" for w in warnings] or ["None."]), ""]
    return "\n".join(out).rstrip() + "\n"


def junit_xml(result: RunResult, strict: bool = False) -> str:
    """One ``testcase`` per operation (and stateful scenario); one ``failure`` per finding; a
    warning is the test case's output, or a ``failure`` of type ``no_success`` with ``strict``."""
    suite = ET.Element("testsuite", name="canvas-lti-conformance", timestamp="", time=f"{result.duration:.3f}")
    tests = failures = errors = skipped = 0
    for stat in result.stats.values():
        tests += 1
        case = ET.SubElement(suite, "testcase", classname="conformance", name=stat.operation)
        found = result.failures_for(stat.operation)
        if found:
            failures += 1
            checks = sorted({f.check for f in found})
            element = ET.SubElement(case, "failure", type=",".join(checks),
                                    message=f"{len(found)} distinct failure(s): {', '.join(checks)}")
            element.text = "\n\n".join(f"[{f.check}] {f.message.strip()}" + _reproduction(f) for f in found)
        warning = warning_for(stat)
        if warning and strict and not found:
            failures += 1
            ET.SubElement(case, "failure", type="no_success", message=warning).text = warning
        elif warning:
            ET.SubElement(case, "system-out").text = f"warning: {warning}"
        for error in stat.errors:
            errors += 1
            ET.SubElement(case, "error", message=error[:200]).text = error
        if stat.skipped and not stat.cases:
            skipped += 1
            ET.SubElement(case, "skipped", message=stat.skipped)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    suite.attrib.pop("timestamp")
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _reproduction(finding: Finding) -> str:
    if finding.steps:
        return "\nReproduce with (in order):\n" + "\n".join(step.strip() for step in finding.steps)
    return f"\nReproduce with:\n{finding.curl.strip()}" if finding.curl else ""


def write(path: str | Path, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")
