"""A run's three renderings: the console (table, failures, totals, verdict), the Markdown report
and JUnit XML. Each ends with, or carries, the verdict: PASS, FAIL or INTERRUPTED with why."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .checks import BUILTIN_CHECKS, CUSTOM_CHECKS
from .report import Finding, OperationStats, RunResult, warning_for

#: The per-answer checks every executed case runs (named once, not on every row).
SHAPE_CHECKS = frozenset((*BUILTIN_CHECKS, *CUSTOM_CHECKS))
MOCK_ONLY_TITLE = "Mock-only operations (the mock's control API, /__mock__)"


def checks_text(stat: OperationStats) -> str:
    """``shape + auth_enforced, line_item_reads_back``: what judged the operation's answers."""
    others = sorted(stat.checks - SHAPE_CHECKS)
    shape = ["shape"] if stat.checks & SHAPE_CHECKS else []
    return " + ".join(part for part in (", ".join(shape), ", ".join(others)) if part) or "-"


def _groups(result: RunResult) -> list[tuple[str, list[OperationStats]]]:
    """Canvas operations, mock-only operations, then the scenario and semantic rows."""
    groups = [("Canvas operations", result.operations(mock_only=False)),
              (MOCK_ONLY_TITLE, result.operations(mock_only=True)),
              ("Stateful scenarios and semantic checks", [s for s in result.stats.values() if not s.is_operation])]
    return [(title, rows) for title, rows in groups if rows]


# -- console -------------------------------------------------------------------------------------


def summary_table(result: RunResult) -> str:
    """Fixed-width tables for the console: Canvas operations, mock-only ones, then the other rows."""
    lines: list[str] = []
    for title, rows in _groups(result):
        table = [("operation" if rows[0].is_operation else "row", "cases", "2xx", "failures", "checks", "note")]
        for stat in rows:
            note = stat.skipped or ("; ".join(stat.errors)[:60] if stat.errors else stat.statuses_text())
            table.append((stat.operation, str(stat.cases), str(stat.successes) if stat.is_operation and stat.cases else "-",
                          str(result.failure_count(stat.operation)), str(len(stat.checks)) if stat.checks else "-", note))
        widths = [max(len(r[i]) for r in table) for i in range(5)]
        if lines:
            lines.append("")
        lines.append(f"{title}:")
        for i, row in enumerate(table):
            lines.append(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]:>{widths[3]}}  "
                         f"{row[4]:>{widths[4]}}  {row[5]}".rstrip())
            if i == 0:
                lines.append("-" * (sum(widths) + 10 + 6))
    return "\n".join(lines)


def summary_line(result: RunResult) -> str:
    """The totals: Canvas operations and mock-only ones apart, cases, failures, link transitions."""
    canvas, mock = result.operations(mock_only=False), result.operations(mock_only=True)
    cases = sum(s.cases for s in canvas + mock)
    failures = sum(f.count for f in result.findings.values())
    parts = [f"{len(canvas)} operations" + (f" (+{len(mock)} mock-only)" if mock else ""), f"{cases} cases",
             f"{failures} failures ({len(result.findings)} distinct)", f"{len(result.warnings())} warnings"]
    if result.transitions:
        parts.append(f"{result.links_kept} of {len(result.transitions)} OpenAPI links answered as they promise "
                     f"({result.links_succeeded} of {result.links_followed} link transitions answered a success)")
    return ", ".join(parts)


def verdict_line(result: RunResult, strict: bool = False) -> str:
    """The last line of the console and of the report: the verdict word first."""
    rerun = f"; rerun with --seed {result.seed} to reproduce" if result.verdict_word(strict) != "PASS" else ""
    return (f"{result.verdict(strict)} — {result.requests_sent} requests to the target in {result.duration:.1f}s "
            f"(profile {result.profile}, seed {result.seed}{rerun})")


def failure_lines(result: RunResult) -> list[str]:
    """One line per distinct failure: check, operation, count and the message's first line."""
    return [f"FAILED {f.check} on {f.operation} ({f.count}×, {f.phase}): {f.key[2][:120]}"
            for f in result.findings.values()] + [f"ERROR {op}: {e[:160]}" for op, e in result.errors()]


def console(result: RunResult, strict: bool = False) -> str:
    """Everything the CLI prints after the run, ending with the verdict line."""
    lines = [summary_table(result), *(f"note: {n}" for n in result.notes), *failure_lines(result),
             *(f"warning: {w}" for w in result.warnings()), summary_line(result), verdict_line(result, strict)]
    return "\n".join(lines)


