"""Semantic checks: a well-formed wrong answer must fail the suite.

Shape checks (schemas, media types, Link grammar, error families) pass a mock that ignores a
filter or accepts a stale score. These checks judge meaning instead, one promise each, from the
answers plus the requests they send themselves, so most run unchanged against a real Canvas.
Each is registered with the § of ``canvas-lti-behavior.md`` it enforces, the operations it
verifies (it runs when any of them is selected), whether it writes (then only with
``--allow-writes``) and whether it needs the mock's control API (``mock_only``: skipped against
a real Canvas). What a module's checks cannot see is registered next to them with
:func:`not_checked`, so the coverage table (:mod:`conformance.coverage`) says so.

A new check is one decorated function in any module of this package: modules are found, not listed.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from ..auth import TokenError
from ..context import RunContext
from ..report import OperationStats, not_reached
from ..safety import BudgetExhausted, WriteRefused
from .probe import Probe, Skip

#: Modules of this package that hold no checks.
INFRASTRUCTURE = frozenset({"pages", "probe"})
MOCK_ONLY_SKIP = "mock-only: needs the mock's control API"

Check = Callable[[Probe], None]


@dataclass(frozen=True)
class SemanticCheck:
    name: str
    section: str
    operations: tuple[str, ...]
    writes: bool
    mock_only: bool
    func: Check

    @property
    def summary(self) -> str:
        """The first line of the check's docstring: the promise it verifies."""
        return (self.func.__doc__ or "").strip().splitlines()[0] if self.func.__doc__ else ""


@dataclass(frozen=True)
class Gap:
    """Something an operation promises that no check verifies, and why."""

    operation: str
    what: str
    why: str


REGISTRY: dict[str, SemanticCheck] = {}
GAPS: list[Gap] = []


def semantic_check(section: str, *operations: str, writes: bool = False,
                   mock_only: bool = False) -> Callable[[Check], Check]:
    """Register ``func`` under its name; it verifies ``operations`` as ``section`` describes."""

    def register(func: Check) -> Check:
        REGISTRY[func.__name__] = SemanticCheck(func.__name__, section, operations, writes, mock_only, func)
        return func

    return register


def not_checked(operation: str, what: str, why: str) -> None:
    """Declare that ``what`` (a promise of ``operation``) stays unchecked, and why."""
    gap = Gap(operation, what, why)
    if gap not in GAPS:
        GAPS.append(gap)


def load() -> None:
    """Import every check module of the package (they register on import)."""
    for module in pkgutil.iter_modules(__path__):
        if module.name not in INFRASTRUCTURE:
            importlib.import_module(f"{__name__}.{module.name}")


def all_semantic_checks() -> list[SemanticCheck]:
    """Every check, in the order a run takes them: read-only ones, then writes, then those that
    change the mock itself (its clock, its keys), so no check disturbs another."""
    load()
    return sorted(REGISTRY.values(), key=lambda c: (c.mock_only, c.writes))


def all_gaps() -> list[Gap]:
    load()
    return list(GAPS)


def run_semantics(ctx: RunContext) -> None:
    """Run every semantic check whose operations are selected; findings go to the run's result,
    and each operation's row learns which checks judged it or why one could not."""
    selected = {op["operationId"] for op in ctx.selected()}
    probe = Probe(ctx)
    for check in all_semantic_checks():
        verified = [op for op in check.operations if op in selected]
        if not verified:
            continue
        stat = ctx.result.stat(f"semantic:{check.name}")
        stat.skipped = _skip_reason(ctx, check)
        if stat.skipped is None:
            _run_one(ctx, probe, check, stat)
        for operation in verified:
            row = ctx.result.stat(operation)
            if stat.skipped and not stat.cases:
                row.uncovered.append(f"{check.name}: {stat.skipped}")
            else:
                row.checks.add(check.name)


def _skip_reason(ctx: RunContext, check: SemanticCheck) -> str | None:
    if check.mock_only and not ctx.target.is_mock:
        return MOCK_ONLY_SKIP
    if check.writes and not ctx.may_write():
        return "writes (read-only run; pass --allow-writes)"
    if ctx.stopped:
        return not_reached(ctx.stopped)
    return None


def _run_one(ctx: RunContext, probe: Probe, check: SemanticCheck, stat: OperationStats) -> None:
    try:
        probe.run(check.name, check.section, check.func)
        stat.cases += 1  # one case per check that judged something (its requests show as statuses)
    except Skip as exc:
        stat.skipped = str(exc)
    except BudgetExhausted as exc:
        ctx.stopped = str(exc)
        stat.skipped = not_reached(ctx.stopped)
    except (WriteRefused, TokenError) as exc:
        stat.errors.append(f"{type(exc).__name__}: {exc}")
    except AssertionError as exc:
        stat.cases += 1
        probe.fail(check.operations[0], str(exc))
    except Exception as exc:  # a bug in the check, or an answer it could not read at all
        stat.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        probe.cleanup()


__all__ = ["GAPS", "REGISTRY", "Gap", "Probe", "SemanticCheck", "Skip", "all_gaps", "all_semantic_checks",
           "not_checked", "run_semantics", "semantic_check"]
