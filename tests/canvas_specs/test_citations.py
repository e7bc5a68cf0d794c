"""Every case of this package cites Canvas, and every documented difference is in the docs."""

from __future__ import annotations

from pathlib import Path

from tests.canvas_specs.table import collect

DIFFERENCES = Path(__file__).resolve().parents[2] / "docs" / "differences.md"


def test_every_case_here_cites_a_canvas_spec(request) -> None:
    uncited = [item.nodeid for item in request.session.items
               if "tests/canvas_specs/" in item.nodeid and "test_citations.py" not in item.nodeid
               and item.get_closest_marker("canvas_spec") is None]
    assert not uncited, f"cases without @canvas_spec: {uncited}"


def test_every_difference_is_documented() -> None:
    differences = {c.difference for c in collect().values() if c.difference}
    if not differences:
        return
    text = DIFFERENCES.read_text(encoding="utf-8") if DIFFERENCES.exists() else ""
    missing = sorted(d for d in differences if d not in text)
    assert not missing, f"differences not listed in {DIFFERENCES.name}: {missing}"


def test_the_published_tables_are_the_suite_s() -> None:
    """The per-controller counts in the README and docs/fidelity.md are what this package holds."""
    from tests.canvas_specs.table import markdown

    root = Path(__file__).resolve().parents[2]
    for page in (root / "README.md", root / "docs" / "fidelity.md"):
        assert markdown() in page.read_text(encoding="utf-8"), f"{page.name}: rerun python -m tests.canvas_specs.table"
