"""The stateless phase: per operation and generation mode, Hypothesis draws cases from
schemathesis's strategies; each is steered, executed and judged, then the operation's
known-good requests (:mod:`.recipes`) are sent the same way."""

from __future__ import annotations

import functools
import time
from typing import Any

import hypothesis
import hypothesis.strategies as st
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET

from . import fixtures
from .context import READ_METHODS, RunContext, ScopesUnavailable
from .discovery import reset_mock
from .execution import Executor
from .recipes import Recipes, RecipeUnavailable
from .report import not_reached
from .safety import BudgetExhausted, RunStopped, WriteRefused
from .steering import steer
from .tracking import revokes_credentials


class CheckFailed(AssertionError):
    """Raised in a Hypothesis test after a check failed (and was recorded), so it shrinks."""


@functools.cache
def check_failure(check: str) -> type[CheckFailed]:
    """One exception class per check: Hypothesis tells failures apart by type, and shrinks
    each kind of failure to its own minimal example."""
    return type(f"{check}_failed", (CheckFailed,), {})


#: The mock's demo tool is a tool the mock serves, not platform behaviour: its answers need a whole
#: launch (login, id_token, state) and tests/launch/test_demo_tool.py holds them.
TOOL_TAG = "DemoTool"
TOOL_SKIP = "the mock's demo tool (a tool, not the platform; tests/launch/test_demo_tool.py holds it)"


def skip_reason(ctx: RunContext, op: dict[str, Any]) -> str | None:
    """Why ``op`` cannot run against this target (None: it can)."""
    if TOOL_TAG in op["tags"]:
        return TOOL_SKIP
    if op["method"] not in READ_METHODS and not ctx.may_write():
        return "write operation (read-only run; pass --allow-writes)"
    alternatives = ctx.scope_sets(op["operationId"])
    if alternatives and ctx.tokens.choose_scopes(alternatives) is None:
        return "the sandbox tool is not granted the scopes it needs: " + " | ".join(" ".join(a) for a in alternatives)
    return None


class StatelessPhase:
    """Generated cases, then known-good requests, operation by operation."""

    def __init__(self, ctx: RunContext, executor: Executor) -> None:
        self.ctx = ctx
        self.executor = executor
        self.recipes = Recipes(ctx)

    def run(self) -> None:
        ctx = self.ctx
        for op in ctx.selected():
            stat = ctx.result.stat(op["operationId"])
            reason = skip_reason(ctx, op)
            if reason:
                stat.skipped = reason
                continue
            if ctx.stopped:
                stat.skipped = not_reached(ctx.stopped)
                continue
            operation = ctx.schema[op["path"]][op["method"]]
            started = time.monotonic()
            for mode in ctx.options.modes:
                if op["method"] not in READ_METHODS and op["operationId"] != "createLineItem":
                    fixtures.ensure_line_items(ctx, 3 if op["operationId"] == "deleteLineItem" else 1)
                fixtures.ensure_rest_fixtures(ctx, op)
                self.generate(op, operation, mode)
            with ctx.tolerant(f"{op['operationId']} known-good request"):
                self.send_recipes(op, operation)
            ctx.options.progress(
                f"  {op['operationId']:<24} {stat.cases:>4} cases  "
                f"{sum(f.count for f in ctx.result.failures_for(op['operationId'])):>3} failures  "
                f"{time.monotonic() - started:5.1f}s")
            if op["operationId"] in ("resetMock", "putMockState") or (ctx.target.is_mock and revokes_credentials(op)):
                reset_mock(ctx)

    def generate(self, op: dict[str, Any], operation: Any, mode: GenerationMode) -> None:
        ctx, executor = self.ctx, self.executor

        @settings(max_examples=ctx.options.examples_for(op), database=None, deadline=None,
                  phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck), print_blob=False,
                  verbosity=hypothesis.Verbosity.quiet)
        @hypothesis.given(case=operation.as_strategy(mode), data=st.data())
        def generated(case: Any, data: Any) -> None:
            ctx.halt_if_stopped()
            if not steer(ctx, op, case, mode, data):
                return
            failed = executor.execute(op["operationId"], case)
            ctx.halt_if_stopped()
            if failed:
                # Recorded already; raising lets Hypothesis shrink the example (one kind of
                # failure per check), and the report keeps the shortest reproduction.
                raise check_failure(failed[0])(f"{', '.join(failed)} failed on {op['operationId']}")

        generated = hypothesis.seed(ctx.options.seed)(generated)
        try:
            generated()
        except (hypothesis.errors.Unsatisfiable, RunStopped):
            pass
        except CheckFailed:
            pass  # every failure was recorded when it happened
        except hypothesis.errors.Flaky as exc:
            ctx.result.notes.append(f"{op['operationId']}: a failure did not reproduce while shrinking "
                                    f"({type(exc).__name__})")
        except ExceptionGroup as group:  # several kinds of failure, each shrunk
            if not all(isinstance(e, CheckFailed) for e in group.exceptions):
                raise

    def send_recipes(self, op: dict[str, Any], operation: Any) -> None:
        """Send the operation's known-good requests (:mod:`.recipes`) as cases, through every check."""
        ctx = self.ctx
        if op["operationId"] not in self.recipes or ctx.stopped:
            return
        try:
            known = self.recipes.build(op["operationId"])
        except (RecipeUnavailable, ScopesUnavailable) as exc:
            ctx.result.notes.append(f"{op['operationId']}: no known-good request ({exc})")
            return
        except (BudgetExhausted, WriteRefused) as exc:
            ctx.stopped = str(exc) if isinstance(exc, BudgetExhausted) else ctx.stopped
            return
        for good in known:
            if ctx.target.gate.write_problem(op["method"], op["path"]) is not None:
                return  # a write the gate would refuse (read-only run, or outside the sandbox)
            case = operation.Case(path_parameters=good.path_parameters or None, query=good.query,
                                  headers=good.headers or None, body=good.body if good.body is not None else NOT_SET,
                                  media_type=good.media_type)
            self.executor.execute(op["operationId"], case, phase="known-good request")
