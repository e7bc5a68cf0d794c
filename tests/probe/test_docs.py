"""docs/probe-tool.md says what the code does: its case table is the registry's, its per-case
reference carries each case's meaning, and its worked example lists exactly the findings that
test_pylti1p3.py asserts for pylti1p3's documented set-up."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.probe.attacks import CASES

from .test_pylti1p3 import DOCUMENTED_ACCEPTS, DOCUMENTED_CRASHES

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "probe-tool.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return PAGE.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in text.splitlines()
            if line.startswith("| `")]


def test_case_table_is_the_registry() -> None:
    rows = _rows(_section("The cases"))
    assert rows == [[f"`{c.id}`", c.severity.label, c.group, "; ".join(c.references)] for c in CASES]


def test_every_case_says_what_accepted_means_and_how_to_reproduce_it() -> None:
    cases = _section("The cases")
    for case in CASES:
        assert f"- `{case.id}`: {case.title}. *Accepted:* {case.accepted}. *By hand:* {case.reproduce}" in cases


def test_worked_example_lists_the_findings_the_tests_assert() -> None:
    rows = _rows(_section("Worked example: pylti1p3 as documented"))
    severities = ("must", "should", "policy")
    findings = {name for row in rows if row[1].split()[0] in severities for name in re.findall(r"`(\w+)`", row[0])}
    assert findings == set(DOCUMENTED_ACCEPTS) | set(DOCUMENTED_CRASHES)


def test_readme_case_table_is_the_registry_and_the_worked_example() -> None:
    """The README's compact table: each group's cases and severities are the registry's, and the
    pylti1p3 column names exactly the findings test_pylti1p3.py asserts."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## For security testers: probe your tool\n", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| group")]
    groups: dict[str, list[str]] = {}
    for case in CASES:
        groups.setdefault(case.group, []).append(f"`{case.id}` ({case.severity.label})")
    assert {row[0]: row[1].split(", ") for row in rows} == groups
    accepted = {name for row in rows for name in re.findall(r"`(\w+)` accepted", row[3])}
    crashed = {name for row in rows for name in re.findall(r"`(\w+)` 500", row[3])}
    assert accepted == set(DOCUMENTED_ACCEPTS) and crashed == set(DOCUMENTED_CRASHES)
