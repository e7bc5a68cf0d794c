"""The conformance suite: one run against one target, phase by phase.

One entry point, :func:`run_suite`, used by the CLI and by pytest alike. A run discovers the
sandbox (:mod:`.discovery`), runs the semantic checks (:mod:`.semantics`), the stateless phase
(:mod:`.stateless`: generated and known-good cases, steered, executed and judged) and the
stateful one (:mod:`.stateful`), then deletes what it created (:mod:`.fixtures`). Every part
works on the run's :class:`~.context.RunContext`; only this module knows them all.
"""

from __future__ import annotations

import time

from . import fixtures
from .context import RunContext
from .discovery import discover, reset_mock
from .execution import Executor
from .options import PROFILES, Profile, SuiteOptions
from .report import NOT_RUN, RunResult
from .safety import BudgetExhausted
from .semantics import run_semantics
from .stateful import run_stateful
from .stateless import StatelessPhase
from .targets import Target

__all__ = ["PROFILES", "Profile", "Suite", "SuiteOptions", "run_suite"]


class Suite:
    """One run against one target: the phases in order, then clean-up and the totals."""

    def __init__(self, target: Target, options: SuiteOptions) -> None:
        self.ctx = RunContext(target, options)
        self.executor = Executor(self.ctx)

    @property
    def result(self) -> RunResult:
        return self.ctx.result

    @property
    def ags_trace(self) -> list[str]:
        return self.ctx.ags_trace

    def run(self) -> RunResult:
        ctx = self.ctx
        started = time.monotonic()
        ctx.target.gate.start()
        try:
            ctx.options.progress(f"target {ctx.result.target}; profile {ctx.options.profile}; seed {ctx.options.seed}; "
                                 f"{ctx.options.examples} examples per operation and mode")
            discover(ctx)
            if ctx.options.semantic and not ctx.stopped:
                ctx.options.progress("semantic checks:")
                run_semantics(ctx)
            ctx.options.progress("stateless checks:")
            StatelessPhase(ctx, self.executor).run()
            if ctx.options.stateful and not ctx.stopped:
                if ctx.target.is_mock:
                    reset_mock(ctx)
                ctx.options.progress("stateful checks:")
                run_stateful(ctx)
        except BudgetExhausted as exc:
            ctx.stopped = str(exc)
        except KeyboardInterrupt:
            ctx.result.interrupted = True
            ctx.result.notes.append("interrupted")
        finally:
            try:
                fixtures.cleanup(ctx)
            finally:
                self.finish(time.monotonic() - started)
        return ctx.result

    def finish(self, duration: float) -> None:
        """The totals, and a row for every selected operation a stop kept from running."""
        ctx, result = self.ctx, self.ctx.result
        if ctx.stopped:
            result.notes.append(f"stopped early: {ctx.stopped}")
            for op in ctx.selected():
                if op["operationId"] not in result.stats:
                    result.stat(op["operationId"]).skipped = f"{NOT_RUN} {ctx.stopped}"
        result.requests_sent = ctx.target.gate.sent
        result.duration = duration
        if ctx.target.gate.throttled:
            result.notes.append(f"backed off {ctx.target.gate.throttled}× on Canvas rate limiting")


def run_suite(target: Target, options: SuiteOptions) -> RunResult:
    return Suite(target, options).run()
