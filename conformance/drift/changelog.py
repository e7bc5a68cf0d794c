"""The changelog view (like oasdiff's ``changelog``): every change, grouped by operation.

Where the text report is a CI verdict (severity first), the changelog is for people reading
what changed between two releases: operations in path order, each change one line with its
severity tag, then the changes outside any operation (components, webhooks).
"""

from __future__ import annotations

from html import escape

from conformance.drift.model import Finding, Report

_TAGS = {"breaking": "BREAKING", "warning": "warning", "info": "info"}


def _groups(report: Report) -> list[tuple[str, list[Finding]]]:
    """Operations ordered by path then method; document-level groups last."""

    def key(item: tuple[str, list[Finding]]) -> tuple[int, str, str]:
        method, _, path = item[0].partition(" ")
        return (0 if path.startswith("/") else 1, path, method)

    return sorted(report.by_operation().items(), key=key)


def _summary(report: Report) -> str:
    counts = report.counts()
    return f"{len(report.findings)} changes: {counts['breaking']} breaking, {counts['warning']} warning, {counts['info']} info"


def render_changelog(report: Report) -> str:
    lines = [f"# API changelog {report.old_label} -> {report.new_label}", "", _summary(report)]
    for operation, findings in _groups(report):
        lines += ["", f"## {operation or '(document)'}"]
        for f in findings:
            where = f" (at {f.location})" if f.location else ""
            lines.append(f"- [{_TAGS[f.severity.value]}] {f.message}{where} [{f.rule_id}]")
    return "\n".join(lines) + "\n"


def render_html(report: Report) -> str:
    """A self-contained page for CI artefacts: the changelog as tables, escaped."""
    title = escape(f"API changelog {report.old_label} -> {report.new_label}")
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "width:100%}td,th{border:1px solid #ccc;padding:.3em;text-align:left}"
        ".breaking{color:#b00020;font-weight:bold}.warning{color:#a15c00}</style>",
        f"</head><body><h1>{title}</h1><p>{escape(_summary(report))}</p>",
    ]
    for operation, findings in _groups(report):
        parts.append(f"<h2><code>{escape(operation or '(document)')}</code></h2>")
        parts.append("<table><tr><th>Severity</th><th>Change</th><th>Location</th><th>Rule</th></tr>")
        for f in findings:
            parts.append(
                f'<tr><td class="{f.severity.value}">{f.severity.value}</td>'
                f"<td>{escape(f.message)}</td><td><code>{escape(f.location)}</code></td>"
                f"<td><code>{escape(f.rule_id)}</code></td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
