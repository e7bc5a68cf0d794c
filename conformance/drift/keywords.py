"""Keyword-level schema comparison: type, format, enum, bounds, pattern, nullable, default.

Each keyword is compared on already-resolved schemas; the rule family (``prefix``) carries the
direction, so "maxLength decreased" is breaking for a request and harmless for a response.
Absent bounds mean "unbounded" (``minLength``/``minItems``: 0), so spelling out a default is
not a change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conformance.drift.context import Context
from conformance.drift.normalize import (
    canon,
    enum_values,
    expand_types,
    is_nullable,
    schema_types,
    short,
)

#: (keyword, rule stem, is an upper bound, absent value equivalent)
_BOUNDS: tuple[tuple[str, str, bool, float | None], ...] = (
    ("maximum", "max", True, None),
    ("minimum", "min", False, None),
    ("maxLength", "max-length", True, None),
    ("minLength", "min-length", False, 0),
    ("maxItems", "max-items", True, None),
    ("minItems", "min-items", False, 0),
)


def _type_label(found: frozenset[str]) -> str:
    return "|".join(sorted(found)) or "any"


def diff_type(
    ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str, side: str
) -> bool:
    """Emit type findings; False when the change is incompatible (stop descending)."""
    old_types, new_types = schema_types(o, ctx.old), schema_types(n, ctx.new)
    if old_types == new_types:
        return True
    old_x, new_x = expand_types(old_types), expand_types(new_types)
    where = location + "/type"
    change = f"type changed from {_type_label(old_types)} to {_type_label(new_types)}"
    if side == "request":
        if not new_types or (old_types and old_x <= new_x):
            ctx.emit(f"{prefix}-type-widened", where, change + " (accepts more)")
            return True
    elif not old_types or (new_types and new_x <= old_x):
        ctx.emit(f"{prefix}-type-narrowed", where, change + " (returns less)")
        return True
    ctx.emit(f"{prefix}-type-changed", where, change)
    return False


def diff_keywords(
    ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str
) -> None:
    """Every keyword except ``type`` (see :func:`diff_type`)."""
    old_format, new_format = o.get("format"), n.get("format")
    if old_format != new_format:
        where = location + "/format"
        if old_format is None:
            ctx.emit(f"{prefix}-format-added", where, f"format {new_format!r} added")
        elif new_format is None:
            ctx.emit(f"{prefix}-format-removed", where, f"format {old_format!r} removed")
        else:
            ctx.emit(
                f"{prefix}-format-changed",
                where,
                f"format changed from {old_format!r} to {new_format!r}",
            )
    _diff_enum(ctx, o, n, location, prefix)
    for keyword, stem, upper, absent in _BOUNDS:
        _diff_bound(ctx, o, n, location, prefix, keyword, stem, upper, absent)
    old_pattern, new_pattern = o.get("pattern"), n.get("pattern")
    if old_pattern != new_pattern:
        where = location + "/pattern"
        if old_pattern is None:
            ctx.emit(f"{prefix}-pattern-added", where, f"pattern {new_pattern!r} added")
        elif new_pattern is None:
            ctx.emit(f"{prefix}-pattern-removed", where, f"pattern {old_pattern!r} removed")
        else:
            ctx.emit(
                f"{prefix}-pattern-changed",
                where,
                f"pattern changed from {old_pattern!r} to {new_pattern!r}",
            )
    old_null, new_null = is_nullable(o), is_nullable(n)
    if old_null != new_null:
        rule = "became-nullable" if new_null else "became-not-nullable"
        ctx.emit(
            f"{prefix}-{rule}",
            location + "/nullable",
            "null is now allowed" if new_null else "null is no longer allowed",
        )
    if ("default" in o or "default" in n) and canon(o.get("default")) != canon(n.get("default")):
        ctx.emit(
            f"{prefix}-default-value-changed",
            location + "/default",
            f"default changed from {short(o.get('default'))} to {short(n.get('default'))}",
        )
    if prefix == "request-property" and bool(o.get("readOnly")) != bool(n.get("readOnly")):
        if n.get("readOnly"):
            ctx.emit(
                "request-property-became-read-only",
                location + "/readOnly",
                "property became readOnly: values sent are ignored",
            )
        else:
            ctx.emit(
                "request-property-became-writable",
                location + "/readOnly",
                "property is no longer readOnly",
            )


def _diff_enum(
    ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str
) -> None:
    old_enum, new_enum = enum_values(o), enum_values(n)
    where = location + "/enum"
    if old_enum is None and new_enum is None:
        return
    if old_enum is None:
        ctx.emit(
            f"{prefix}-enum-added",
            where,
            "values restricted to " + _values(new_enum or {}),
        )
        return
    if new_enum is None:
        ctx.emit(f"{prefix}-enum-removed", where, "enum constraint removed: any value allowed")
        return
    removed = sorted(old_enum.keys() - new_enum.keys())
    added = sorted(new_enum.keys() - old_enum.keys())
    if removed:
        ctx.emit(f"{prefix}-enum-value-removed", where, "enum values removed: " + _values(removed))
    if added:
        ctx.emit(f"{prefix}-enum-value-added", where, "enum values added: " + _values(added))


def _values(canonical: Iterable[str], limit: int = 8) -> str:
    """Enum members as JSON literals, sorted, truncated for long lists."""
    values = sorted(canonical)
    shown = ", ".join(values[:limit])
    return shown + (f" (+{len(values) - limit} more)" if len(values) > limit else "")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _diff_bound(
    ctx: Context,
    o: dict[str, Any],
    n: dict[str, Any],
    location: str,
    prefix: str,
    keyword: str,
    stem: str,
    upper: bool,
    absent: float | None,
) -> None:
    old_value = _number(o.get(keyword))
    new_value = _number(n.get(keyword))
    old_value = absent if old_value is None else old_value
    new_value = absent if new_value is None else new_value
    if old_value == new_value:
        return
    if upper:  # None == +infinity
        tighter = new_value is not None and (old_value is None or new_value < old_value)
        suffix = "decreased" if tighter else "increased"
    else:  # None == -infinity (or the absent default)
        tighter = new_value is not None and (old_value is None or new_value > old_value)
        suffix = "increased" if tighter else "decreased"
    ctx.emit(
        f"{prefix}-{stem}-{suffix}",
        f"{location}/{keyword}",
        f"{keyword} changed from {_fmt(old_value)} to {_fmt(new_value)}",
    )


def _fmt(value: float | None) -> str:
    return "none" if value is None else str(value)
