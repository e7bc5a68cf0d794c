"""``x-sunset`` and ``x-stability-level``: the promises a description makes about its own future.

oasdiff's extensions: a deprecated operation or parameter may carry ``x-sunset`` (the date until
which it stays, ``YYYY-MM-DD`` or RFC 3339), an operation ``x-stability-level`` (draft < alpha <
beta < stable). Clients plan removals around these, so withdrawing a sunset date, or writing one
(or a level) that cannot be read, is breaking: nobody can tell any more what was promised.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from conformance.drift.context import Context

#: oasdiff's ``x-stability-level`` ladder: a promise may only grow.
STABILITY = {"draft": 0, "alpha": 1, "beta": 2, "stable": 3}


def sunset_date(value: Any) -> date | None:
    """The date an ``x-sunset`` value names, or None when it names none."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def before_sunset(element: dict[str, Any], today: date | None = None) -> bool:
    """Whether a deprecated element's ``x-sunset`` lies ahead: clients were promised it until then.
    An unreadable date counts as ahead (be safe)."""
    if element.get("x-sunset") is None:
        return False
    when = sunset_date(element["x-sunset"])
    return when is None or when > (today or date.today())


def diff_sunset(ctx: Context, old: dict[str, Any], new: dict[str, Any], prefix: str, where: str, what: str) -> None:
    """A deprecated element whose sunset date was dropped, or changed to (or from) an unreadable one."""
    if not new.get("deprecated"):
        return
    before, after = old.get("x-sunset"), new.get("x-sunset")
    if before is not None and after is None:
        ctx.emit(f"{prefix}-sunset-removed", where + "/x-sunset", f"{what}: x-sunset {before} removed")
    elif after is not None and (before != after or not old.get("deprecated")):
        unreadable = [v for v in (before, after) if v is not None and sunset_date(v) is None]
        if unreadable:
            ctx.emit(f"{prefix}-sunset-invalid", where + "/x-sunset", f"{what}: x-sunset {unreadable[0]!r} is not a date")


def diff_stability(ctx: Context, old: dict[str, Any], new: dict[str, Any]) -> None:
    before, after = old.get("x-stability-level"), new.get("x-stability-level")
    invalid = [v for v in (before, after) if v is not None and v not in STABILITY]
    if invalid:
        if old != new:  # a level nobody can read: the change cannot be judged against it
            ctx.emit("operation-stability-invalid", "/x-stability-level",
                     f"x-stability-level {invalid[0]!r} is not one of {', '.join(STABILITY)}")
        return
    old_rank, new_rank = STABILITY.get(before or "stable"), STABILITY.get(after or "stable")
    if before is None or after is None or old_rank == new_rank:
        return
    change = "decreased" if new_rank < old_rank else "increased"
    ctx.emit(f"operation-stability-{change}", "/x-stability-level", f"x-stability-level {before} -> {after}")
