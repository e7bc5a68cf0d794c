"""Accepted or rejected: decided by the tool's answer alone, as a user would read it.

By default a 2xx answer (after the tool's own redirects) means the tool accepted the launch.
Tools that answer a refused launch with a 200 error page need ``--success-text`` (a text only a
launched page shows) or ``--success-status``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .flow import Answer

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


@dataclass(frozen=True)
class SuccessRule:
    status: int | None = None
    text: str | None = None

    def accepted(self, answer: Answer) -> bool:
        if answer.status is None:
            return False
        if self.text is not None:
            return self.text in answer.text and (self.status is None or answer.status == self.status)
        if self.status is not None:
            return answer.status == self.status
        return 200 <= answer.status < 300

    def describe(self) -> str:
        if self.text is None:
            return f"status {self.status}" if self.status is not None else "any 2xx status"
        return f"the text {self.text!r}" + (f" and status {self.status}" if self.status is not None else "")


@dataclass
class CaseResult:
    """One case's outcome; ``accepted`` is None when the case could not be run (``error``)."""

    id: str
    group: str
    title: str
    expect: str
    accepted: bool | None
    answer: str = ""
    changes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.accepted is not None and self.accepted == (self.expect == "accept")

    @property
    def verdict(self) -> str:
        if self.accepted is None:
            return "ERROR"
        return "accepted" if self.accepted else "rejected"


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
