"""Normalising schemas so that cosmetic differences never become findings.

Different spellings of the same contract (``type: [string]`` vs ``type: string``, ``nullable``
vs a ``"null"`` type entry, ``allOf`` compositions vs flat objects, key order, integer vs string
status codes) must compare equal; only semantic differences should surface.
"""

from __future__ import annotations

import json
from typing import Any

from conformance.drift.refs import Resolver

#: Keywords merged from ``allOf`` members; text keywords are deliberately ignored everywhere.
TEXT_KEYWORDS = frozenset(
    {"description", "summary", "example", "examples", "title", "externalDocs", "$comment"}
)
MAX_ALLOF_DEPTH = 8


def canon(value: Any) -> str:
    """A canonical JSON string: order-insensitive for mappings, used for sets and equality."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


#: Keywords that only annotate: an ``allOf`` member made of these constrains nothing.
ANNOTATIONS = TEXT_KEYWORDS | {"deprecated", "$id", "$schema", "$anchor", "xml"}


def annotation_only(schema: Any) -> bool:
    return isinstance(schema, dict) and all(
        k in ANNOTATIONS or str(k).startswith("x-") for k in schema
    )


def with_siblings(schema: Any, resolver: Resolver) -> Any:
    """3.1: ``{$ref: X, maxLength: 5}`` means "X and maxLength 5", i.e. an ``allOf``."""
    if not (resolver.ref_siblings and isinstance(schema, dict) and "$ref" in schema):
        return schema
    siblings = {k: v for k, v in schema.items() if k != "$ref"}
    if annotation_only(siblings):
        return schema
    members = [{"$ref": schema["$ref"]}, *(siblings.pop("allOf", None) or [])]
    return {**siblings, "allOf": members}


def _is_null(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    return schema.get("type") in ("null", ["null"]) or schema.get("enum") == [None]


def flatten(schema: Any, resolver: Resolver, depth: int = 0) -> tuple[dict[str, Any], str | None]:
    """Resolve ``$ref`` and merge ``allOf`` members into one mapping; returns it and its ref.

    ``oneOf``/``anyOf`` of one schema and ``{type: null}`` is that schema, nullable: the
    3.1 spelling of ``nullable: true`` must compare equal to the 3.0 one.
    """
    expanded = with_siblings(schema, resolver)
    if expanded is not schema:
        merged, _ = flatten(expanded, resolver, depth)
        return merged, schema["$ref"]
    node, ref = resolver.resolve(schema)
    if not isinstance(node, dict):
        # OpenAPI 3.1 boolean schemas: true == {}, false == "nothing allowed".
        return ({} if node is True or node is None else {"not": {}}), ref
    if depth < MAX_ALLOF_DEPTH:
        for keyword in ("oneOf", "anyOf"):
            branches = node.get(keyword)
            if not (isinstance(branches, list) and len(branches) == 2):
                continue
            nulls = [b for b in branches if _is_null(resolver.deref(b))]
            if len(nulls) != 1:
                continue
            other = branches[1] if nulls[0] is branches[0] else branches[0]
            part, part_ref = flatten(other, resolver, depth + 1)
            rest = {k: v for k, v in node.items() if k != keyword}
            return {**part, **rest, "nullable": True}, ref or part_ref
    if "allOf" not in node or depth >= MAX_ALLOF_DEPTH:
        return node, ref
    merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
    properties: dict[str, Any] = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    for member in node.get("allOf") or []:
        part, _ = flatten(member, resolver, depth + 1)
        for name, sub in (part.get("properties") or {}).items():
            properties.setdefault(name, sub)
        for name in part.get("required") or []:
            if name not in required:
                required.append(name)
        for key, value in part.items():
            if key not in ("properties", "required"):
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged, ref


def types(schema: dict[str, Any]) -> frozenset[str]:
    """The declared types without ``null``; empty means "any". Infers object/array from shape."""
    declared = schema.get("type")
    if isinstance(declared, str):
        result = {declared}
    elif isinstance(declared, list):
        result = {str(t) for t in declared}
    else:
        result = set()
        if "properties" in schema or "additionalProperties" in schema:
            result.add("object")
        if "items" in schema:
            result.add("array")
    result.discard("null")
    return frozenset(result)


def schema_types(schema: dict[str, Any], resolver: Resolver) -> frozenset[str]:
    """Like :func:`types`, but a type-less ``oneOf``/``anyOf`` takes the union of its branches."""
    found = types(schema)
    if found or "type" in schema:
        return found
    for keyword in ("oneOf", "anyOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list) and branches:
            union: set[str] = set()
            for branch in branches:
                branch_types = types(flatten(branch, resolver)[0])
                if not branch_types:
                    return frozenset()
                union |= branch_types
            return frozenset(union)
    return found


def expand_types(found: frozenset[str]) -> frozenset[str]:
    """``number`` includes ``integer``: integer -> number is a widening, not a change."""
    return found | {"integer"} if "number" in found else found


def is_nullable(schema: dict[str, Any]) -> bool:
    declared = schema.get("type")
    if isinstance(declared, list) and "null" in declared:
        return True
    return schema.get("nullable") is True


def enum_values(schema: dict[str, Any]) -> dict[str, Any] | None:
    """Enum members keyed by canonical form (``null`` is nullability, not an enum member)."""
    values = schema.get("enum")
    if not isinstance(values, list):
        return None
    return {canon(v): v for v in values if v is not None}


def additional(schema: dict[str, Any]) -> str | dict[str, Any]:
    """``open`` (anything goes), ``closed`` (no extra keys) or a schema for extra values."""
    value = schema.get("additionalProperties", True)
    if value is True or value == {}:
        return "open"
    if value is False:
        return "closed"
    return value if isinstance(value, dict) else "open"


def properties(schema: dict[str, Any]) -> dict[str, Any]:
    found = schema.get("properties")
    return found if isinstance(found, dict) else {}


def required_names(schema: dict[str, Any]) -> frozenset[str]:
    found = schema.get("required")
    return frozenset(str(n) for n in found) if isinstance(found, list) else frozenset()


def media_key(media_type: str) -> str:
    """Media types compare case-insensitively and ignore whitespace around parameters."""
    return ";".join(part.strip() for part in str(media_type).lower().split(";"))


def short(value: Any, limit: int = 60) -> str:
    """A compact rendering of a value for messages."""
    text = value if isinstance(value, str) else canon(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
