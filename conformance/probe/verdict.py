"""Refused, accepted, crashed or error: decided by the tool's answer alone, as a user would read it.

By default a 2xx answer (after the tool's own redirects) means the tool accepted the launch.
Tools that answer a refused launch with a 200 error page need ``--success-text`` (a text only a
launched page shows) or ``--success-status``; a 4xx is a refusal even when its page carries the
success text (a layout's header, say), unless ``--success-status`` names it. A 5xx, a reset
connection or a timeout is a crash, never a refusal: the tool fell over, and whatever it would
have checked after that point was never reached.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

from .flow import Answer
from .severity import Severity, crash_level

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


class Outcome(enum.Enum):
    """What happened to one case, as the tool's answer says."""

    REFUSED = "refused"  # 4xx, or a page that is not the success marker
    ACCEPTED = "accepted"  # the success marker: the tool launched
    CRASHED = "crashed"  # 5xx, connection reset, timeout
    ERROR = "error"  # the probe could not run the case


@dataclass(frozen=True)
class SuccessRule:
    status: int | None = None
    text: str | None = None

    def accepted(self, answer: Answer) -> bool:
        if answer.status is None:
            return False
        if self.text is not None:
            status_ok = answer.status < 400 if self.status is None else answer.status == self.status
            return status_ok and self.text in answer.text
        if self.status is not None:
            return answer.status == self.status
        return 200 <= answer.status < 300

    def crashed(self, answer: Answer) -> bool:
        """No answer, or a 5xx the success rule does not name."""
        return answer.status is None or (answer.status >= 500 and answer.status != self.status)

    def outcome(self, answer: Answer) -> Outcome:
        if self.crashed(answer):
            return Outcome.CRASHED
        return Outcome.ACCEPTED if self.accepted(answer) else Outcome.REFUSED

    def describe(self) -> str:
        if self.text is None:
            return f"status {self.status}" if self.status is not None else "any 2xx status"
        return f"the text {self.text!r}" + (f" and status {self.status}" if self.status is not None else "")


@dataclass
class CaseResult:
    """One case's outcome. ``reason`` is the tool's full answer (bounded), ``refused_by`` the
    check it most likely came from, ``targets`` the check the case aims at."""

    id: str
    group: str
    title: str
    expect: str
    severity: Severity
    outcome: Outcome = Outcome.ERROR
    answer: str = ""
    reason: str = ""
    refused_by: str | None = None
    targets: tuple[str, ...] = ()
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def finding(self) -> Severity | None:
        """The severity at which this case is a finding; None when it went as expected."""
        if self.outcome is Outcome.ERROR:
            return self.severity
        if self.outcome is Outcome.CRASHED:
            return crash_level(self.severity)
        expected = Outcome.ACCEPTED if self.expect == "accept" else Outcome.REFUSED
        return None if self.outcome is expected else self.severity

    def fails(self, fail_on: Severity) -> bool:
        return self.finding is not None and self.finding >= fail_on

    @property
    def ok(self) -> bool:
        return self.finding is None

    @property
    def verdict(self) -> str:
        return self.outcome.value

    @property
    def refusal_source(self) -> str:
        """Which check refused, read against what the case targets ("" when it cannot be told)."""
        if self.outcome is not Outcome.REFUSED or self.refused_by is None:
            return ""
        if not self.targets or self.refused_by in self.targets:
            return self.refused_by
        return f"{self.refused_by} — not the check this case targets ({', '.join(self.targets)})"


def short(name: str) -> str:
    return name.removeprefix(LTI)


def _show(value: Any, limit: int = 60) -> str:
    if isinstance(value, str) and len(value) > limit:
        return f"<{len(value)} chars>"
    text = repr(value) if not isinstance(value, dict | list) else json.dumps(value)
    return text if len(text) <= limit else f"<{len(text)} bytes of JSON>"


def _relative(name: str, value: Any, valid: dict[str, Any]) -> str:
    """Times read against the valid launch: ``exp: 1700000000 (launch iat -3600 s)``."""
    iat = valid.get("iat")
    if name in ("iat", "exp", "nbf") and isinstance(value, int | float) and isinstance(iat, int | float):
        return f" (launch iat {int(value - iat):+d} s)"
    return ""


def changes(before: tuple[dict[str, Any], dict[str, Any]], after: tuple[dict[str, Any], dict[str, Any]]) -> list[str]:
    """What was tampered with, header first: ``alg: 'none'``, ``-deployment_id``, ``exp: …``."""
    out: list[str] = []
    for prefix, old, new in (("header.", before[0], after[0]), ("", before[1], after[1])):
        for name in [*old, *(k for k in new if k not in old)]:
            label = f"{prefix}{short(name)}"
            if name not in new:
                out.append(f"-{label}")
            elif name not in old:
                out.append(f"+{label}: {_show(new[name])}")
            elif old[name] != new[name]:
                out.append(f"{label}: {_show(new[name])}{_relative(name, new[name], before[1])}")
    if not after[0] and not after[1]:
        out.append("(not a JWT)")
    return out
