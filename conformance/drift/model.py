"""Findings and reports: the stable vocabulary every renderer and CI gate relies on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How much a change can hurt an existing client (ordered: info < warning < breaking)."""

    INFO = "info"
    WARNING = "warning"
    BREAKING = "breaking"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.BREAKING: 2}


class Side(StrEnum):
    """Which part of the exchange a change affects; the direction decides the severity."""

    REQUEST = "request"
    RESPONSE = "response"
    OPERATION = "operation"
    SECURITY = "security"


@dataclass(frozen=True, order=True)
class Finding:
    """One difference. Field order doubles as the deterministic sort order of a report."""

    operation: str
    location: str
    rule_id: str
    severity: Severity
    side: Side
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule_id,
            "severity": self.severity.value,
            "side": self.side.value,
            "operation": self.operation,
            "location": self.location,
            "message": self.message,
        }


@dataclass
class Report:
    """All findings of one comparison, sorted, plus how many an ignore file suppressed."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    old_label: str = ""
    new_label: str = ""

    def __post_init__(self) -> None:
        self.findings = sorted(set(self.findings))

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity for f in self.findings)
        return {
            s.value: counter.get(s, 0) for s in (Severity.BREAKING, Severity.WARNING, Severity.INFO)
        }

    def has_at_least(self, severity: Severity) -> bool:
        return any(f.severity.rank >= severity.rank for f in self.findings)

    def rule_ids(self) -> set[str]:
        return {f.rule_id for f in self.findings}

    def by_operation(self) -> dict[str, list[Finding]]:
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.operation, []).append(finding)
        return groups


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901 escaping) from path segments, so locations are unambiguous."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
