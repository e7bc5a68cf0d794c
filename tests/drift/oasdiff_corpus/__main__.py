"""``python -m tests.drift.oasdiff_corpus``: our engine's figures on oasdiff's own pairs."""

from __future__ import annotations

from tests.drift.oasdiff_corpus import EXCEPTIONS, called_breaking, measure, pairs


def main() -> None:
    corpus = pairs()
    counts = {(v, b): sum(p.version == v and p.breaking == b for p in corpus) for v in ("3.0", "3.1") for b in (True, False)}
    unknown = [p for p in corpus if p.breaking is None]
    print(f"{len(corpus) - len(unknown)} pairs: 3.0 {counts['3.0', True]} breaking / {counts['3.0', False]} not, "
          f"3.1 {counts['3.1', True]} breaking / {counts['3.1', False]} not; {len(EXCEPTIONS)} documented exceptions")
    score = measure(corpus)
    for version, recall in score.recall.items():
        print(f"breaking recall {version}: {recall:.1%}")
    print(f"non-breaking pairs called breaking: {score.false_positive_rate:.1%}")
    by_id = {p.id: p for p in corpus}
    for pid in score.missed:
        print(f"  missed: {pid}  {by_id[pid].rules}")
    for pid in score.false_positives:
        print(f"  false positive: {pid}  {by_id[pid].tests}")




def review() -> None:
    """Single-check pairs oasdiff saw only WARN/INFO on that we call breaking (not counted)."""
    unknown = [p for p in pairs() if p.breaking is None]
    flagged = [p for p in unknown if called_breaking(p)]
    print(f"{len(unknown)} single-check WARN/INFO pairs (not counted), {len(flagged)} called breaking by us:")
    for pair in flagged:
        print(f"  {pair.id}  {pair.rules}")


if __name__ == "__main__":
    main()
    review()
