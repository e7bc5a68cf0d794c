"""The conformance suite: one run against one target, phase by phase.

One entry point, :func:`run_suite`, used by the CLI and by pytest alike. A run discovers the
sandbox (:mod:`.discovery`), runs the semantic checks (:mod:`.semantics`), the stateless phase
(:mod:`.stateless`: generated and known-good cases, steered, executed and judged) and the
stateful one (:mod:`.stateful`), then deletes what it created (:mod:`.fixtures`). Every part
works on the run's :class:`~.context.RunContext`; only this module knows them all.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from . import fixtures
from .context import RunContext
from .coverage import coverage
from .discovery import discover, reset_mock
from .execution import Executor
from .options import PROFILES, Profile, SuiteOptions
from .report import RunResult, not_reached
from .safety import BudgetExhausted
from .semantics import run_semantics
from .stateful import run_stateful
from .stateless import StatelessPhase
from .targets import Target

__all__ = ["PROFILES", "Profile", "Suite", "SuiteOptions", "run_suite"]


def declares_success(raw: dict, op: dict) -> bool:
    """Whether the spec declares a success answer (2xx/3xx) for ``op``; a not-found page's only
    answer is its 404, and never reaching a 2xx is no warning there."""
    responses = raw["paths"][op["path"]][op["method"].lower()].get("responses", {})
    return any(str(status)[:1] in "23" for status in responses)


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
        gaps = {row.operation: row.unchecked for row in coverage(ctx.raw)}
        for op in ctx.selected():  # every selected operation has its row, reached or not, with its known gaps
            stat = ctx.result.stat(op["operationId"])
            stat.mock_only = op["mock_only"]
            stat.expects_success = declares_success(ctx.raw, op)
            stat.uncovered += [] if op["mock_only"] else gaps.get(op["operationId"], [])
        try:
            ctx.options.progress(f"target {ctx.result.target}; profile {ctx.options.profile}; seed {ctx.options.seed}; "
                                 f"{ctx.options.examples} examples per operation and mode")
            with self.phase("discovery"):
                discover(ctx)
            if ctx.options.semantic and not ctx.stopped:
                ctx.options.progress("semantic checks:")
                with self.phase("semantic"):
                    run_semantics(ctx)
            ctx.options.progress("stateless checks:")
            with self.phase("stateless"):
                StatelessPhase(ctx, self.executor).run()
            if ctx.options.stateful and not ctx.stopped:
                ctx.options.progress("stateful checks:")
                with self.phase("stateful"):
                    if ctx.target.is_mock:
                        reset_mock(ctx)
                    run_stateful(ctx)
        except BudgetExhausted as exc:
            ctx.stopped = str(exc)
        except KeyboardInterrupt as exc:
            ctx.result.interrupt(str(exc) or "Ctrl-C (SIGINT)")
        finally:
            try:
                fixtures.cleanup(ctx)
            finally:
                self.finish(time.monotonic() - started)
        return ctx.result

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Count the requests a phase sends (the report breaks the total down by phase)."""
        before = self.ctx.target.gate.sent
        try:
            yield
        finally:
            requests = self.ctx.result.phase_requests
            requests[name] = requests.get(name, 0) + self.ctx.target.gate.sent - before

    def finish(self, duration: float) -> None:
        """The totals; an interrupted run marks every selected operation it did not reach."""
        ctx, result = self.ctx, self.ctx.result
        if ctx.stopped:
            result.interrupt(ctx.stopped)
        if result.interrupted:
            for op in ctx.selected():
                stat = result.stat(op["operationId"])
                if not stat.cases and not stat.skipped:
                    stat.skipped = not_reached(result.interrupted)
        result.requests_sent = ctx.target.gate.sent
        result.duration = duration
        if ctx.target.gate.throttled:
            result.notes.append(f"backed off {ctx.target.gate.throttled}× on Canvas rate limiting")


def run_suite(target: Target, options: SuiteOptions) -> RunResult:
    return Suite(target, options).run()
