"""The docs' conformance page lists every check the suite can report, one line each."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.checks import BUILTIN_CHECKS, CUSTOM_CHECKS
from conformance.semantics import all_semantic_checks

PAGE = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
#: Checks reported outside the per-answer registry: the auth probe and the state machines.
OTHER_CHECKS = ("auth_enforced", "use_after_free", "ensure_resource_availability", "ags_model")


def _checks_section() -> str:
    text = PAGE.read_text(encoding="utf-8") + "\n## "
    start = text.index("## Checks")
    return text[start:text.index("\n## ", start)]


def test_every_check_has_a_docs_line() -> None:
    section = _checks_section()
    names = [*BUILTIN_CHECKS, *CUSTOM_CHECKS, *OTHER_CHECKS, *(c.name for c in all_semantic_checks())]
    missing = [name for name in names if not re.search(rf"^- .*`{name}`", section, re.M)]
    assert not missing, f"docs/conformance.md's Checks list lacks: {missing}"


def test_every_semantic_check_cites_its_section() -> None:
    for check in all_semantic_checks():
        assert check.section.startswith("§"), check
        assert check.func.__doc__, f"{check.name} has no docstring"
