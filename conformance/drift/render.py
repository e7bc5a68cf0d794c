"""Report renderers: text for terminals, Markdown for PR comments, JSON for machines; the
changelog and HTML views live in :mod:`conformance.drift.changelog`.

All of them iterate the report's already-sorted findings, so the same input always produces
byte-identical output (CI can diff reports, and comments do not churn).
"""

from __future__ import annotations

import json

from conformance.drift.changelog import render_changelog, render_html
from conformance.drift.model import Finding, Report, Severity

FORMATS = ("text", "markdown", "json", "changelog", "html")
_ICONS = {Severity.BREAKING: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}
_ORDER = (Severity.BREAKING, Severity.WARNING, Severity.INFO)


def _by_severity(findings: list[Finding]) -> list[Finding]:
    """Within one operation: most severe first, then the report's stable order."""
    return sorted(findings, key=lambda f: (-f.severity.rank, f))


def render_text(report: Report) -> str:
    counts = report.counts()
    lines = [
        f"Spec drift {report.old_label} -> {report.new_label}: "
        f"{counts['breaking']} breaking, {counts['warning']} warning, {counts['info']} info"
        + (f" ({report.suppressed} suppressed)" if report.suppressed else "")
    ]
    for operation, findings in report.by_operation().items():
        lines.append("")
        lines.append(operation or "(document)")
        for f in _by_severity(findings):
            where = f" at {f.location}" if f.location else ""
            lines.append(f"  {f.severity.value.upper():8} {f.rule_id}{where}: {f.message}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


#: GitHub rejects comments over 65,536 characters; leave room for a bot's own wrapper text.
MARKDOWN_BUDGET = 60_000


def _markdown_section(operation: str, findings: list[Finding]) -> list[str]:
    lines = [
        "",
        f"### `{_cell(operation or '(document)')}`",
        "",
        "| Severity | Rule | Location | Change |",
        "| --- | --- | --- | --- |",
    ]
    for f in _by_severity(findings):
        location = f"`{_cell(f.location)}`" if f.location else ""
        lines.append(
            f"| {_ICONS[f.severity]} {f.severity.value} | `{f.rule_id}` | "
            f"{location} | {_cell(f.message)} |"
        )
    return lines


def render_markdown(report: Report, budget: int = MARKDOWN_BUDGET) -> str:
    """Summary table, then findings per operation; info-only operations fold into <details>."""
    counts = report.counts()
    lines = [
        f"## API drift: `{_cell(report.old_label)}` → `{_cell(report.new_label)}`",
        "",
        "| Severity | Count |",
        "| --- | ---: |",
    ]
    lines += [f"| {_ICONS[s]} {s.value} | {counts[s.value]} |" for s in _ORDER]
    if report.suppressed:
        lines.append(f"| suppressed | {report.suppressed} |")
    if not report.findings:
        lines += ["", "No differences found."]
    groups = report.by_operation()
    important = {op: fs for op, fs in groups.items() if any(f.severity.rank for f in fs)}
    info_only = {op: fs for op, fs in groups.items() if op not in important}
    sections = [_markdown_section(op, fs) for op, fs in important.items()]
    if info_only:
        sections.append(
            [
                "",
                "<details>",
                f"<summary>{len(info_only)} operation(s) with info-only changes</summary>",
            ]
        )
        sections += [_markdown_section(op, fs) for op, fs in info_only.items()]
        sections.append(["", "</details>"])
    size = sum(len(line) + 1 for line in lines)
    for index, section in enumerate(sections):
        section_size = sum(len(line) + 1 for line in section)
        if size + section_size > budget:
            omitted = sum(len(fs) for fs in list(important.values()) + list(info_only.values()))
            shown = sum(
                1
                for s in sections[:index]
                for line in s
                if line.startswith("| ") and not line.startswith(("| Severity", "| ---"))
            )
            if info_only and index > len(important):
                lines.append("")
                lines.append("</details>")
            lines += [
                "",
                f"_…{omitted - shown} more finding(s) omitted to fit a comment; "
                "use `--format json` or `--format text` for the full report._",
            ]
            break
        lines += section
        size += section_size
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    payload = {
        "old": report.old_label,
        "new": report.new_label,
        "summary": {
            **report.counts(),
            "total": len(report.findings),
            "suppressed": report.suppressed,
        },
        "findings": [f.to_dict() for f in report.findings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def render(report: Report, fmt: str = "text") -> str:
    renderers = {
        "text": render_text,
        "markdown": render_markdown,
        "json": render_json,
        "changelog": render_changelog,
        "html": render_html,
    }
    return renderers[fmt](report)
