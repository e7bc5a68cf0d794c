"""A bounded, redacted excerpt of a parsed request body: what the journal keeps of one too large
to keep whole.

A tool (or a fuzzer) may send a body of any size; the journal keeps at most about
:data:`BUDGET` characters of it, so its memory stays bounded by its capacity whatever arrives.
The excerpt keeps the body's shape from the start: members and items in order, strings cut,
and a marker wherever something was left out, so a reader sees both what came and that it was
cut. Work is bounded too: the walk stops when the budget is spent, however large the body.

Redaction is by meaning (``redaction.py``), and cutting must not defeat it: a long string is
redacted over a window :data:`MARGIN` characters past the cut before it is cut, so a token or
``name=value`` pair that straddles the cut is recognised whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .redaction import REDACTED, Redactor, is_secret_name

#: Characters of member names and string values an excerpt keeps in all.
BUDGET = 16 * 1024
#: What one scalar, member or item costs besides its text (so a million ``0``s are cut too).
NODE_COST = 4
#: Nesting kept: deeper values are replaced by the marker.
MAX_DEPTH = 32
#: How far past a cut a string is redacted, so a secret straddling the cut is still seen whole.
MARGIN = 8 * 1024
CUT = "…[truncated]"


@dataclass
class _Walk:
    redactor: Redactor
    left: int
    cut: bool = False

    def spend(self, cost: int) -> bool:
        """Take ``cost`` from the budget; False (and the excerpt is cut) when it is spent."""
        if self.left <= 0:
            self.cut = True
            return False
        self.left -= cost
        return True

    def text(self, text: str) -> str:
        keep = max(0, min(len(text), self.left))
        self.left -= keep + NODE_COST
        if keep == len(text):
            return text
        self.cut = True
        return self.redactor.text(text[:keep + MARGIN])[:keep] + CUT

    def value(self, value: Any, depth: int) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return self._members(value, depth)
        if isinstance(value, list):
            return self._items(value, depth)
        self.left -= NODE_COST
        return value

    def _members(self, value: dict[str, Any], depth: int) -> Any:
        if depth >= MAX_DEPTH:
            self.cut = True
            return CUT
        out: dict[str, Any] = {}
        for count, (key, item) in enumerate(value.items()):
            if not self.spend(NODE_COST):
                out[CUT] = f"{len(value) - count} more members"
                break
            name = str(key)
            kept = self.text(name)
            if kept != name and item not in (None, "") and is_secret_name(name):  # a cut name hides what it says
                self.left -= NODE_COST
                out[kept] = REDACTED
            else:
                out[kept] = self.value(item, depth + 1)
        return out

    def _items(self, value: list[Any], depth: int) -> Any:
        if depth >= MAX_DEPTH:
            self.cut = True
            return CUT
        out: list[Any] = []
        for count, item in enumerate(value):
            if not self.spend(NODE_COST):
                out.append(f"{CUT} {len(value) - count} more items")
                break
            out.append(self.value(item, depth + 1))
        return out


def excerpt(value: Any, redactor: Redactor, budget: int = BUDGET) -> tuple[Any, bool]:
    """``(excerpt of value, whether anything was cut)``; redact the excerpt afterwards as usual."""
    walk = _Walk(redactor, budget)
    return walk.value(value, 0), walk.cut
