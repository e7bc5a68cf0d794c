"""The README's conformance section lists every check the suite can report, one line each."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.checks import BUILTIN_CHECKS, CUSTOM_CHECKS
from conformance.semantics import all_semantic_checks

README = Path(__file__).resolve().parents[2] / "README.md"
#: Checks reported outside the per-answer registry: the auth probe and the state machines.
OTHER_CHECKS = ("auth_enforced", "use_after_free", "ensure_resource_availability", "ags_model")


def _checks_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Checks")
    return text[start:text.index("\n## ", start)]


def test_every_check_has_a_readme_line() -> None:
    section = _checks_section()
    names = [*BUILTIN_CHECKS, *CUSTOM_CHECKS, *OTHER_CHECKS, *(c.name for c in all_semantic_checks())]
    missing = [name for name in names if not re.search(rf"^- .*`{name}`", section, re.M)]
    assert not missing, f"README conformance Checks list lacks: {missing}"


def test_every_semantic_check_cites_its_section() -> None:
    for check in all_semantic_checks():
        assert check.section.startswith("§"), check
        assert check.func.__doc__, f"{check.name} has no docstring"
