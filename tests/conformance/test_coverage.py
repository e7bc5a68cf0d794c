"""The coverage table is derived from the registries, complete, and published as generated."""

from __future__ import annotations

from pathlib import Path

from conformance.coverage import NO_PROMISE, coverage, markdown
from conformance.semantics import all_gaps, all_semantic_checks
from conformance.targets import spec_operations

PAGE = Path(__file__).resolve().parents[2] / "docs" / "conformance-coverage.md"


def test_the_published_page_is_the_generated_one() -> None:
    assert PAGE.read_text(encoding="utf-8") == markdown(coverage()), (
        "docs/conformance-coverage.md is stale: python -m conformance.coverage --write docs/conformance-coverage.md")


def test_every_canvas_operation_has_a_promise_checked_or_says_why_not() -> None:
    silent = [row.operation for row in coverage() if NO_PROMISE in row.unchecked]
    assert not silent, f"operations with neither a check of meaning nor a declared gap: {silent}"


def test_checks_and_gaps_name_operations_of_the_spec() -> None:
    known = {op["operationId"] for op in spec_operations()}
    for check in all_semantic_checks():
        assert set(check.operations) <= known, check.name
        assert check.summary, f"{check.name} has no docstring"
    for gap in all_gaps():
        assert gap.operation in known and gap.why, gap


def test_a_mock_only_check_is_skipped_against_a_real_canvas_and_named_in_the_table() -> None:
    mock_only = [c for c in all_semantic_checks() if c.mock_only]
    assert {"expired_token_refused", "signed_token_kid_in_jwks"} <= {c.name for c in mock_only}
    text = markdown(coverage())
    assert "`expired_token_refused` (mock-only)" in text
