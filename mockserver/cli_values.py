"""argparse types for numbers that have a range.

``type=int`` takes ``--max-examples 0`` or ``--max-requests -1``, and the run then fails far from the
flag, in Hypothesis's or the request budget's words, with a traceback. These types refuse such a
value where argparse reports it: one line that names the flag (``argument --max-examples: …``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable


def _ranged(kind: Callable[[str], float], name: str, *, low: float, high: float | None = None,
            words: str) -> Callable[[str], float]:
    def convert(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {words}") from None
        if value != value or value < low or (high is not None and value > high):  # NaN too
            raise argparse.ArgumentTypeError(f"{text!r} is not {words}")
        return value

    convert.__name__ = name  # argparse names the type in some messages
    return convert


#: A whole number ≥ 1: examples per operation, a request budget.
positive_int = _ranged(int, "positive_int", low=1, words="a whole number of at least 1")
#: Seconds > 0 (a time budget); ``inf`` is allowed: no budget.
positive_seconds = _ranged(float, "positive_seconds", low=1e-9, words="a number of seconds greater than 0")
#: A Canvas id: a whole number ≥ 1.
canvas_id = _ranged(int, "canvas_id", low=1, words="a Canvas id (a whole number of at least 1)")
#: An HTTP status code a server can answer.
http_status = _ranged(int, "http_status", low=100, high=599, words="an HTTP status code (100-599)")
