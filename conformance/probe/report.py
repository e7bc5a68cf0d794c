"""A probe's three renderings: the console table, a Markdown report and JUnit XML (as ``conform``'s).

The console gives one line per case (the tool's answer summarised); the Markdown report groups
the findings by severity with why each matters and how to reproduce it, and keeps the tool's full
answer to every case (bounded, :data:`~.reasons.REASON_LIMIT`); JUnit carries the same text in
each failure, so a CI page alone says what the tool objected to.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from ..report import write
from .attacks import CASES, Case
from .reasons import summary
from .run import ProbeResult
from .severity import Severity
from .verdict import CaseResult, Outcome, short

__all__ = ["case_table", "console", "junit_xml", "markdown", "write"]

BY_ID = {c.id: c for c in CASES}


def _result(case: CaseResult, fail_on: Severity) -> str:
    if case.finding is None:
        return "ok"
    return f"FAIL ({case.finding.label})" if case.fails(fail_on) else f"({case.finding.label})"


def _claims(case: CaseResult, limit: int | None = None) -> str:
    text = "; ".join(case.changes) if case.changes else "(unchanged)"
    return text if limit is None or len(text) <= limit else text[:limit] + "…"


def _answer(case: CaseResult) -> str:
    """One line: the tool's answer, and which check refused when that can be told."""
    text = summary(case.error or case.reason or case.answer)
    if not case.refusal_source:
        return text
    aside = "" if case.refused_by in case.targets or not case.targets else f", not the targeted {case.targets[0]}"
    return f"{text} [{case.refused_by}{aside}]"


def _dl_summary(result: ProbeResult) -> str:
    dl = result.deep_linking
    if dl is None:
        return "deep linking: not run"
    if dl.error:
        return "deep linking: ERROR"
    return f"deep linking: {sum(not c.ok for c in dl.checks)} of {len(dl.checks)} checks violated"


def _counts(result: ProbeResult) -> str:
    outcomes = {o: sum(c.outcome is o for c in result.cases) for o in Outcome}
    levels = ", ".join(f"{s.label} {sum(c.finding is s for c in result.cases)}" for s in sorted(Severity, reverse=True))
    return (f"{len(result.cases)} cases: {outcomes[Outcome.REFUSED]} refused, {outcomes[Outcome.ACCEPTED]} accepted, "
            f"{outcomes[Outcome.CRASHED]} crashed, {outcomes[Outcome.ERROR]} errors; findings: {levels}; "
            f"{len(result.failed)} at or above --fail-on {result.fail_on.label}; {_dl_summary(result)}; "
            f"{result.duration:.1f}s")


