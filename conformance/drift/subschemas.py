"""JSON Schema 2020-12 applicators (OpenAPI 3.1) and the keywords the engine does not know.

Each applicator either adds a constraint (``contains``, ``propertyNames``, a
``patternProperties`` or ``dependentSchemas`` entry, ``not``, ``if``/``then``/``else``,
``contentSchema``, ``unevaluated*: false``) or removes one; the rule family (``prefix``) turns
that into a severity, the same way as for the 3.0 keywords: adding a constraint narrows what a
request accepts (breaking) and only narrows what a response returns (info). When both sides
have the subschema, the walk descends into it with the same direction; ``not`` and ``if`` are
the exceptions, since a wider exclusion or condition narrows the values, and regex-like
subset checks are out of reach, so any change to them is reported as such.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.drift.context import Context
from conformance.drift.model import pointer
from conformance.drift.normalize import TEXT_KEYWORDS, canon, short

#: ``recurse(old, new, location, prefix)``: :func:`conformance.drift.schemas.diff_schema`
#: with the walk's depth and cycle guard already bound.
Recurse = Callable[[Any, Any, str, str], None]

#: Single-schema applicators: (keyword, rule stem). ``not``/``if`` compare by value only.
_SINGLE = (
    ("contains", "contains"),
    ("propertyNames", "property-names"),
    ("contentSchema", "content-schema"),
    ("then", "then"),
    ("else", "else"),
)
#: Map-valued applicators: (keyword, rule stem, entries describe properties).
_MAPS = (
    ("patternProperties", "pattern-property", True),
    ("dependentSchemas", "dependent-schema", False),
)
_OPENNESS = {"closed": 0, "schema": 1, "open": 2}

#: Every keyword the engine compares or deliberately ignores. Anything else that differs is
#: reported as ``*-unsupported-keyword``, so an unknown construct never passes silently.
KNOWN_KEYWORDS = TEXT_KEYWORDS | frozenset(
    {
        "type", "format", "enum", "const", "x-extensible-enum", "nullable", "default",
        "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "maxLength", "minLength",
        "maxItems", "minItems", "maxProperties", "minProperties", "maxContains", "minContains",
        "multipleOf", "uniqueItems", "pattern", "readOnly", "writeOnly", "deprecated",
        "properties", "required", "additionalProperties", "items", "oneOf", "anyOf", "allOf",
        "not", "if", "then", "else", "contains", "prefixItems", "dependentRequired",
        "dependentSchemas", "propertyNames", "patternProperties", "unevaluatedItems",
        "unevaluatedProperties", "contentSchema", "contentEncoding", "contentMediaType",
        "discriminator", "xml", "$ref", "$defs", "definitions", "$id", "$schema", "$anchor",
    }
)  # fmt: skip


#: Keywords fully handled elsewhere (keywords.py, schemas.py): a schema made only of these
#: needs no work here.
_PLAIN = TEXT_KEYWORDS | frozenset(
    {
        "type", "format", "enum", "nullable", "default", "maximum", "minimum", "maxLength",
        "minLength", "maxItems", "minItems", "pattern", "readOnly", "writeOnly", "deprecated",
        "properties", "required", "additionalProperties", "items", "oneOf", "anyOf", "xml",
        "$ref", "uniqueItems", "multipleOf", "x-extensible-enum",
    }
)  # fmt: skip


def _present(schema: dict[str, Any], keyword: str) -> bool:
    return schema.get(keyword) is not None


def diff_applicators(
    ctx: Context,
    o: dict[str, Any],
    n: dict[str, Any],
    location: str,
    prefix: str,
    recurse: Recurse,
) -> None:
    """Compare every 2020-12 applicator and annotation keyword of two flattened schemas."""
    keys = o.keys() | n.keys()
    if keys <= _PLAIN:
        return  # the common 3.0 case: nothing below applies
    side = "request" if prefix.startswith("request") else "response"
    nested = f"{side}-property"
    for keyword, stem in _SINGLE:
        where = f"{location}/{keyword}"
        if _present(o, keyword) and _present(n, keyword):
            recurse(o[keyword], n[keyword], where, prefix)
        elif _present(n, keyword):
            ctx.emit(f"{prefix}-{stem}-added", where, f"{keyword} added")
        elif _present(o, keyword):
            ctx.emit(f"{prefix}-{stem}-removed", where, f"{keyword} removed")
    for keyword in ("not", "if"):
        where = f"{location}/{keyword}"
        if _present(o, keyword) and _present(n, keyword):
            if canon(_strip(o[keyword])) != canon(_strip(n[keyword])):
                ctx.emit(f"{prefix}-{keyword}-changed", where, f"'{keyword}' subschema changed")
        elif _present(n, keyword):
            ctx.emit(f"{prefix}-{keyword}-added", where, f"'{keyword}' subschema added")
        elif _present(o, keyword):
            ctx.emit(f"{prefix}-{keyword}-removed", where, f"'{keyword}' subschema removed")
    for keyword, stem, is_property in _MAPS:
        child = nested if is_property else prefix
        _diff_map(ctx, o, n, location, prefix, keyword, stem, child, recurse)
    _diff_prefix_items(ctx, o, n, location, prefix, recurse)
    _diff_dependent_required(ctx, o, n, location, prefix)
    for keyword, stem, child in (
        ("unevaluatedProperties", "unevaluated-properties", nested),
        ("unevaluatedItems", "unevaluated-items", prefix),
    ):
        _diff_openness(ctx, o, n, location, prefix, keyword, stem, child, recurse)
    for keyword, stem in (
        ("contentEncoding", "content-encoding"),
        ("contentMediaType", "content-media-type"),
    ):
        if o.get(keyword) != n.get(keyword):
            ctx.emit(
                f"{prefix}-{stem}-changed",
                f"{location}/{keyword}",
                f"{keyword} changed from {short(o.get(keyword))} to {short(n.get(keyword))}",
            )
    if not _same_discriminator(ctx, o.get("discriminator"), n.get("discriminator")):
        ctx.emit(f"{prefix}-discriminator-changed", f"{location}/discriminator", "discriminator changed")
    for keyword in sorted((o.keys() | n.keys()) - KNOWN_KEYWORDS, key=str):
        if str(keyword).startswith("x-"):
            continue
        if canon(o.get(keyword)) != canon(n.get(keyword)):
            ctx.emit(
                f"{prefix}-unsupported-keyword",
                f"{location}/{keyword}",
                f"keyword {keyword!r} differs and is not compared by this tool: review it",
            )
    _diff_tuple_items(ctx, o, n, location, prefix)


def _same_discriminator(ctx: Context, old: Any, new: Any) -> bool:
    """Equal, or equal but for mapping targets renamed with the same content (the branches they
    name are paired the same way, see ``schemas._diff_branches``)."""
    if canon(old) == canon(new):
        return True
    if not isinstance(old, dict) or not isinstance(new, dict):
        return False
    old_map, new_map = old.get("mapping") or {}, new.get("mapping") or {}
    rest = ({k: v for k, v in old.items() if k != "mapping"}, {k: v for k, v in new.items() if k != "mapping"})
    if canon(rest[0]) != canon(rest[1]) or not isinstance(old_map, dict) or not isinstance(new_map, dict):
        return False
    if old_map.keys() != new_map.keys():
        return False
    return all(canon(_mapped(ctx.old, old_map[key])) == canon(_mapped(ctx.new, new_map[key])) for key in old_map)


def _mapped(resolver: Any, target: Any) -> Any:
    """What a discriminator mapping value names: a reference, or a schema name in components."""
    ref = str(target) if "#" in str(target) else f"#/components/schemas/{target}"
    return resolver.deref({"$ref": ref})


def _strip(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _strip(v) for k, v in schema.items() if k not in TEXT_KEYWORDS}
    if isinstance(schema, list):
        return [_strip(v) for v in schema]
    return schema


def _diff_map(
    ctx: Context,
    o: dict[str, Any],
    n: dict[str, Any],
    location: str,
    prefix: str,
    keyword: str,
    stem: str,
    child: str,
    recurse: Recurse,
) -> None:
    old_map = o.get(keyword) if isinstance(o.get(keyword), dict) else {}
    new_map = n.get(keyword) if isinstance(n.get(keyword), dict) else {}
    for key in sorted(old_map.keys() | new_map.keys(), key=str):
        where = location + pointer(keyword, key)
        if key not in old_map:
            ctx.emit(f"{prefix}-{stem}-added", where, f"{keyword} {key!r} added")
        elif key not in new_map:
            ctx.emit(f"{prefix}-{stem}-removed", where, f"{keyword} {key!r} removed")
        else:
            recurse(old_map[key], new_map[key], where, child)


def _diff_prefix_items(ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str, recurse: Recurse) -> None:
    old_items = o.get("prefixItems") if isinstance(o.get("prefixItems"), list) else []
    new_items = n.get("prefixItems") if isinstance(n.get("prefixItems"), list) else []
    for index in range(min(len(old_items), len(new_items))):
        recurse(old_items[index], new_items[index], f"{location}/prefixItems/{index}", prefix)
    where = f"{location}/prefixItems"
    if len(new_items) > len(old_items):
        ctx.emit(f"{prefix}-prefix-items-added", where, f"prefixItems {len(old_items)} -> {len(new_items)}")
    elif len(new_items) < len(old_items):
        ctx.emit(f"{prefix}-prefix-items-removed", where, f"prefixItems {len(old_items)} -> {len(new_items)}")


def _diff_dependent_required(ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str) -> None:
    old_map = o.get("dependentRequired") if isinstance(o.get("dependentRequired"), dict) else {}
    new_map = n.get("dependentRequired") if isinstance(n.get("dependentRequired"), dict) else {}
    for key in sorted(old_map.keys() | new_map.keys(), key=str):
        where = location + pointer("dependentRequired", key)
        if key not in old_map:
            ctx.emit(f"{prefix}-dependent-required-added", where, f"{key!r} now requires {short(new_map[key])}")
        elif key not in new_map:
            ctx.emit(f"{prefix}-dependent-required-removed", where, f"{key!r} no longer requires others")
        elif sorted(map(str, old_map[key] or [])) != sorted(map(str, new_map[key] or [])):
            ctx.emit(
                f"{prefix}-dependent-required-changed",
                where,
                f"{key!r} requires {short(new_map[key])} instead of {short(old_map[key])}",
            )


def _openness(value: Any) -> str:
    if value is None or value is True or value == {}:
        return "open"
    if value is False:
        return "closed"
    return "schema" if isinstance(value, dict) else "open"


def _diff_openness(
    ctx: Context,
    o: dict[str, Any],
    n: dict[str, Any],
    location: str,
    prefix: str,
    keyword: str,
    stem: str,
    child: str,
    recurse: Recurse,
) -> None:
    old, new = _openness(o.get(keyword)), _openness(n.get(keyword))
    where = f"{location}/{keyword}"
    if old == new == "schema":
        recurse(o[keyword], n[keyword], where, child)
    elif old != new:
        direction = "tightened" if _OPENNESS[new] < _OPENNESS[old] else "loosened"
        ctx.emit(f"{prefix}-{stem}-{direction}", where, f"{keyword} {direction} ({old} -> {new})")


def _diff_tuple_items(ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str) -> None:
    """Draft-07 tuple ``items: [...]`` is not compared; say so rather than pass it silently."""
    old, new = o.get("items"), n.get("items")
    if (isinstance(old, list) or isinstance(new, list)) and canon(old) != canon(new):
        ctx.emit(
            f"{prefix}-unsupported-keyword",
            f"{location}/items",
            "array-form 'items' (draft-07 tuples) differs and is not compared: use prefixItems",
        )
