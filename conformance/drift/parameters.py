"""Parameter comparison: added/removed/required/moved parameters and their schemas.

Parameters are identified by (location, name); header names are case-insensitive and path
parameters are identified by position so that a rename is not reported as remove + add.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conformance.drift.bodies import is_json
from conformance.drift.context import Context
from conformance.drift.lifecycle import before_sunset, diff_sunset
from conformance.drift.model import Severity, pointer
from conformance.drift.normalize import flatten, media_key, types
from conformance.drift.paths import Operation, template_names
from conformance.drift.refs import Resolver
from conformance.drift.schemas import diff_schema

_Key = tuple[str, str]


def collect_parameters(op: Operation, resolver: Resolver) -> dict[_Key, dict[str, Any]]:
    """Effective parameters (operation-level override path-level), keyed for matching."""
    positions = {name: index for index, name in enumerate(template_names(op.path))}
    found: dict[_Key, dict[str, Any]] = {}
    for source in (op.path_item.get("parameters"), op.operation.get("parameters")):
        for raw in source or []:
            param = resolver.deref(raw)
            if not isinstance(param, dict) or "name" not in param:
                continue
            where, name = str(param.get("in", "query")), str(param["name"])
            if where == "header":
                name = name.lower()
            if where == "path" and name in positions:
                key = (where, f"#{positions[name]}")
            else:
                key = (where, name)
            found[key] = param
    return found


def parameter_schema(param: dict[str, Any]) -> Any:
    if "schema" in param:
        return param["schema"]
    for media in (param.get("content") or {}).values():
        if isinstance(media, dict) and "schema" in media:
            return media["schema"]
    return None


def _where(param: dict[str, Any]) -> str:
    return pointer("parameters", param.get("in", "query"), param["name"])


def _required(param: dict[str, Any]) -> bool:
    return param.get("in") == "path" or bool(param.get("required"))


def diff_parameters(ctx: Context, old_op: Operation, new_op: Operation) -> None:
    old_params = collect_parameters(old_op, ctx.old)
    new_params = collect_parameters(new_op, ctx.new)
    removed = {k: old_params[k] for k in old_params.keys() - new_params.keys()}
    added = {k: new_params[k] for k in new_params.keys() - old_params.keys()}
    _diff_moved(ctx, removed, added)
    for key in sorted(removed):
        param = removed[key]
        if param.get("deprecated") and before_sunset(param):
            ctx.emit(
                "request-parameter-removed-before-sunset",
                _where(param),
                f"deprecated {param.get('in')} parameter {param['name']!r} removed before its sunset {param['x-sunset']}",
            )
            continue
        ctx.emit(
            "request-parameter-removed",
            _where(param),
            f"{param.get('in')} parameter {param['name']!r} removed",
        )
    for key in sorted(added):
        param = added[key]
        kind = "required" if _required(param) else "optional"
        ctx.emit(
            f"request-{kind}-parameter-added",
            _where(param),
            f"new {kind} {param.get('in')} parameter {param['name']!r}",
        )
    for key in sorted(old_params.keys() & new_params.keys()):
        _diff_parameter(ctx, old_params[key], new_params[key])


def _diff_moved(
    ctx: Context, removed: dict[_Key, dict[str, Any]], added: dict[_Key, dict[str, Any]]
) -> None:
    """Same name, different ``in``: one finding instead of an unrelated remove + add. Same name
    and ``in`` under another key (a path parameter matched by name on one side, by its place in
    the template on the other) is the same parameter."""
    by_name: dict[str, _Key] = {}
    for key in sorted(added):  # first in sorted order wins: symmetric under OLD/NEW swap
        by_name.setdefault(str(added[key]["name"]).lower(), key)
    for key in sorted(removed):
        name = str(removed[key]["name"]).lower()
        if name in by_name and by_name[name] in added:
            old, new = removed.pop(key), added.pop(by_name.pop(name))
            if old.get("in") == new.get("in"):  # a path parameter now (or no longer) in the template
                _diff_parameter(ctx, old, new)
                continue
            ctx.emit(
                "request-parameter-location-changed",
                _where(new),
                f"parameter {old['name']!r} moved from {old.get('in')} to {new.get('in')}",
            )


def _diff_parameter(ctx: Context, old: dict[str, Any], new: dict[str, Any]) -> None:
    where = _where(new)
    if old["name"] != new["name"] and new.get("in") == "path":
        ctx.emit(
            "request-path-parameter-renamed",
            where,
            f"path parameter renamed from {old['name']!r} to {new['name']!r}",
        )
    if _required(old) != _required(new):
        if _required(new):
            ctx.emit(
                "request-parameter-became-required",
                where,
                f"parameter {new['name']!r} became required",
            )
        else:
            ctx.emit(
                "request-parameter-became-optional",
                where,
                f"parameter {new['name']!r} became optional",
            )
    if new.get("deprecated") and not old.get("deprecated"):
        ctx.emit("request-parameter-deprecated", where, f"parameter {new['name']!r} deprecated")
    if bool(old.get("allowEmptyValue")) != bool(new.get("allowEmptyValue")):
        if new.get("allowEmptyValue"):
            ctx.emit("request-parameter-allow-empty-value-added", where + "/allowEmptyValue",
                     f"parameter {new['name']!r} now accepts an empty value")
        else:
            ctx.emit("request-parameter-allow-empty-value-removed", where + "/allowEmptyValue",
                     f"parameter {new['name']!r} no longer accepts an empty value (?{new['name']}=)")
    diff_serialization(ctx, old, new, where, "request-parameter")
    diff_sunset(ctx, old, new, "request-parameter", where, f"deprecated parameter {new['name']!r}")
    old_schema, new_schema = parameter_schema(old), parameter_schema(new)
    if old_schema is None or new_schema is None:
        return
    if _became_exploded_array(ctx, new, old_schema, new_schema, where + "/schema"):
        return
    # Parameter values travel as text (unless the parameter declares a JSON ``content``), nested
    # properties of a deepObject or exploded object included.
    json = any(is_json(media_key(str(media))) for media in (new.get("content") or {}))
    scoped = ctx if json else replace(ctx, weak=True)
    diff_schema(scoped, old_schema, new_schema, where + "/schema", "request-parameter")


def serialization(param: dict[str, Any]) -> tuple[str, bool]:
    """The effective ``style`` and ``explode`` (OpenAPI's defaults: ``form`` for query and cookie
    values, ``simple`` for path and header ones; ``explode`` is true for ``form`` only)."""
    style = str(param.get("style") or ("form" if param.get("in", "header") in ("query", "cookie") else "simple"))
    return style, bool(param.get("explode", style == "form"))


def diff_serialization(ctx: Context, old: dict[str, Any], new: dict[str, Any], where: str, family: str) -> None:
    """``style``/``explode`` say how an array or object travels as text (``a=1&a=2`` or ``a=1,2``):
    a change makes the other side read such values another way. A single value looks the same
    in every query, cookie or header style, so there the change is only reported as info; path
    styles differ for any value (``5``, ``.5``, ``;id=5``)."""
    (old_style, old_explode), (new_style, new_explode) = serialization(old), serialization(new)
    if (old_style, old_explode) == (new_style, new_explode):
        return
    schema = parameter_schema(new)
    structured = schema is not None and bool(types(flatten(schema, ctx.new)[0]) & {"array", "object"})
    changes = ", ".join(f"{field} {a} -> {b}" for field, a, b in (("style", old_style, new_style), ("explode", old_explode, new_explode)) if a != b)
    if not structured and not (new.get("in") == "path" and old_style != new_style):
        ctx.emit(f"{family}-single-value-serialization-changed", where, f"{changes}: the same text for a single value")
        return
    if old_style != new_style:
        ctx.emit(f"{family}-style-changed", where + "/style", f"style changed from {old_style} to {new_style}")
    if old_explode != new_explode:
        ctx.emit(f"{family}-explode-changed", where + "/explode", f"explode changed from {old_explode} to {new_explode}")


def _became_exploded_array(
    ctx: Context, param: dict[str, Any], old_schema: Any, new_schema: Any, where: str
) -> bool:
    """``?q=a`` is also a one-element ``form``-exploded array: a query or cookie parameter that
    becomes an array of items accepting every old value is widened, not changed (oasdiff)."""
    style = param.get("style", "form")
    if param.get("in") not in ("query", "cookie") or style != "form" or not param.get("explode", True):
        return False
    old, _ = flatten(old_schema, ctx.old)
    new, _ = flatten(new_schema, ctx.new)
    if "array" in types(old) or types(new) != {"array"} or not isinstance(new.get("items"), dict):
        return False
    scratch = Context(ctx.old, ctx.new, operation=ctx.operation)
    diff_schema(scratch, old_schema, new["items"], where + "/items", "request-parameter")
    if any(f.severity is Severity.BREAKING and "nullable" not in f.rule_id for f in scratch.findings):
        return False
    ctx.emit("request-parameter-became-array", where, "now an exploded array; one value is still valid")
    return True
