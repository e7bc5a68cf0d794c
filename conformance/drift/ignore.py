"""Suppressing known differences with an ignore file.

CI must stay green on differences a team has already reviewed, without hiding new ones, so
entries match narrowly: by rule id and/or operation and/or location. Each field is a
shell-style glob (``*``, ``?``, ``[...]``); an omitted field matches anything. A location
without wildcards also matches everything beneath it (``/responses/200`` covers
``/responses/200/content/...``). Operations compare case-insensitively on the method.

Formats (chosen by file extension):

* ``.yaml`` / ``.yml`` / ``.json`` -- a list of entries, or a mapping with an ``ignore`` list::

      ignore:
        - rule: response-optional-property-removed
          operation: GET /api/lti/courses/{course_id}/line_items
          location: /responses/200/content/application~1json/schema
          reason: Canvas never returned it          # free text, not matched
        - rule: operation-summary-changed          # anywhere
        - operation: "* /api/lti/security/*"        # everything on these paths

  Entries need at least one of ``rule``, ``operation``, ``location``.

* anything else -- plain text, one entry per line, ``#`` starts a comment::

      RULE [METHOD PATH | *] [LOCATION]

  e.g. ``operation-summary-changed``, ``request-parameter-removed GET /api/lti/register``,
  ``* * /responses/404`` (any rule, any operation, that location). ``*`` means "any".
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from conformance.drift.loader import LoadError, parse_text, read_source
from conformance.drift.model import Finding

_WILDCARDS = frozenset("*?[")


@dataclass(frozen=True)
class IgnoreRule:
    """One suppression entry; ``None`` fields match anything."""

    rule: str | None = None
    operation: str | None = None
    location: str | None = None

    def matches(self, finding: Finding) -> bool:
        if self.rule is not None and not fnmatch.fnmatchcase(finding.rule_id, self.rule):
            return False
        if self.operation is not None and not _match_operation(finding.operation, self.operation):
            return False
        return self.location is None or _match_location(finding.location, self.location)


def _match_operation(operation: str, pattern: str) -> bool:
    method, _, path = operation.partition(" ")
    pattern_method, _, pattern_path = pattern.strip().partition(" ")
    if not pattern_path:  # a bare "*" or a bare path
        return fnmatch.fnmatchcase(operation, pattern) or fnmatch.fnmatchcase(path, pattern)
    return fnmatch.fnmatchcase(method.upper(), pattern_method.upper()) and fnmatch.fnmatchcase(
        path, pattern_path.strip()
    )


def _match_location(location: str, pattern: str) -> bool:
    if fnmatch.fnmatchcase(location, pattern):
        return True
    if _WILDCARDS.isdisjoint(pattern):
        return location.startswith(pattern.rstrip("/") + "/")
    return False


def partition(
    findings: Iterable[Finding], rules: Sequence[IgnoreRule]
) -> tuple[list[Finding], int]:
    """Findings that survive the ignore rules, and how many were suppressed."""
    kept: list[Finding] = []
    suppressed = 0
    for finding in findings:
        if any(rule.matches(finding) for rule in rules):
            suppressed += 1
        else:
            kept.append(finding)
    return kept, suppressed


def _any(value: str | None) -> str | None:
    return None if value in (None, "", "*") else value


def parse_ignore_text(text: str) -> list[IgnoreRule]:
    """Parse the plain-text format (see the module docstring)."""
    rules: list[IgnoreRule] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        tokens = line.split()
        rule, rest = tokens[0], tokens[1:]
        operation: str | None = None
        if rest:
            if rest[0] == "*":
                rest = rest[1:]
            elif len(rest) >= 2 and not rest[0].startswith("/"):
                operation, rest = f"{rest[0]} {rest[1]}", rest[2:]
            else:
                raise LoadError(f"ignore file: cannot parse line {raw.strip()!r}")
        location = rest[0] if rest else None
        if len(rest) > 1:
            raise LoadError(f"ignore file: too many fields in line {raw.strip()!r}")
        rules.append(IgnoreRule(_any(rule), _any(operation), _any(location)))
    return rules


def parse_ignore_data(data: object, label: str = "ignore file") -> list[IgnoreRule]:
    """Parse the structured (YAML/JSON) format (see the module docstring)."""
    if isinstance(data, dict):
        data = data.get("ignore")
    if data is None:
        return []
    if not isinstance(data, list):
        raise LoadError(f"{label}: expected a list of entries or a mapping with 'ignore'")
    rules: list[IgnoreRule] = []
    for index, entry in enumerate(data):
        if isinstance(entry, str):
            rules.extend(parse_ignore_text(entry))
            continue
        if not isinstance(entry, dict):
            raise LoadError(f"{label}: entry {index} is not a mapping")
        fields = {k: entry.get(k) for k in ("rule", "operation", "location")}
        if all(v is None for v in fields.values()):
            raise LoadError(f"{label}: entry {index} needs rule, operation or location")
        rules.append(IgnoreRule(*(_any(None if v is None else str(v)) for v in fields.values())))
    return rules


def load_ignore_file(path: str | Path) -> list[IgnoreRule]:
    """Load an ignore file in either format; raises ``LoadError`` with a one-line message."""
    label = str(path)
    text = read_source(path)
    if Path(label).suffix.lower() in (".yaml", ".yml", ".json"):
        return parse_ignore_data(parse_text(text, label), label)
    return parse_ignore_text(text)


def check_rule_ids(rules: Iterable[IgnoreRule], known: Iterable[str]) -> None:
    """A rule id (or glob) that names no known rule is a typo that would silently suppress
    nothing: refuse it with a one-line ``LoadError`` naming it."""
    ids = sorted(set(known))
    for rule in rules:
        if rule.rule is not None and not fnmatch.filter(ids, rule.rule):
            raise LoadError(
                f"ignore file: unknown rule id {rule.rule!r} (see canvas-lti drift --list-rules)"
            )
