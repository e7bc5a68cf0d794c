"""Verdicts on a second independent corpus: the pairs openapi-diff's own tests compare.

``tests/drift/openapi_diff_corpus`` was harvested (``harvest.py``) from OpenAPITools/openapi-diff's JUnit
tests, so the expected verdicts are openapi-diff's. Every pair must get the same breaking/not-breaking
verdict from us, except the documented ``EXCEPTIONS`` (where openapi-diff flags a change oasdiff does not),
which must keep differing the way their reason says.
"""

from __future__ import annotations

import pytest

from conformance.drift import Severity, compare, load_spec
from tests.drift.openapi_diff_corpus import EXCEPTIONS, called_breaking, disagreements, pairs


def test_corpus_is_openapi_diffs_and_large_enough() -> None:
    corpus = pairs()
    assert len(corpus) >= 100
    assert all(p.base.is_file() and p.revision.is_file() and p.tests for p in corpus)
    assert sum(p.breaking for p in corpus) >= 40
    assert sum(not p.breaking for p in corpus) >= 40


def test_every_pair_gets_openapi_diffs_verdict_or_is_a_documented_exception() -> None:
    assert [p.id for p in disagreements()] == []


def test_unchanged_pairs_report_nothing_above_info() -> None:
    for pair in pairs():
        if pair.verdict == "unchanged":
            report = compare(load_spec(pair.base), load_spec(pair.revision))
            assert not report.has_at_least(Severity.WARNING), (pair.id, report.findings)


def test_documented_exceptions_still_differ() -> None:
    by_id = {p.id: p for p in pairs()}
    for pair_id in EXCEPTIONS:
        assert called_breaking(by_id[pair_id]) != by_id[pair_id].breaking, f"{pair_id}: no longer an exception"


#: The six verdicts the issue found wrong, each on openapi-diff's own pair: (pair, breaking, the rule that says so).
NAMED = [
    ("bc_readonly_base.yaml -> bc_request_readonly_required_decreased.yaml", True, "request-required-property-became-writable"),
    ("composed_schema_1.yaml -> composed_schema_2.yaml", True, "response-property-one-of-added"),
    ("bc_request_param_base.yaml -> bc_request_param_allowemptyvalue_decreased.yaml", True,
     "request-parameter-allow-empty-value-removed"),
    ("bc_security_requirement_base.yaml -> bc_security_requirement_changed_but_compatible.yaml", False,
     "security-requirement-relaxed"),
    ("allOf_diff_1.yaml -> allOf_diff_2.yaml", False, None),
    ("oneOf_diff_2.yaml -> oneOf_diff_3.yaml", False, None),
]


@pytest.mark.parametrize(("pair_id", "breaking", "rule"), NAMED, ids=[n[0].split(" ")[0] for n in NAMED])
def test_the_six_named_verdicts(pair_id: str, breaking: bool, rule: str | None) -> None:
    pair = next(p for p in pairs() if p.id == pair_id)
    report = compare(load_spec(pair.base), load_spec(pair.revision))
    assert report.has_at_least(Severity.BREAKING) is breaking == pair.breaking, report.findings
    if rule is None:
        assert not report.has_at_least(Severity.WARNING), report.findings
    else:
        assert rule in {f.rule_id for f in report.findings}
