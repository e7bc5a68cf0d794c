"""Canvas site settings and feature flags that change how the mock answers.

Canvas keeps some behaviour behind a ``Setting`` (a site-wide key/value) or a feature flag; a tool
sees a different answer depending on how the Canvas it talks to is configured. The mock follows
Canvas's defaults and lets a test switch each one through ``/__mock__/settings`` (reset restores
the start-up values, like the rest of the test scenario).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass
class CanvasSettings:
    #: ``Setting enforce_iso8601_for_lti_scores`` (default "false"): when on, score ``timestamp`` and
    #: ``submitted_at`` must be ISO 8601; when off Canvas also takes what ``Time.zone.parse`` reads.
    enforce_iso8601_for_lti_scores: bool = False
    #: Feature flag ``ags_improved_course_concluded_response_codes`` (on): an AGS request on a
    #: concluded course is a 422; off, the course is not found (404).
    ags_improved_course_concluded_response_codes: bool = True
    #: Feature flag ``membership_service_for_lti_tools`` (off): on, the External Tools API takes and
    #: shows a tool's ``allow_membership_service_access``; off, the argument is ignored and not shown.
    membership_service_for_lti_tools: bool = False

    def update(self, raw: Any) -> None:
        """Apply a partial ``{name: true|false}``; raises ValueError (and changes nothing) when invalid."""
        if not isinstance(raw, Mapping):
            raise ValueError("expected an object of setting names to true or false")
        known = {f.name for f in fields(self)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        wrong = sorted(name for name, value in raw.items() if not isinstance(value, bool))
        if wrong:
            raise ValueError(f"expected true or false for: {', '.join(wrong)}")
        for name, value in raw.items():
            setattr(self, name, value)

    def reset(self, raw: Mapping[str, Any] | None = None) -> None:
        for f in fields(self):
            setattr(self, f.name, f.default)
        if raw:
            self.update(raw)

    def dump(self) -> dict[str, bool]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
