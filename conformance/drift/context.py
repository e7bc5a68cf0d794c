"""The state shared while comparing one pair of documents: resolvers and the finding sink."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from conformance.drift.model import Finding
from conformance.drift.refs import Resolver
from conformance.drift.rules import RULES


@dataclass
class Context:
    """Carries both resolvers and the current operation label; ``emit`` enforces the registry."""

    old: Resolver
    new: Resolver
    findings: list[Finding] = field(default_factory=list)
    operation: str = ""
    #: Inside a loosely typed media type (anything but JSON: XML, forms, text): every value
    #: travels as text, so a value of any type is also a string there (see ``diff_type``).
    weak: bool = False

    def for_operation(self, label: str) -> Context:
        """A view for one operation that appends to the same finding list."""
        return replace(self, operation=label)

    def emit(self, rule_id: str, location: str, message: str) -> None:
        rule = RULES[rule_id]  # KeyError here means an unregistered rule: a bug, not input
        self.findings.append(
            Finding(self.operation, location, rule_id, rule.severity, rule.side, message)
        )
