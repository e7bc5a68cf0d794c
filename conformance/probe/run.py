"""A probe run: the baseline launch, every case on fresh flows, then the deep linking response."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import deep_linking, reasons
from .attacker import AttackerSite
from .attacks import Case, Context, Setup, select
from .flow import TIMEOUT, jwt_parts
from .forge import ForeignKey
from .platform import Platform, ProbeError, ToolRegistration
from .severity import Severity
from .verdict import CaseResult, Outcome, SuccessRule, changes

DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"


class BaselineRejected(ProbeError):
    """The tool refused a valid launch: nothing else the probe finds would mean anything."""


class RefusalLooksLikeLaunch(ProbeError):
    """The tool's answer to an id_token that is not a JWT passes the success rule: every refusal
    would be read as an accepted attack."""


#: The control's id_token: no tool can launch it, whatever it checks or skips.
NOT_A_JWT = "probe-control-not-a-jwt"


@dataclass
class ProbeOptions:
    tool: str
    base_url: str = "http://127.0.0.1:8080"
    course: str | None = None
    user: str | None = None
    success: SuccessRule = field(default_factory=SuccessRule)
    cases: Sequence[str] | None = None  # ids or severity names; None: all
    deep_linking: bool = True
    fail_on: Severity = Severity.MUST
    timeout: float = TIMEOUT  # seconds for each of the tool's answers; longer is a crash


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
    fail_on: Severity = Severity.MUST
    cases: list[CaseResult] = field(default_factory=list)
    deep_linking: deep_linking.DeepLinkingResult | None = None
    duration: float = 0.0

    @property
    def accepted_attacks(self) -> list[CaseResult]:
        return [c for c in self.cases if c.expect == "reject" and c.outcome is Outcome.ACCEPTED]

    @property
    def findings(self) -> list[CaseResult]:
        """Every case that did not go as expected, at any severity."""
        return [c for c in self.cases if c.finding is not None]

    @property
    def failed(self) -> list[CaseResult]:
        """The findings at or above ``fail_on``: what fails the run."""
        return [c for c in self.cases if c.fails(self.fail_on)]

    @property
    def ok(self) -> bool:
        return not self.failed and (self.deep_linking is None or self.deep_linking.ok)


class Probe:
    def __init__(self, platform: Platform, options: ProbeOptions, reg: ToolRegistration, course: str, user: str) -> None:
        self.platform, self.options, self.reg = platform, options, reg
        self._site: AttackerSite | None = None
        self.setup = Setup(platform, reg, course, user, options.success, ForeignKey(), self.site, options.timeout)

    def site(self) -> AttackerSite:
        if self._site is None:
            self._site = AttackerSite()
        return self._site

    def close(self) -> None:
        if self._site is not None:
            self._site.close()

    def baseline(self) -> tuple[CaseResult, dict[str, Any]]:
        ctx = Context(self.setup)
        try:
            answer = ctx.flow.post(ctx.flow.id_token)
            claims = ctx.flow.claims
        finally:
            ctx.close()
        result = CaseResult("baseline", "baseline", "a valid launch", "accept", Severity.MUST,
                            self.options.success.outcome(answer), answer.excerpt(), reasons.reason(answer))
        if result.outcome is not Outcome.ACCEPTED:
            raise BaselineRejected(
                f"the tool rejected a valid launch (expected {self.options.success.describe()}); it answered "
                f"{answer.excerpt()} — fix the launch, or say what success looks like with --success-text/--success-status")
        return result, claims

    def control(self) -> None:
        """Post an id_token that is not a JWT on a fresh flow: if the success rule reads the tool's
        answer as a launch (a 200 error page, a redirect to one, the success text on the error page
        too), it would read every refusal as an accepted attack, so the probe stops instead."""
        ctx = Context(self.setup)
        try:
            answer = ctx.flow.post(NOT_A_JWT)
        finally:
            ctx.close()
        if self.options.success.accepted(answer):
            raise RefusalLooksLikeLaunch(
                f"the tool's answer to an id_token that is not a JWT passes as a launch "
                f"({self.options.success.describe()}): {answer.excerpt()} — its refusals cannot be told from its "
                "launches; pass --success-text with a text only a launched page shows (or --success-status)")

    def run_case(self, case: Case) -> CaseResult:
        result = CaseResult(case.id, case.group, case.title, case.expect, case.severity, targets=case.targets)
        ctx = Context(self.setup)
        try:
            if case.prepare is not None:
                case.prepare(self.platform)
            attempt = case.build(ctx)
            answer = attempt.answer
            if answer is None:
                assert attempt.id_token is not None, f"case {case.id} gave neither an id_token nor an answer"
                answer = (attempt.flow or ctx.flow).post(attempt.id_token, attempt.state, attempt.browser)
            if attempt.after is not None:
                attempt.after(attempt)
            result.outcome = attempt.outcome or self.options.success.outcome(answer)
            result.answer, result.reason = answer.excerpt(), reasons.reason(answer)
            result.refused_by = reasons.refused_by(answer) if result.outcome is Outcome.REFUSED else None
            if attempt.id_token is not None and ctx.started:
                result.changes = changes((ctx.flow.header, ctx.flow.claims), jwt_parts(attempt.id_token))
            result.changes += [attempt.note] if attempt.note else []
            result.notes = attempt.notes
        except ProbeError as exc:
            result.outcome, result.error = Outcome.ERROR, str(exc)
        except Exception as exc:  # one broken case (an odd JWKS, a tool's odd page) must not end the run
            result.outcome, result.error = Outcome.ERROR, f"{type(exc).__name__}: {exc}"
        finally:
            ctx.close()
        return result

    def check_deep_linking(self) -> deep_linking.DeepLinkingResult:
        ctx = Context(self.setup)
        try:
            flow = ctx.start(message_type=DEEP_LINKING_REQUEST)
            answer = flow.post(flow.id_token)
            if self.options.success.crashed(answer):
                return deep_linking.DeepLinkingResult(error=f"the tool crashed on a deep linking launch: {answer.excerpt()}")
            found = deep_linking.find_response(answer.text, answer.url)
            if found is None:
                return deep_linking.DeepLinkingResult(
                    error=f"the tool's answer to a deep linking launch has no form with a JWT field: {answer.excerpt()}")
            return deep_linking.check(found, flow.claims, self.reg, self.platform)
        except ProbeError as exc:
            return deep_linking.DeepLinkingResult(error=f"no deep linking launch: {exc}")
        except Exception as exc:  # an odd answer must not end the run: nothing was verified, say why
            return deep_linking.DeepLinkingResult(error=f"the deep linking check failed: {type(exc).__name__}: {exc}")
        finally:
            ctx.close()


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
    try:
        baseline, claims = probe.baseline()
        probe.control()
        result = ProbeResult(reg.name, reg.client_id, platform.base_url, course, user, options.success, baseline, claims,
                             options.fail_on)
        for case in cases:
            outcome = probe.run_case(case)
            result.cases.append(outcome)
            if progress is not None:
                progress(outcome)
        if options.deep_linking:
            result.deep_linking = probe.check_deep_linking()
    finally:
        probe.close()
    result.duration = time.perf_counter() - started
    return result
