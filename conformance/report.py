"""What a run found, and its three renderings: console table, Markdown report, JUnit XML.

Failures are deduplicated by (operation, check, first message line) so a systematic bug reads as
one finding with a count and one reproducing ``curl`` command, not a hundred near-copies.
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
    interrupted: bool = False

    def stat(self, operation: str) -> OperationStats:
        return self.stats.setdefault(operation, OperationStats(operation))

    def add(self, finding: Finding) -> None:
        existing = self.findings.get(finding.key)
        if existing is None:
            self.findings[finding.key] = finding
        else:
            existing.count += finding.count
            existing.curl = existing.curl or finding.curl
        self.stat(finding.operation)

    def failures_for(self, operation: str) -> list[Finding]:
        return [f for f in self.findings.values() if f.operation == operation]

    def errors(self) -> list[tuple[str, str]]:
        return [(s.operation, e) for s in self.stats.values() for e in s.errors]

    @property
    def ok(self) -> bool:
        return not self.findings and not self.errors() and not self.interrupted


def summary_table(result: RunResult) -> str:
    """Fixed-width per-operation table for the console."""
    rows = [("operation", "cases", "failures", "note")]
    for stat in result.stats.values():
        failures = sum(f.count for f in result.failures_for(stat.operation))
        note = stat.skipped or ("; ".join(stat.errors)[:60] if stat.errors else stat.statuses_text())
        rows.append((stat.operation, str(stat.cases), str(failures), note))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for i, row in enumerate(rows):
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}".rstrip())
        if i == 0:
            lines.append("-" * (sum(widths) + 4 + 6))
    total_cases = sum(s.cases for s in result.stats.values())
    total_failures = sum(f.count for f in result.findings.values())
    lines.append(f"{len(result.stats)} operations, {total_cases} cases, {total_failures} failures "
                 f"({len(result.findings)} distinct), {result.requests_sent} requests, {result.duration:.1f}s")
    return "\n".join(lines)


def markdown(result: RunResult) -> str:
    out = [
        "# Canvas LTI conformance report", "",
        f"- Target: `{result.target}`",
        f"- Profile: `{result.profile}`, seed: `{result.seed}`",
        f"- Verdict: **{'PASS' if result.ok else 'FAIL'}** — {len(result.findings)} distinct failures, "
        f"{result.requests_sent} requests, {result.duration:.1f}s", "",
        "## Operations", "", "| Operation | Cases | Failures | Statuses | Note |", "|---|---:|---:|---|---|",
    ]
    for stat in result.stats.values():
        failures = sum(f.count for f in result.failures_for(stat.operation))
        note = (stat.skipped or "; ".join(stat.errors)).replace("|", "\\|").replace("\n", " ")
        out.append(f"| `{stat.operation}` | {stat.cases} | {failures} | {stat.statuses_text()} | {note} |")
    if result.notes:
        out += ["", "## Notes", ""] + [f"- {n}" for n in result.notes]
    out += ["", "## Failures", ""]
    if not result.findings:
        out.append("None.")
    for n, finding in enumerate(result.findings.values(), 1):
        out += [f"### {n}. `{finding.operation}` — `{finding.check}`", "",
                f"- Operation: `{finding.operation}`", f"- Check: `{finding.check}`",
                f"- Phase: {finding.phase}; seen {finding.count}×", "", "```text", finding.message.strip(), "```", ""]
        if finding.curl:
            out += ["Reproduce:", "", "```sh", finding.curl.strip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"


def junit_xml(result: RunResult) -> str:
    """One ``testcase`` per operation (and stateful scenario); one ``failure`` per finding."""
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
            element.text = "\n\n".join(
                f"[{f.check}] {f.message.strip()}" + (f"\nReproduce with:\n{f.curl.strip()}" if f.curl else "")
                for f in found)
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


def write(path: str | Path, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")
