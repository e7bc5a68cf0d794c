"""Semantic checks: a well-formed wrong answer must fail the ctx.

Shape checks (schemas, media types, Link grammar, error families) pass a mock that ignores a
filter or accepts a stale score. These checks judge meaning instead, one rule each, from the
answers alone plus the requests they send themselves, so they run unchanged against a real
Canvas. Each is registered with the § of ``canvas-lti-behavior.md`` it enforces, the operations
it verifies (it runs when any of them is selected) and whether it writes (then only with
``--allow-writes``, and only on line items the run created).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ..auth import TokenError
from ..context import RunContext
from ..safety import BudgetExhausted, WriteRefused
from .probe import Probe, Skip

#: Modules that register checks, in the order their checks run (read-only first).
MODULES = ("tokens", "filters", "paging", "ownership", "rosters", "writes")


@dataclass(frozen=True)
class SemanticCheck:
    name: str
    section: str
    operations: tuple[str, ...]
    writes: bool
    func: Callable[[Probe], None]


REGISTRY: dict[str, SemanticCheck] = {}


def semantic_check(section: str, *operations: str, writes: bool = False) -> Callable[[Callable[[Probe], None]], Callable[[Probe], None]]:
    """Register ``func`` under its name; it verifies ``operations`` as ``section`` describes."""

    def register(func: Callable[[Probe], None]) -> Callable[[Probe], None]:
        REGISTRY[func.__name__] = SemanticCheck(func.__name__, section, operations, writes, func)
        return func

    return register


def all_semantic_checks() -> list[SemanticCheck]:
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return list(REGISTRY.values())


def run_semantics(ctx: RunContext) -> None:
    """Run every semantic check whose operations are selected; findings go to the run's result."""
    selected = {op["operationId"] for op in ctx.selected()}
    probe = Probe(ctx)
    for check in all_semantic_checks():
        if not selected & set(check.operations):
            continue
        stat = ctx.result.stat(f"semantic:{check.name}")
        if check.writes and not ctx.may_write():
            stat.skipped = "writes (read-only run; pass --allow-writes)"
            continue
        if ctx.stopped:
            stat.skipped = f"not run: {ctx.stopped}"
            continue
        try:
            probe.run(check.name, check.section, check.func)
            stat.cases += 1  # one case per check that judged something (its requests show as statuses)
        except Skip as exc:
            stat.skipped = str(exc)
        except BudgetExhausted as exc:
            ctx.stopped = str(exc)
        except (WriteRefused, TokenError) as exc:
            stat.errors.append(f"{type(exc).__name__}: {exc}")
        except AssertionError as exc:
            stat.cases += 1
            probe.fail(check.operations[0], str(exc))
        except Exception as exc:  # a bug in the check, or an answer it could not read at all
            stat.errors.append(f"{type(exc).__name__}: {exc}")


__all__ = ["REGISTRY", "Probe", "SemanticCheck", "Skip", "all_semantic_checks", "run_semantics", "semantic_check"]
