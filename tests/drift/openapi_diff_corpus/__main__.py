"""``python -m tests.drift.openapi_diff_corpus``: our engine's verdicts on openapi-diff's own pairs."""

from __future__ import annotations

from tests.drift.openapi_diff_corpus import EXCEPTIONS, disagreements, pairs

if __name__ == "__main__":
    corpus = pairs()
    missed = [p for p in disagreements(corpus) if p.breaking]
    false = [p for p in disagreements(corpus) if not p.breaking]
    breaking = sum(p.breaking for p in corpus)
    print(f"{len(corpus)} pairs ({breaking} breaking, {len(corpus) - breaking} not); {len(EXCEPTIONS)} documented exceptions")
    print(f"breaking missed: {len(missed)}; not breaking but called breaking: {len(false)}")
    for pair in missed:
        print(f"  missed: {pair.id}  {pair.tests}")
    for pair in false:
        print(f"  false breaking: {pair.id}  {pair.tests}")
