"""An independent corpus: base/revision pairs and verdicts taken from oasdiff's own checker tests.

``pairs.yaml`` (written by ``harvest.py`` from a clone of oasdiff/oasdiff) lists each pair, its
OpenAPI version, whether oasdiff's tests assert an ERR-level rule for it (breaking), and the
tests that asserted so; the documents are under ``data/`` as in oasdiff's repository
(Apache-2.0, see ``LICENSE`` and ``README.md`` here). Pairs with ``breaking: null`` come from
tests that ran a single check which saw only WARN/INFO: the other rules were not run, so they are
not counted; ``python -m tests.drift.oasdiff_corpus`` lists the ones we call breaking, to review. ``EXCEPTIONS`` lists the pairs where our
verdict differs from oasdiff's on purpose, with the reason. ``python -m tests.drift.oasdiff_corpus``
prints the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from conformance.drift import Severity, compare, load_spec
from tests.drift.corpus.pairs import Score
from tests.drift.corpus.pairs import measure as measure_pairs

HERE = Path(__file__).resolve().parent

# pair id -> why our verdict differs from oasdiff's on purpose (kept short; the README lists them).
_READ_ONLY = ("a pattern added to a readOnly property: clients do not send it in requests, and oasdiff's own "
              "request-read-only-property-* rules rate constraint changes on such properties INFO")
EXCEPTIONS: dict[str, str] = {
    "data/pattern-parameter-base.yaml -> data/pattern-parameter-modified-not-anystring.yaml":
        "request pattern changed ([0-9a-f]+ -> [0-9]+): breaking for us (oasdiff: WARN), since a changed regular "
        "expression may refuse values the old one accepted (here it does)",
    "data/pattern-revision.yaml -> data/pattern-base.yaml": _READ_ONLY,
    "data/pattern-revision-recursive.yaml -> data/pattern-base-recursive.yaml": _READ_ONLY,
    "data/checker/webhook_operation_base.yaml -> data/checker/webhook_operation_revision.yaml":
        "a webhook's request body became required: the API sends webhooks, so we judge their bodies as responses "
        "(always sending a body breaks no receiver); oasdiff judges them as requests",
}


@dataclass(frozen=True)
class Pair:
    id: str  # "base -> revision", paths as in oasdiff's repository
    version: str
    breaking: bool | None  # None: oasdiff ran one check, which saw WARN/INFO (not counted)
    rules: tuple[str, ...]
    tests: tuple[str, ...]
    base: Path
    revision: Path


@cache
def pairs() -> tuple[Pair, ...]:
    entries = yaml.safe_load((HERE / "pairs.yaml").read_text())
    return tuple(
        Pair(f"{e['base']} -> {e['revision']}", e["version"], e["breaking"], tuple(e["rules"]),
             tuple(e["tests"]), HERE / "data" / e["base"], HERE / "data" / e["revision"])
        for e in entries
    )


def called_breaking(pair: Pair) -> bool:
    report = compare(load_spec(pair.base), load_spec(pair.revision))
    return report.has_at_least(Severity.BREAKING)


def measure(corpus: tuple[Pair, ...] | None = None) -> Score:
    """Recall per version and false-breaking rate, over the pairs that are not documented exceptions."""
    corpus = pairs() if corpus is None else corpus
    counted = [pair for pair in corpus if pair.id not in EXCEPTIONS and pair.breaking is not None]
    return measure_pairs(counted, judge=called_breaking, total=len(corpus))