# -- Markdown ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(result: RunResult, strict: bool = False) -> str:
    out = [
        "# Canvas LTI conformance report", "",
        f"- Target: `{result.target}`",
        f"- Profile: `{result.profile}`, seed: `{result.seed}`",
        f"- Requests to the target: {result.requests_sent}, in {result.duration:.1f}s"
        + (" (" + ", ".join(f"{phase} {n}" for phase, n in result.phase_requests.items()) + ")" if result.phase_requests else ""),
        f"- Totals: {summary_line(result)}",
    ]
    if result.interrupted:
        out.append(f"- Interrupted: {result.interrupted} (selected operations not reached are listed as such)")
    out += ["", "Every executed case is judged by the shape checks (`shape`): "
            + ", ".join(f"`{c}`" for c in (*BUILTIN_CHECKS, *CUSTOM_CHECKS)) + ". *Successes* counts 2xx answers "
            "(3xx for a redirecting operation); *Not covered* says what this run did not check, and why."]
    for title, rows in _groups(result):
        out += ["", f"## {title}", ""]
        if rows[0].is_operation:
            out += ["| Operation | Cases | Successes | Failures | Checks | Not covered | Statuses |",
                    "|---|---:|---:|---:|---|---|---|"]
            for stat in rows:
                uncovered = [*([stat.skipped] if stat.skipped else []), *stat.errors, *stat.uncovered]
                out.append(f"| `{stat.operation}` | {stat.cases} | {stat.successes} | {result.failure_count(stat.operation)} "
                           f"| {_cell(checks_text(stat))} | {_cell('; '.join(uncovered)) or '-'} | {stat.statuses_text()} |")
        else:
            out += ["| Row | Cases | Failures | Statuses | Note |", "|---|---:|---:|---|---|"]
            for stat in rows:
                note = _cell(stat.skipped or "; ".join(stat.errors))
                out.append(f"| `{stat.operation}` | {stat.cases} | {result.failure_count(stat.operation)} | "
                           f"{stat.statuses_text()} | {note} |")
    if result.transitions:
        out += ["", "## OpenAPI links", "", "Each link the links machine had to follow: the steps that followed it "
                "with its values applied, their statuses, and whether it answered as it promises (a success; "
                "a 404 for a link that reads what its source deleted).", "",
                "| Link | Followed | 2xx | Statuses | As promised |", "|---|---:|---:|---|---|"]
        for name, tally in result.transitions.items():
            out.append(f"| `{name}` | {tally.followed} | {tally.succeeded} | {tally.statuses_text() or '-'} | "
                       f"{'yes' if tally.kept else 'NO'}{' (404 after a delete)' if tally.after_delete else ''} |")
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
    out += ["## Warnings", "", *([f"- {w}" for w in result.warnings()] or ["None."]), ""]
    out += ["## Verdict", "", f"**{result.verdict_word(strict)}**{verdict_line(result, strict)[len(result.verdict_word(strict)):]}"]
    return "\n".join(out).rstrip() + "\n"


# -- JUnit XML -----------------------------------------------------------------------------------


def junit_xml(result: RunResult, strict: bool = False) -> str:
    """One ``testcase`` per selected operation (unreached ones ``skipped``), stateful scenario and
    semantic check; one ``failure`` per failing row; an interrupted run carries an ``error``."""
    suite = ET.Element("testsuite", name="canvas-lti-conformance", time=f"{result.duration:.3f}")
    properties = ET.SubElement(suite, "properties")
    for name, value in (("verdict", result.verdict(strict)), ("requests", result.requests_sent),
                        ("profile", result.profile), ("seed", result.seed),
                        ("links", len(result.transitions)), ("links_kept", result.links_kept),
                        ("link_transitions_followed", result.links_followed),
                        ("link_transitions_succeeded", result.links_succeeded)):
        ET.SubElement(properties, "property", name=name, value=str(value))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for stat in result.stats.values():
        counts["tests"] += 1
        classname = "conformance.mock_only" if stat.mock_only else "conformance"
        case = ET.SubElement(suite, "testcase", classname=classname, name=stat.operation)
        _junit_outcome(case, stat, result, strict, counts)
    if result.interrupted:
        counts["tests"] += 1
        counts["errors"] += 1
        case = ET.SubElement(suite, "testcase", classname="conformance", name="run")
        message = f"interrupted: {result.interrupted}"
        ET.SubElement(case, "error", type="interrupted", message=message).text = (
            f"{message}; every selected operation the run did not reach is skipped as \"not reached\"")
    for name, value in counts.items():
        suite.set(name, str(value))
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _junit_outcome(case: ET.Element, stat: OperationStats, result: RunResult, strict: bool, counts: dict[str, int]) -> None:
    found = result.failures_for(stat.operation)
    if found:
        counts["failures"] += 1
        checks = sorted({f.check for f in found})
        element = ET.SubElement(case, "failure", type=",".join(checks),
                                message=f"{len(found)} distinct failure(s): {', '.join(checks)}")
        element.text = "\n\n".join(f"[{f.check}] {f.message.strip()}" + _reproduction(f) for f in found)
    warning = warning_for(stat)
    if warning and strict and not found:
        counts["failures"] += 1
        ET.SubElement(case, "failure", type="no_success", message=warning).text = warning
    for error in stat.errors:
        counts["errors"] += 1
        ET.SubElement(case, "error", message=error[:200]).text = error
    if stat.skipped and not stat.cases:
        counts["skipped"] += 1
        ET.SubElement(case, "skipped", message=stat.skipped)
    summary = [f"cases: {stat.cases}", f"statuses: {stat.statuses_text() or '-'}"]
    if stat.is_operation:
        summary += [f"successes: {stat.successes}", f"checks: {checks_text(stat)}"]
    if stat.uncovered:
        summary.append("not covered: " + "; ".join(stat.uncovered))
    if warning and not (strict and not found):
        summary.append(f"warning: {warning}")
    ET.SubElement(case, "system-out").text = "\n".join(summary)


def _reproduction(finding: Finding) -> str:
    if finding.steps:
        return "\nReproduce with (in order):\n" + "\n".join(step.strip() for step in finding.steps)
    return f"\nReproduce with:\n{finding.curl.strip()}" if finding.curl else ""
