"""The issue's targets on an independent corpus: pairs and verdicts from oasdiff's own tests.

``tests/drift/oasdiff_corpus`` was harvested (``harvest.py``) from oasdiff's checker and CLI tests, so
the expected verdicts are oasdiff's, not ours. Breaking recall must reach 95% on OpenAPI 3.0 pairs and
90% on 3.1 pairs, and at most 2% of non-breaking pairs may be called breaking; the pairs where we
differ on purpose are listed, with the reason, in ``EXCEPTIONS``, and must keep differing the way
the reason says (otherwise the exception is stale).
"""

from __future__ import annotations

from tests.drift.oasdiff_corpus import EXCEPTIONS, called_breaking, measure, pairs


def test_corpus_is_oasdiffs_and_large_enough() -> None:
    corpus = [p for p in pairs() if p.breaking is not None]
    assert len(corpus) >= 200
    assert all(p.base.is_file() and p.revision.is_file() and p.tests for p in corpus)
    assert {p.version for p in corpus} == {"3.0", "3.1"}
    assert sum(not p.breaking for p in corpus) >= 40
    assert sum(p.version == "3.1" and p.breaking for p in corpus) >= 30


def test_breaking_recall_and_false_breaking_rate_meet_the_targets() -> None:
    score = measure()
    assert score.recall["3.0"] >= 0.95, score.missed
    assert score.recall["3.1"] >= 0.90, score.missed
    assert score.false_positive_rate <= 0.02, score.false_positives


def test_documented_exceptions_are_few_and_still_differ() -> None:
    by_id = {p.id: p for p in pairs()}
    assert len(EXCEPTIONS) <= 5
    for pair_id in EXCEPTIONS:
        pair = by_id[pair_id]
        assert pair.breaking is not None
        assert called_breaking(pair) != pair.breaking, f"{pair_id}: no longer an exception"
