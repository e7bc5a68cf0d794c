"""Keyword-level schema comparison: type, format, enum, const, ``x-extensible-enum``, bounds,
multipleOf, uniqueItems, pattern, nullable, default (the 2020-12 applicators: ``subschemas``).

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

#: (keyword, rule stem, is an upper bound, absent value equivalent). A bound that appears
#: where there was none is reported as ``{stem}-set`` when that rule exists: a warning for
#: requests, as oasdiff rates it (see the README), since the limit usually existed unwritten.
_BOUNDS: tuple[tuple[str, str, bool, float | None], ...] = (
    ("maximum", "max", True, None),
    ("minimum", "min", False, None),
    ("exclusiveMaximum", "exclusive-max", True, None),
    ("exclusiveMinimum", "exclusive-min", False, None),
    ("maxLength", "max-length", True, None),
    ("minLength", "min-length", False, 0),
    ("maxItems", "max-items", True, None),
    ("minItems", "min-items", False, 0),
    ("maxProperties", "max-properties", True, None),
    ("minProperties", "min-properties", False, 0),
    ("maxContains", "max-contains", True, None),
    ("minContains", "min-contains", False, 1),
)
_SET_RULES = frozenset(
    {"max", "min", "exclusive-max", "exclusive-min", "max-length", "min-length", "max-items",
     "min-items", "max-properties", "min-properties"}
)


def _type_label(found: frozenset[str]) -> str:
    return "|".join(sorted(found)) or "any"


def diff_type(
    ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str, side: str
) -> bool:
    """Emit type findings; False when the change is incompatible (stop descending)."""
    old_none, new_none = o.get("not") == {}, n.get("not") == {}  # the "false" schema
    if old_none != new_none:
        wider = old_none  # from "nothing" to something
        change = "no value allowed" if new_none else "values allowed again"
        if wider == (side == "request"):
            ctx.emit(f"{prefix}-type-{'widened' if wider else 'narrowed'}", location, change)
        else:
            ctx.emit(f"{prefix}-type-changed", location, change)
        return False
    old_types, new_types = schema_types(o, ctx.old), schema_types(n, ctx.new)
    if old_types == new_types:
        return True
    old_x, new_x = expand_types(old_types), expand_types(new_types)
    where = location + "/type"
    change = f"type changed from {_type_label(old_types)} to {_type_label(new_types)}"
    if (ctx.weak or prefix == "request-parameter") and _loose_swap(old_types, new_types, side):
        ctx.emit(f"{prefix}-type-compatible", where, change + " (sent as text either way)")
        return bool(old_x & new_x)  # disjoint types (object -> string): what lies deeper is noise, as the reverse
    if side == "request":
        if not new_types or (old_types and old_x <= new_x):
            ctx.emit(f"{prefix}-type-widened", where, change + " (accepts more)")
            return True
    elif not old_types or (new_types and new_x <= old_x):
        ctx.emit(f"{prefix}-type-narrowed", where, change + " (returns less)")
        return True
    ctx.emit(f"{prefix}-type-changed", where, change)
    return False


def _loose_swap(old: frozenset[str], new: frozenset[str], side: str) -> bool:
    """Where values travel as text (parameters, non-JSON bodies), anything is a valid string:
    a request may widen to ``string``, a response may narrow from it (oasdiff's rule)."""
    if side == "request":
        return bool(old) and new <= {"string"}
    return old == {"string"} and bool(new)


#: (from, to) pairs where format ``to`` accepts every value of format ``from`` (oasdiff's).
_WIDER_FORMATS = frozenset(
    {("date", "date-time"), ("time", "date-time"), ("int32", "int64"), ("int32", "bigint"),
     ("int64", "bigint"), ("float", "double")}
)  # fmt: skip


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
            rule = "changed"
            if prefix.startswith("request") and (old_format, new_format) in _WIDER_FORMATS:
                rule = "generalized"
            elif prefix.startswith("response") and (new_format, old_format) in _WIDER_FORMATS:
                rule = "specialized"
            ctx.emit(
                f"{prefix}-format-{rule}",
                where,
                f"format changed from {old_format!r} to {new_format!r}",
            )
    _diff_enum(ctx, o, n, location, prefix)
    _diff_const(ctx, o, n, location, prefix)
    _diff_extensible_enum(ctx, o, n, location, prefix)
    for upper in (True, False):
        _diff_range(ctx, o, n, location, prefix, upper)
    for keyword, stem, upper, absent in _BOUNDS[4:]:
        if keyword in o or keyword in n:
            _diff_bound(ctx, o, n, location, prefix, keyword, stem, upper, absent)
    _diff_multiple_of(ctx, _number(o.get("multipleOf")), _number(n.get("multipleOf")), location, prefix)
    if bool(o.get("uniqueItems")) != bool(n.get("uniqueItems")):
        change = "added" if n.get("uniqueItems") else "removed"
        ctx.emit(f"{prefix}-unique-items-{change}", location + "/uniqueItems", f"uniqueItems {change}")
    _diff_pattern(ctx, o.get("pattern"), n.get("pattern"), location, prefix)
    old_null, new_null = is_nullable(o), is_nullable(n)
    if old_null != new_null:
        rule = "became-nullable" if new_null else "became-not-nullable"
        ctx.emit(
            f"{prefix}-{rule}",
            location + "/nullable",
            "null is now allowed" if new_null else "null is no longer allowed",
        )
    if ("default" in o or "default" in n) and canon(o.get("default")) != canon(n.get("default")):
        change = "added" if "default" not in o else "removed" if "default" not in n else "changed"
        ctx.emit(
            f"{prefix}-default-value-{change}",
            location + "/default",
            f"default changed from {short(o.get('default'))} to {short(n.get('default'))}",
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


def _diff_pattern(ctx: Context, old: Any, new: Any, location: str, prefix: str) -> None:
    """Added narrows; changed may narrow or widen (regexes are not compared), unless the new
    one matches anything."""
    if old == new:
        return
    where = location + "/pattern"
    if old is None:
        ctx.emit(f"{prefix}-pattern-added", where, f"pattern {new!r} added")
    elif new is None:
        ctx.emit(f"{prefix}-pattern-removed", where, f"pattern {old!r} removed")
    else:
        rule = "generalized" if new in (".*", "^.*$", "") else "changed"
        ctx.emit(f"{prefix}-pattern-{rule}", where, f"pattern changed from {old!r} to {new!r}")


def _diff_multiple_of(ctx: Context, old: float | None, new: float | None, location: str, prefix: str) -> None:
    """Multiples of 4 are multiples of 2: 2 -> 4 narrows, 4 -> 2 widens, 2 -> 3 does both."""
    if old == new:
        return
    if new is None or (old is not None and new and _divides(new, old)):
        direction = "widened"
    elif old is None or (old and _divides(old, new)):
        direction = "narrowed"
    else:
        direction = "changed"
    ctx.emit(
        f"{prefix}-multiple-of-{direction}",
        location + "/multipleOf",
        f"multipleOf changed from {_fmt(old)} to {_fmt(new)}",
    )


def _divides(divisor: float, value: float) -> bool:
    quotient = value / divisor
    return abs(quotient - round(quotient)) < 1e-9


def _diff_const(
    ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str
) -> None:
    if "const" not in o and "const" not in n:
        return
    where = location + "/const"
    if "const" in o and "const" in n:
        if canon(o["const"]) != canon(n["const"]):
            ctx.emit(
                f"{prefix}-const-changed",
                where,
                f"const changed from {short(o['const'])} to {short(n['const'])}",
            )
        return
    if "const" in n:
        ctx.emit(f"{prefix}-const-added", where, f"value fixed to {short(n['const'])}")
    else:
        ctx.emit(f"{prefix}-const-removed", where, f"const {short(o['const'])} removed")


def _diff_extensible_enum(
    ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str
) -> None:
    """``x-extensible-enum`` (Zalando's guidelines): clients must accept new values, but a
    value they send today must stay accepted."""
    old_values = o.get("x-extensible-enum")
    new_values = n.get("x-extensible-enum")
    if not isinstance(old_values, list) and not isinstance(new_values, list):
        return
    old_set = {canon(v) for v in old_values or []}
    new_set = {canon(v) for v in new_values or []}
    where = location + "/x-extensible-enum"
    if removed := sorted(old_set - new_set):
        ctx.emit(
            f"{prefix}-extensible-enum-value-removed",
            where,
            "x-extensible-enum values removed: " + _values(removed),
        )
    if added := sorted(new_set - old_set):
        ctx.emit(
            f"{prefix}-extensible-enum-value-added",
            where,
            "x-extensible-enum values added: " + _values(added),
        )


def _values(canonical: Iterable[str], limit: int = 8) -> str:
    """Enum members as JSON literals, sorted, truncated for long lists."""
    values = sorted(canonical)
    shown = ", ".join(values[:limit])
    return shown + (f" (+{len(values) - limit} more)" if len(values) > limit else "")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _bound(schema: dict[str, Any], upper: bool) -> tuple[float, bool] | None:
    """The effective maximum (or minimum) and whether it is exclusive, in either spelling:
    3.0's ``minimum: 0, exclusiveMinimum: true`` is 3.1's ``exclusiveMinimum: 0``."""
    inclusive = _number(schema.get("maximum" if upper else "minimum"))
    exclusive = schema.get("exclusiveMaximum" if upper else "exclusiveMinimum")
    if exclusive is True and inclusive is not None:
        return inclusive, True
    value = _number(exclusive)
    if value is not None and (inclusive is None or (value <= inclusive if upper else value >= inclusive)):
        return value, True
    return None if inclusive is None else (inclusive, False)


def _diff_range(ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str, upper: bool) -> None:
    """maximum/exclusiveMaximum (or the minimums) compared as one bound: a bound that only changes
    spelling is no change, one that turns exclusive at the same value is tightened."""
    old, new = _bound(o, upper), _bound(n, upper)
    if old == new:
        return
    names = ("exclusiveMaximum", "exclusive-max") if upper else ("exclusiveMinimum", "exclusive-min")
    plain = ("maximum", "max") if upper else ("minimum", "min")
    if old is None or new is None or old[1] == new[1]:
        present = new if new is not None else old
        keyword, stem = names if present[1] else plain
        before = {} if old is None else {keyword: old[0]}
        after = {} if new is None else {keyword: new[0]}
        _diff_bound(ctx, before, after, location, prefix, keyword, stem, upper, None)
        return
    moved = new[0] < old[0] if upper else new[0] > old[0]
    tighter = moved or (new[0] == old[0] and new[1])
    keyword, stem = names if new[1] or new[0] == old[0] else plain  # same value: exclusivity changed
    suffix = ("decreased" if tighter else "increased") if upper else ("increased" if tighter else "decreased")
    label = "exclusive" if new[1] else "inclusive"
    ctx.emit(f"{prefix}-{stem}-{suffix}", f"{location}/{keyword}",
             f"{'upper' if upper else 'lower'} bound changed from {_fmt(old[0])} to {label} {_fmt(new[0])}")


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
    if tighter and _number(o.get(keyword)) is None and stem in _SET_RULES:
        suffix = "set"
    ctx.emit(
        f"{prefix}-{stem}-{suffix}",
        f"{location}/{keyword}",
        f"{keyword} changed from {_fmt(old_value)} to {_fmt(new_value)}",
    )


def _fmt(value: float | None) -> str:
    return "none" if value is None else str(value)