def console(result: ProbeResult) -> str:
    rows = [("case", "severity", "expect", "outcome", "result", "id_token (changed claims)", "tool's answer")]
    rows.append(("baseline", "-", "accept", result.baseline.verdict, "ok", "(valid)", summary(result.baseline.answer)))
    for case in result.cases:
        rows.append((case.id, case.severity.label, case.expect, case.verdict, _result(case, result.fail_on),
                     _claims(case, 60), _answer(case)))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(f"{cell:<{widths[n]}}" for n, cell in enumerate(row[:6])) + "  " + row[6])
        if i == 0:
            lines.append("-" * (sum(widths) + 2 * 6 + 13))
    dl = result.deep_linking
    if dl is not None:
        lines.append("")
        if dl.error:
            lines.append(f"deep linking: ERROR — {dl.error}")
        for check in dl.checks:
            status = "ok" if check.ok else "VIOLATED: " + "; ".join(check.violations)
            lines.append(f"deep linking {check.name:<15} {status}")
    lines += ["", _counts(result)]
    return "\n".join(line.rstrip() for line in lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fence(text: str) -> list[str]:
    return ["```text", text.replace("```", "`\u200b``"), "```"]


def _finding_lines(case: CaseResult) -> list[str]:
    spec = BY_ID[case.id]
    what = {Outcome.ACCEPTED: "accepted", Outcome.REFUSED: "refused (a valid launch)", Outcome.CRASHED: "crashed",
            Outcome.ERROR: "could not be run"}[case.outcome]
    lines = [f"- **`{case.id}`** — {case.title}: **{what}**."]
    if case.outcome is Outcome.ACCEPTED or (case.outcome is Outcome.REFUSED and case.expect == "accept"):
        lines.append(f"  Accepted means: {spec.accepted}.")
    elif case.outcome is Outcome.CRASHED:
        lines.append(f"  A crash is not a refusal (the case is a {case.severity.label}; a crash counts at should at "
                     "most): whatever the tool would have checked after the failing line never ran, and a tool "
                     "that answers hostile input with a 5xx can be knocked over at will.")
    lines.append(f"  References: {'; '.join(spec.references)}. By hand: {spec.reproduce}")
    detail = case.error or case.reason
    if detail:
        shown = _cell(summary(detail)).replace("`", "'")  # inside a code span
        lines.append(f"  Tool's answer: `{shown}`")
    return lines


def markdown(result: ProbeResult) -> str:
    verdict = "PASS" if result.ok else "FAIL"
    out = [
        "# LTI tool launch-security probe", "",
        f"- Tool: {result.tool} (client id `{result.client_id}`), course {result.course}, user {result.user}",
        f"- Platform: `{result.base_url}`; a launch counts as accepted on {result.success.describe()}",
        f"- Verdict: **{verdict}** at `--fail-on {result.fail_on.label}` — {_counts(result)}", "",
        "## Findings by severity", "",
    ]
    for severity in sorted(Severity, reverse=True):
        found = [c for c in result.cases if c.finding is severity]
        fails = severity >= result.fail_on
        out += [f"### {severity.label} ({len(found)}{'' if fails else ', below --fail-on'})", "",
                f"Why it matters: {severity.why}.", ""]
        out += [line for case in found for line in _finding_lines(case)] or ["None."]
        out.append("")
    out += ["## Launches", "",
            "| Case | Severity | Expected | Outcome | Result | id_token (changed claims) | Refused by | Tool's answer |",
            "|---|---|---|---|---|---|---|---|",
            f"| `baseline` | - | accept | {result.baseline.verdict} | ok | (valid) | | {_cell(summary(result.baseline.answer))} |"]
    for case in result.cases:
        out.append(f"| `{case.id}` | {case.severity.label} | {case.expect} | {case.verdict} | "
                   f"{_result(case, result.fail_on)} | {_cell(_claims(case))} | {_cell(case.refusal_source)} | "
                   f"{_cell(summary(case.error or case.reason))} |")
    out += ["", "## The tool's answers", "",
            "Each answer as the tool gave it (HTML read as text, JSON as compact JSON), cut at 2 KB.", ""]
    for case in result.cases:
        notes = [*case.notes] + ([f"refused by: {case.refusal_source}"] if case.refusal_source else [])
        out += [f"<details><summary><code>{case.id}</code>: {case.verdict}</summary>", ""]
        out += [f"- {note}" for note in notes] + ([""] if notes else [])
        out += [*_fence(case.error or case.reason or "(no answer)"), "", "</details>", ""]
    dl = result.deep_linking
    if dl is not None:
        out += ["## Deep linking response", ""]
        if dl.error:
            out.append(f"**Error** (counts as a failure at must): {_cell(dl.error)}")
        else:
            out += ["| Check | What | Result |", "|---|---|---|"]
            for check in dl.checks:
                status = "ok" if check.ok else "**violated**: " + "; ".join(check.violations)
                out.append(f"| `{check.name}` | {check.description} | {_cell(status)} |")
            out += ["", "<details><summary>The tool's response claims</summary>", "", "```json",
                    json.dumps(dl.claims, indent=2), "```", "", "</details>"]
        out.append("")
    shown = {short(k): v for k, v in result.baseline_claims.items()}
    out += ["## The valid id_token each case starts from", "", "```json", json.dumps(shown, indent=2), "```"]
    return "\n".join(out).rstrip() + "\n"


def _detail(case: CaseResult) -> str:
    spec = BY_ID[case.id]
    lines = [case.title, f"severity: {case.severity.label}", f"accepted means: {spec.accepted}",
             f"references: {'; '.join(spec.references)}", f"by hand: {spec.reproduce}",
             f"id_token: {_claims(case)}", *case.notes]
    if case.refusal_source:
        lines.append(f"refused by: {case.refusal_source}")
    return "\n".join([*lines, "", "tool's answer:", case.error or case.reason or "(no answer)"])


def junit_xml(result: ProbeResult) -> str:
    """One testcase per case (classname ``probe.<severity>.<group>``) and per deep linking check;
    a finding below ``--fail-on`` passes, with the tool's answer in its system-out."""
    suite = ET.Element("testsuite", name="canvas-lti-probe", time=f"{result.duration:.3f}")
    tests = failures = errors = 0
    for case in result.cases:
        tests += 1
        group = case.group.replace(" ", "_")
        element = ET.SubElement(suite, "testcase", classname=f"probe.{case.severity.label}.{group}", name=case.id)
        if case.outcome is Outcome.ERROR and case.fails(result.fail_on):
            errors += 1
            ET.SubElement(element, "error", message=(case.error or "")[:200]).text = _detail(case)
        elif case.fails(result.fail_on):
            failures += 1
            message = {Outcome.ACCEPTED: "attack accepted", Outcome.REFUSED: "valid launch refused",
                       Outcome.CRASHED: "tool crashed"}[case.outcome]
            ET.SubElement(element, "failure", type=case.outcome.value,
                          message=f"{message} ({case.finding.label if case.finding else ''}): {case.title}"
                          ).text = _detail(case)
        else:
            ET.SubElement(element, "system-out").text = _detail(case)
    dl = result.deep_linking
    if dl is not None and dl.error:
        tests += 1
        errors += 1
        element = ET.SubElement(suite, "testcase", classname="probe.deep_linking", name="response")
        ET.SubElement(element, "error", message=dl.error[:200]).text = dl.error
    for check in dl.checks if dl is not None else []:
        tests += 1
        element = ET.SubElement(suite, "testcase", classname="probe.deep_linking", name=check.name)
        if not check.ok:
            failures += 1
            ET.SubElement(element, "failure", type=check.name, message=check.description).text = "\n".join(check.violations)
    for name, value in (("tests", tests), ("failures", failures), ("errors", errors), ("skipped", 0)):
        suite.set(name, str(value))
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def case_table(cases: list[Case] | None = None) -> str:
    """``--list-cases``: id, severity, group and references, one line each."""
    rows = [(c.id, c.severity.label, c.group, "; ".join(c.references)) for c in cases or CASES]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(f"{cell:<{widths[n]}}" for n, cell in enumerate(row[:3])) + "  " + row[3]
                     for row in rows)
