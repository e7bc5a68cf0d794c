"""The cases, registered as schemathesis registers its checks: one small function each.

A case says what it is for a security team as much as what it does: its severity, the
specification sections it rests on, what "accepted" means for it, and how to reproduce it by
hand. ``--case`` selects by id or by severity name, ``--list-cases`` prints the table.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..platform import Platform, ProbeError
from ..severity import NAMES, Severity

if TYPE_CHECKING:
    from .context import Attempt, Context

Build = Callable[["Context"], "Attempt"]


@dataclass(frozen=True)
class Case:
    id: str
    group: str
    title: str
    severity: Severity
    references: tuple[str, ...]
    accepted: str  # what "accepted" means for this case
    reproduce: str  # how to do it by hand, from a launch stopped at the platform's form
    targets: tuple[str, ...]  # the checks (reasons.*) a refusal should come from
    build: Build
    expect: str = "reject"  # or "accept": a positive case
    prepare: Callable[[Platform], None] | None = None


CASES: list[Case] = []
#: Report order: forgeries, then what the platform signs, where tokens are posted, the login step.
GROUPS = ("algorithm and key", "JOSE header injection", "time", "audience and issuer", "deployment", "claims",
          "size", "replay and state", "login initiation", "key rotation")


def case(id: str, group: str, title: str, severity: Severity, *, references: Sequence[str], accepted: str,
         reproduce: str, targets: Sequence[str] = (), expect: str = "reject",
         prepare: Callable[[Platform], None] | None = None) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        CASES.append(Case(id, group, title, severity, tuple(references), accepted, reproduce, tuple(targets), build,
                          expect, prepare))
        CASES.sort(key=lambda c: GROUPS.index(c.group))  # stable: a family keeps its own order
        return build
    return register


def select(names: Sequence[str] | None) -> list[Case]:
    """The cases named by id or severity (``must``, ``should``, ``policy``), in registry order."""
    if not names:
        return list(CASES)
    known = [c.id for c in CASES]
    unknown = [n for n in names if n not in known and n.lower() not in NAMES]
    if unknown:
        close = difflib.get_close_matches(unknown[0], [*known, *NAMES], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ProbeError(f"unknown case(s) {', '.join(unknown)} (an id from --list-cases, or {', '.join(NAMES)}){hint}")
    wanted = set(names)
    severities = {Severity.parse(n) for n in names if n.lower() in NAMES}
    return [c for c in CASES if c.id in wanted or c.severity in severities]
