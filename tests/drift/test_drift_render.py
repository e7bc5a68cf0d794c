"""Renderers: grouping, folding, size budget and JSON shape."""

from __future__ import annotations

import json

from conformance.drift import Finding, Report, Severity, Side
from conformance.drift.render import render_json, render_markdown, render_text


def finding(op: str, rule: str, severity: Severity, location: str = "/x") -> Finding:
    return Finding(op, location, rule, severity, Side.RESPONSE, f"{rule} | msg")


REPORT = Report(
    [
        finding("GET /b", "response-optional-property-added", Severity.INFO),
        finding("GET /a", "response-success-status-removed", Severity.BREAKING),
        finding("GET /a", "operation-summary-changed", Severity.INFO, "/summary"),
        finding("GET /c", "response-optional-property-removed", Severity.WARNING),
    ],
    suppressed=2,
    old_label="old.yaml",
    new_label="new.yaml",
)


def test_text_groups_by_operation_most_severe_first() -> None:
    text = render_text(REPORT)
    assert text.splitlines()[0] == (
        "Spec drift old.yaml -> new.yaml: 1 breaking, 1 warning, 2 info (2 suppressed)"
    )
    a_block = text.split("GET /a\n")[1].split("\n\n")[0].splitlines()
    assert a_block[0].split()[:2] == ["BREAKING", "response-success-status-removed"]
    assert text.index("GET /a") < text.index("GET /b") < text.index("GET /c")


def test_markdown_summary_and_info_only_operations_fold() -> None:
    md = render_markdown(REPORT)
    assert "| 🔴 breaking | 1 |" in md and "| suppressed | 2 |" in md
    assert "\\|" in md  # pipes in messages are escaped
    before, details = md.split("<details>")
    assert "### `GET /a`" in before and "### `GET /c`" in before
    assert "### `GET /b`" in details and details.rstrip().endswith("</details>")


def test_markdown_respects_budget() -> None:
    many = Report(
        [
            finding(f"GET /p{i:03}", "response-success-status-removed", Severity.BREAKING)
            for i in range(200)
        ]
    )
    md = render_markdown(many, budget=5_000)
    assert len(md) < 5_500
    assert "more finding(s) omitted" in md
    shown = md.count("| 🔴 breaking | `")
    assert f"…{200 - shown} more finding(s)" in md


def test_json_shape_is_stable() -> None:
    payload = json.loads(render_json(REPORT))
    assert list(payload) == ["old", "new", "summary", "findings"]
    assert payload["summary"] == {
        "breaking": 1,
        "warning": 1,
        "info": 2,
        "total": 4,
        "suppressed": 2,
    }
    ops = [(f["operation"], f["location"]) for f in payload["findings"]]
    assert ops == sorted(ops)
