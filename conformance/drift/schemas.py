"""Recursive schema comparison, direction-aware.

The same walk serves parameters, request bodies and response bodies; ``prefix`` picks the rule
family and therefore the severity (narrowing what a request accepts is breaking, widening what a
response returns is a warning or breaking). Recursion follows properties, array items,
``additionalProperties`` and ``oneOf``/``anyOf`` branches, guarded by a depth limit and by the
pair of ``$ref``s being compared (recursive schemas terminate).
"""

from __future__ import annotations

from typing import Any

from conformance.drift.context import Context
from conformance.drift.model import pointer
from conformance.drift.normalize import (
    additional,
    canon,
    enum_values,
    expand_types,
    flatten,
    is_nullable,
    properties,
    required_names,
    schema_types,
    short,
    types,
)

MAX_DEPTH = 24

#: (keyword, rule stem, is an upper bound, absent value equivalent)
_BOUNDS: tuple[tuple[str, str, bool, float | None], ...] = (
    ("maximum", "max", True, None),
    ("minimum", "min", False, None),
    ("maxLength", "max-length", True, None),
    ("minLength", "min-length", False, 0),
    ("maxItems", "max-items", True, None),
    ("minItems", "min-items", False, 0),
)
_OPENNESS = {"closed": 0, "schema": 1, "open": 2}
_Stack = frozenset[tuple[str | None, str | None]]


def diff_schema(
    ctx: Context,
    old: Any,
    new: Any,
    location: str,
    prefix: str,
    depth: int = 0,
    stack: _Stack = frozenset(),
) -> None:
    """Compare two schemas (raw, possibly ``$ref``) and emit findings under ``prefix``."""
    if depth > MAX_DEPTH:
        return
    o, old_ref = flatten(old, ctx.old)
    n, new_ref = flatten(new, ctx.new)
    if old_ref is not None or new_ref is not None:
        if (old_ref, new_ref) in stack:
            return
        stack = stack | {(old_ref, new_ref)}
    if o is n:
        return
    side = "request" if prefix.startswith("request") else "response"
    if not _diff_type(ctx, o, n, location, prefix, side):
        return  # incompatible type: deeper differences would only be noise
    _diff_scalars(ctx, o, n, location, prefix, side)
    nested = f"{side}-property"
    if types(o) & {"object"} or types(n) & {"object"} or properties(o) or properties(n):
        _diff_object(ctx, o, n, location, nested, side, depth, stack)
    if isinstance(o.get("items"), dict | bool) and isinstance(n.get("items"), dict | bool):
        diff_schema(ctx, o["items"], n["items"], location + "/items", prefix, depth + 1, stack)
    for keyword in ("oneOf", "anyOf"):
        old_branches, new_branches = o.get(keyword), n.get(keyword)
        if isinstance(old_branches, list) and isinstance(new_branches, list):
            for index, (ob, nb) in enumerate(zip(old_branches, new_branches, strict=False)):
                diff_schema(ctx, ob, nb, f"{location}/{keyword}/{index}", prefix, depth + 1, stack)


def _type_label(found: frozenset[str]) -> str:
    return "|".join(sorted(found)) or "any"


def _diff_type(
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


def _diff_scalars(
    ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str, side: str
) -> None:
    if o.get("format") != n.get("format"):
        ctx.emit(
            f"{prefix}-format-changed",
            location + "/format",
            f"format changed from {o.get('format') or 'none'} to {n.get('format') or 'none'}",
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
            f"values restricted to {short(sorted(new_enum or {}), 120)}",
        )
        return
    if new_enum is None:
        ctx.emit(f"{prefix}-enum-removed", where, "enum constraint removed: any value allowed")
        return
    removed = sorted(old_enum.keys() - new_enum.keys())
    added = sorted(new_enum.keys() - old_enum.keys())
    if removed:
        ctx.emit(
            f"{prefix}-enum-value-removed", where, "enum values removed: " + ", ".join(removed)
        )
    if added:
        ctx.emit(f"{prefix}-enum-value-added", where, "enum values added: " + ", ".join(added))


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


def _diff_object(
    ctx: Context,
    o: dict[str, Any],
    n: dict[str, Any],
    location: str,
    nested: str,
    side: str,
    depth: int,
    stack: _Stack,
) -> None:
    old_props, new_props = properties(o), properties(n)
    old_req, new_req = required_names(o), required_names(n)
    for name in sorted(old_props.keys() | new_props.keys(), key=str):
        where = location + pointer("properties", name)
        if name not in new_props:
            kind = "required" if name in old_req else "optional"
            ctx.emit(f"{side}-{kind}-property-removed", where, f"{kind} property {name!r} removed")
            continue
        hidden = _hidden(ctx, new_props[name], side)
        if name not in old_props:
            kind = "required" if name in new_req and not hidden else "optional"
            ctx.emit(f"{side}-{kind}-property-added", where, f"{kind} property {name!r} added")
            continue
        if (name in old_req) != (name in new_req) and not hidden:
            if name in new_req:
                ctx.emit(
                    f"{side}-property-became-required", where, f"property {name!r} became required"
                )
            else:
                ctx.emit(
                    f"{side}-property-became-optional", where, f"property {name!r} became optional"
                )
        diff_schema(ctx, old_props[name], new_props[name], where, nested, depth + 1, stack)
    _diff_additional(ctx, o, n, location, nested, side, depth, stack)


def _hidden(ctx: Context, schema: Any, side: str) -> bool:
    """readOnly properties never appear in requests, writeOnly ones never in responses."""
    resolved = ctx.new.deref(schema)
    if not isinstance(resolved, dict):
        return False
    return bool(resolved.get("readOnly" if side == "request" else "writeOnly"))


def _diff_additional(
    ctx: Context,
    o: dict[str, Any],
    n: dict[str, Any],
    location: str,
    nested: str,
    side: str,
    depth: int,
    stack: _Stack,
) -> None:
    old_extra, new_extra = additional(o), additional(n)
    where = location + "/additionalProperties"
    if isinstance(old_extra, dict) and isinstance(new_extra, dict):
        diff_schema(ctx, old_extra, new_extra, where, nested, depth + 1, stack)
        return
    old_rank = _OPENNESS["schema" if isinstance(old_extra, dict) else old_extra]
    new_rank = _OPENNESS["schema" if isinstance(new_extra, dict) else new_extra]
    if old_rank == new_rank:
        return
    direction = "tightened" if new_rank < old_rank else "loosened"
    ctx.emit(
        f"{nested}-additional-properties-{direction}",
        where,
        f"additionalProperties {direction} ({_openness(old_extra)} -> {_openness(new_extra)})",
    )


def _openness(value: str | dict[str, Any]) -> str:
    return "schema" if isinstance(value, dict) else value
