"""``python -m tests.drift.corpus``: breaking recall and false-positive rate on the corpus."""

from __future__ import annotations

import time

from tests.drift.corpus.pairs import measure, pairs


def main() -> None:
    corpus = pairs()
    started = time.perf_counter()
    score = measure(corpus)
    elapsed = time.perf_counter() - started
    positives = sum(p.breaking for p in corpus)
    by_version = {v: sum(p.version == v for p in corpus) for v in ("3.0", "3.1")}
    print(f"{score.total} pairs ({by_version['3.0']} OpenAPI 3.0, {by_version['3.1']} 3.1); "
          f"{positives} breaking, {score.total - positives} not; {elapsed:.2f}s")
    for version, recall in score.recall.items():
        print(f"breaking recall {version}: {recall:.1%}")
    print(f"non-breaking pairs called breaking: {score.false_positive_rate:.1%}")
    for pid in score.missed:
        print(f"  missed: {pid}")
    for pid in score.false_positives:
        print(f"  false positive: {pid}")


if __name__ == "__main__":
    main()
