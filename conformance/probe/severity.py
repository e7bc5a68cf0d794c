"""How much a case matters: ``must``, ``should`` or ``policy``, and what fails a run.

A security team acts on a MUST first: a forgery, or a rule the specifications state as MUST.
SHOULDs are the specifications' advice; policies (size limits, how old a token may be) are the
tool's own choice, with no number in any specification. ``--fail-on`` picks the lowest severity
that fails the run; a crash (5xx, reset, timeout) is a finding at ``should`` at most — the attack
was not accepted, but a tool that falls over on hostile input is not done either.
"""

from __future__ import annotations

import enum


class Severity(enum.IntEnum):
    """Ordered: ``MUST > SHOULD > POLICY``; a finding fails the run when ``>= --fail-on``."""

    POLICY = 1
    SHOULD = 2
    MUST = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def why(self) -> str:
        return WHY[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (must, should, policy)") from None


WHY = {
    Severity.MUST: "a forgery the tool took, or a rule the specifications state as MUST: anyone who can "
                   "reach the tool's launch URL can act as any user of any course",
    Severity.SHOULD: "the specifications' advice (SHOULD), or a crash on hostile input: not a forgery by "
                     "itself, but it widens what a stolen or replayed token can do",
    Severity.POLICY: "the tool's own limits (size, token age), which no specification sets: worth a "
                     "decision, not necessarily a fix",
}

#: The names ``--case`` and ``--fail-on`` accept.
NAMES = tuple(s.label for s in sorted(Severity, reverse=True))


def crash_level(severity: Severity) -> Severity:
    """A crash on a case counts at ``should``, or at the case's own level when that is lower."""
    return min(severity, Severity.SHOULD)
