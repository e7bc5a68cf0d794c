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
from conformance.drift.keywords import diff_keywords, diff_type
from conformance.drift.model import pointer
from conformance.drift.normalize import (
    TEXT_KEYWORDS,
    additional,
    canon,
    flatten,
    properties,
    required_names,
    types,
)

MAX_DEPTH = 24

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
    if not diff_type(ctx, o, n, location, prefix, side):
        return  # incompatible type: deeper differences would only be noise
    diff_keywords(ctx, o, n, location, prefix)
    nested = f"{side}-property"
    if types(o) & {"object"} or types(n) & {"object"} or properties(o) or properties(n):
        _diff_object(ctx, o, n, location, nested, side, depth, stack)
    if isinstance(o.get("items"), dict | bool) and isinstance(n.get("items"), dict | bool):
        diff_schema(ctx, o["items"], n["items"], location + "/items", prefix, depth + 1, stack)
    for keyword in ("oneOf", "anyOf"):
        old_branches, new_branches = o.get(keyword), n.get(keyword)
        if isinstance(old_branches, list) and isinstance(new_branches, list):
            where = f"{location}/{keyword}"
            _diff_branches(ctx, old_branches, new_branches, where, prefix, depth, stack)


def _branch_identity(branch: Any) -> str:
    """Refs identify a branch by target (file name + pointer); inline ones by their content."""
    if isinstance(branch, dict) and isinstance(branch.get("$ref"), str):
        source, _, fragment = branch["$ref"].partition("#")
        return "ref:" + source.rsplit("/", 1)[-1] + "#" + fragment
    if isinstance(branch, dict):
        branch = {k: v for k, v in branch.items() if k not in TEXT_KEYWORDS}
    return "inline:" + canon(branch)


def _diff_branches(
    ctx: Context,
    old: list[Any],
    new: list[Any],
    location: str,
    prefix: str,
    depth: int,
    stack: _Stack,
) -> None:
    """Pair union branches (same identity first, then by order), so reordering is no change."""
    unmatched_new = list(range(len(new)))
    pairs: list[tuple[int, int]] = []
    unmatched_old: list[int] = []
    new_ids = [_branch_identity(b) for b in new]
    for i, branch in enumerate(old):
        identity = _branch_identity(branch)
        j = next((j for j in unmatched_new if new_ids[j] == identity), None)
        if j is None:
            unmatched_old.append(i)
        else:
            unmatched_new.remove(j)
            pairs.append((i, j))
    pairs += list(zip(unmatched_old, unmatched_new, strict=False))
    for i, j in sorted(pairs):
        diff_schema(ctx, old[i], new[j], f"{location}/{j}", prefix, depth + 1, stack)
    for i in unmatched_old[len(unmatched_new) :]:
        ctx.emit(
            f"{prefix}-union-branch-removed",
            f"{location}/{i}",
            f"{location.rsplit('/', 1)[-1]} branch {i} removed",
        )
    for j in unmatched_new[len(unmatched_old) :]:
        ctx.emit(
            f"{prefix}-union-branch-added",
            f"{location}/{j}",
            f"{location.rsplit('/', 1)[-1]} branch {j} added",
        )


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
