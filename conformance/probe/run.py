"""A probe run: the baseline launch, every case on a fresh flow, then the deep linking response."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import deep_linking
from .attacks import CASES, Case, Context
from .flow import Flow, jwt_parts, start
from .forge import ForeignKey
from .platform import Platform, ProbeError, ToolRegistration
from .verdict import CaseResult, SuccessRule, changes

DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"


class BaselineRejected(ProbeError):
    """The tool refused a valid launch: nothing else the probe finds would mean anything."""


@dataclass
class ProbeOptions:
    tool: str
    base_url: str = "http://127.0.0.1:8080"
    course: str | None = None
    user: str | None = None
    success: SuccessRule = field(default_factory=SuccessRule)
    cases: Sequence[str] | None = None  # ids; None: all
    deep_linking: bool = True


@dataclass
class ProbeResult:
    tool: str
    client_id: str
    base_url: str
    course: str
    user: str
    success: SuccessRule
    baseline: CaseResult
    baseline_claims: dict[str, Any]
    cases: list[CaseResult] = field(default_factory=list)
    deep_linking: deep_linking.DeepLinkingResult | None = None
    duration: float = 0.0

    @property
    def accepted_attacks(self) -> list[CaseResult]:
        return [c for c in self.cases if c.expect == "reject" and c.accepted]

    @property
    def failed(self) -> list[CaseResult]:
        return [c for c in self.cases if not c.ok]

    @property
    def ok(self) -> bool:
        return not self.failed and (self.deep_linking is None or self.deep_linking.ok)


def select(ids: Sequence[str] | None) -> list[Case]:
    if not ids:
        return list(CASES)
    known = {c.id: c for c in CASES}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ProbeError(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[i] for i in ids]


class Probe:
    def __init__(self, platform: Platform, options: ProbeOptions, reg: ToolRegistration, course: str, user: str) -> None:
        self.platform, self.options, self.reg = platform, options, reg
        self.course, self.user = course, user
        self.foreign = ForeignKey()

    def flow(self, message_type: str = "LtiResourceLinkRequest") -> Flow:
        return start(self.platform, self.reg.client_id, self.course, self.user, message_type)

    def baseline(self) -> tuple[CaseResult, dict[str, Any]]:
        flow = self.flow()
        try:
            answer = flow.post(flow.id_token)
        finally:
            flow.close()
        accepted = self.options.success.accepted(answer)
        result = CaseResult("baseline", "baseline", "a valid launch", "accept", accepted, answer.excerpt())
        if not accepted:
            raise BaselineRejected(
                f"the tool rejected a valid launch (expected {self.options.success.describe()}); it answered "
                f"{answer.excerpt()} — fix the launch, or say what success looks like with --success-text/--success-status")
        return result, flow.claims

    def run_case(self, case: Case) -> CaseResult:
        result = CaseResult(case.id, case.group, case.title, case.expect, None)
        flow: Flow | None = None
        try:
            if case.prepare is not None:
                case.prepare(self.platform)
            flow = self.flow()
            attempt = case.build(Context(flow, self.platform, self.foreign))
            result.changes = changes((flow.header, flow.claims), jwt_parts(attempt.id_token))
            if attempt.note:
                result.changes.append(attempt.note)
            if attempt.replay:
                first = flow.post(attempt.id_token, attempt.state)
                if not self.options.success.accepted(first):
                    result.error = f"the first, valid post was rejected: {first.excerpt()}"
                    return result
            answer = flow.post(attempt.id_token, attempt.state)
            result.accepted, result.answer = self.options.success.accepted(answer), answer.excerpt()
        except ProbeError as exc:
            result.error = str(exc)
        except Exception as exc:  # one broken case (an odd JWKS, a tool's odd page) must not end the run
            result.error = f"{type(exc).__name__}: {exc}"
        finally:
            if flow is not None:
                flow.close()
        return result

    def check_deep_linking(self) -> deep_linking.DeepLinkingResult:
        try:
            flow = self.flow(DEEP_LINKING_REQUEST)
        except ProbeError as exc:
            return deep_linking.DeepLinkingResult(skipped=f"no deep linking launch: {exc}")
        try:
            answer = flow.post(flow.id_token)
            found = deep_linking.find_response(answer.text, answer.url)
            if found is None:
                return deep_linking.DeepLinkingResult(
                    skipped=f"the tool's answer to a deep linking launch has no form with a JWT field: {answer.excerpt()}")
            return deep_linking.check(found, flow.claims, self.reg, self.platform)
        finally:
            flow.close()


def probe_tool(options: ProbeOptions, progress: Callable[[CaseResult], None] | None = None,
               platform: Platform | None = None) -> ProbeResult:
    """Run the probe; raises :class:`ProbeError` (and :class:`BaselineRejected`) when it cannot."""
    if platform is None:
        platform = Platform(options.base_url)
        try:
            return probe_tool(options, progress, platform)
        finally:
            platform.close()
    started = time.perf_counter()
    cases = select(options.cases)
    reg = platform.registration(options.tool)
    course = options.course or platform.default_course(reg)
    user = options.user or platform.default_user(course)
    probe = Probe(platform, options, reg, course, user)
    baseline, claims = probe.baseline()
    result = ProbeResult(reg.name, reg.client_id, platform.base_url, course, user, options.success, baseline, claims)
    for case in cases:
        outcome = probe.run_case(case)
        result.cases.append(outcome)
        if progress is not None:
            progress(outcome)
    if options.deep_linking:
        result.deep_linking = probe.check_deep_linking()
    result.duration = time.perf_counter() - started
    return result
