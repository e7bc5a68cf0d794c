"""A probe's three renderings: the console table, a Markdown report and JUnit XML (as ``conform``'s)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from ..report import write
from .run import ProbeResult
from .verdict import CaseResult, short

__all__ = ["console", "junit_xml", "markdown", "write"]


def _outcome(case: CaseResult) -> str:
    if case.accepted is None:
        return "ERROR"
    return "ok" if case.ok else "FAIL"


def _claims(case: CaseResult, limit: int | None = None) -> str:
    text = "; ".join(case.changes) if case.changes else "(unchanged)"
    return text if limit is None or len(text) <= limit else text[:limit] + "…"


def _counts(result: ProbeResult) -> str:
    dl = result.deep_linking
    dl_text = ("deep linking: skipped" if dl is None or dl.skipped else
               f"deep linking: {sum(not c.ok for c in dl.checks)} of {len(dl.checks)} checks violated")
    return (f"{len(result.cases)} cases, {len(result.accepted_attacks)} attacks accepted, "
            f"{len(result.failed)} not as expected; {dl_text}; {result.duration:.1f}s")


def console(result: ProbeResult) -> str:
    rows = [("case", "expect", "tool", "result", "id_token (changed claims)", "tool's answer")]
    for case in [result.baseline, *result.cases]:
        rows.append((case.id, case.expect, case.verdict, _outcome(case) if case is not result.baseline else "ok",
                     _claims(case, 72) if case is not result.baseline else "(valid)", (case.error or case.answer)[:50]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(f"{cell:<{widths[n]}}" for n, cell in enumerate(row[:5])) + "  " + row[5])
        if i == 0:
            lines.append("-" * (sum(widths) + 2 * 5 + 13))
    dl = result.deep_linking
    if dl is not None:
        lines.append("")
        if dl.skipped:
            lines.append(f"deep linking: skipped — {dl.skipped}")
        for check in dl.checks:
            status = "ok" if check.ok else "VIOLATED: " + "; ".join(check.violations)
            lines.append(f"deep linking {check.name:<15} {status}")
    lines.append("")
    lines.append(_counts(result))
    return "\n".join(line.rstrip() for line in lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(result: ProbeResult) -> str:
    out = [
        "# LTI tool launch-security probe", "",
        f"- Tool: {result.tool} (client id `{result.client_id}`), course {result.course}, user {result.user}",
        f"- Platform: `{result.base_url}`; a launch counts as accepted on {result.success.describe()}",
        f"- Verdict: **{'PASS' if result.ok else 'FAIL'}** — {_counts(result)}", "",
        "## Launches", "",
        "| Case | Group | Expected | Tool's verdict | Result | id_token (changed claims) | Tool's answer |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in [result.baseline, *result.cases]:
        claims = "(valid)" if case is result.baseline else _claims(case)
        answer = case.error or case.answer
        out.append(f"| `{case.id}` | {case.group} | {case.expect} | {case.verdict} | {_outcome(case)} | "
                   f"{_cell(claims)} | {_cell(answer[:120])} |")
    accepted = result.accepted_attacks
    out += ["", "## Accepted attacks", ""]
    out += [f"- `{c.id}`: {c.title}" for c in accepted] or ["None."]
    dl = result.deep_linking
    if dl is not None:
        out += ["", "## Deep linking response", ""]
        if dl.skipped:
            out.append(f"Skipped: {_cell(dl.skipped)}")
        else:
            out += ["| Check | What | Result |", "|---|---|---|"]
            for check in dl.checks:
                verdict = "ok" if check.ok else "**violated**: " + "; ".join(check.violations)
                out.append(f"| `{check.name}` | {check.description} | {_cell(verdict)} |")
            out += ["", "<details><summary>The tool's response claims</summary>", "", "```json",
                    json.dumps(dl.claims, indent=2), "```", "", "</details>"]
    shown = {short(k): v for k, v in result.baseline_claims.items()}
    out += ["", "## The valid id_token each case starts from", "", "```json", json.dumps(shown, indent=2), "```"]
    return "\n".join(out).rstrip() + "\n"


def junit_xml(result: ProbeResult) -> str:
    """One testcase per launch case (classname ``probe.<group>``) and per deep linking check."""
    suite = ET.Element("testsuite", name="canvas-lti-probe", time=f"{result.duration:.3f}")
    tests = failures = errors = skipped = 0
    for case in result.cases:
        tests += 1
        element = ET.SubElement(suite, "testcase", classname=f"probe.{case.group.replace(' ', '_')}", name=case.id)
        detail = f"{case.title}\nid_token: {_claims(case)}\nanswer: {case.answer}"
        if case.accepted is None:
            errors += 1
            ET.SubElement(element, "error", message=(case.error or "")[:200]).text = case.error
        elif not case.ok:
            failures += 1
            message = "attack accepted" if case.expect == "reject" else "valid launch rejected"
            ET.SubElement(element, "failure", type=case.id, message=f"{message}: {case.title}").text = detail
    dl = result.deep_linking
    if dl is not None and dl.skipped:
        tests += 1
        skipped += 1
        element = ET.SubElement(suite, "testcase", classname="probe.deep_linking", name="response")
        ET.SubElement(element, "skipped", message=dl.skipped[:200])
    for check in dl.checks if dl is not None else []:
        tests += 1
        element = ET.SubElement(suite, "testcase", classname="probe.deep_linking", name=check.name)
        if not check.ok:
            failures += 1
            ET.SubElement(element, "failure", type=check.name, message=check.description).text = "\n".join(check.violations)
    for name, value in (("tests", tests), ("failures", failures), ("errors", errors), ("skipped", skipped)):
        suite.set(name, str(value))
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
