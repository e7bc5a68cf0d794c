"""The corpus of oasdiff-style pairs (tests/drift/corpus): the issue's targets, measured.

Breaking recall must reach 95% on OpenAPI 3.0 pairs and 90% on 3.1 pairs, and at most 2% of
non-breaking pairs may be called breaking. The corpus was written from the semantics, so the
figures here are the floor the engine must keep, and each miss is named when it fails.
"""

from __future__ import annotations

from tests.drift.corpus.pairs import measure, pairs


def test_corpus_covers_both_versions_all_sides_and_locations() -> None:
    corpus = pairs()
    assert len(corpus) >= 1000
    assert {p.version for p in corpus} == {"3.0", "3.1"}
    names = {p.id.split("@")[-1] for p in corpus}
    for place in ("query-param", "path-param", "header-param", "cookie-param", "request-nested-property",
                  "request-array-item-property", "request-component", "response-component", "response-header"):
        assert place in names
    assert 0.3 < sum(p.breaking for p in corpus) / len(corpus) < 0.7


def test_breaking_recall_and_false_positive_rate_meet_the_targets() -> None:
    score = measure()
    assert score.recall["3.0"] >= 0.95, score.missed
    assert score.recall["3.1"] >= 0.90, score.missed
    assert score.false_positive_rate <= 0.02, score.false_positives
