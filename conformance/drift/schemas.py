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
    annotation_only,
    canon,
    flatten,
    properties,
    required_names,
    types,
    with_siblings,
)
from conformance.drift.subschemas import diff_applicators

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
    _diff_all_of(ctx, old, new, o, n, location, prefix)
    if _diff_wrapping(ctx, o, n, location, prefix):
        return  # restructured: property-by-property differences would only be noise
    side = "request" if prefix.startswith("request") else "response"
    # Types that only come from union branches are judged branch by branch (below).
    branch_typed = "type" not in o and "type" not in n and _is_union(o) and _is_union(n)
    if not branch_typed and not diff_type(ctx, o, n, location, prefix, side):
        return  # incompatible type: deeper differences would only be noise
    diff_keywords(ctx, o, n, location, prefix)
    nested = f"{side}-property"
    if types(o) & {"object"} or types(n) & {"object"} or properties(o) or properties(n):
        _diff_object(ctx, o, n, location, nested, side, depth, stack)
    if isinstance(o.get("items"), dict | bool) and isinstance(n.get("items"), dict | bool):
        diff_schema(ctx, o["items"], n["items"], location + "/items", prefix, depth + 1, stack)
    for keyword, stem in (("oneOf", "one-of"), ("anyOf", "any-of")):
        old_branches, new_branches = o.get(keyword), n.get(keyword)
        where = f"{location}/{keyword}"
        if isinstance(old_branches, list) and isinstance(new_branches, list):
            _diff_branches(ctx, old_branches, new_branches, where, prefix, depth, stack)
        elif isinstance(new_branches, list) and not _only_union(n, keyword):
            ctx.emit(f"{prefix}-{stem}-added", where, f"{keyword} with {len(new_branches)} branch(es) added")
        elif isinstance(old_branches, list) and not _only_union(o, keyword):
            ctx.emit(f"{prefix}-{stem}-removed", where, f"{keyword} removed")

    def recurse(old_sub: Any, new_sub: Any, where: str, sub_prefix: str) -> None:
        diff_schema(ctx, old_sub, new_sub, where, sub_prefix, depth + 1, stack)

    diff_applicators(ctx, o, n, location, prefix, recurse)


def _is_ref(schema: Any) -> bool:
    return isinstance(schema, dict) and isinstance(schema.get("$ref"), str)


def _only_union(schema: dict[str, Any], keyword: str) -> bool:
    """A schema that is nothing but its union (and prose): it replaces the other side's schema
    rather than adding a constraint to it, and the type and wrapping comparisons judge that."""
    return not (schema.keys() - TEXT_KEYWORDS - {keyword, "discriminator"})


def _is_union(schema: dict[str, Any]) -> bool:
    return isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list)


def _all_of_members(schema: Any, resolver: Any) -> dict[str, Any]:
    """The explicit ``allOf`` members of a schema, keyed by identity (see ``_branch_identity``)."""
    if not isinstance(schema, dict) or ("$ref" not in schema and "allOf" not in schema):
        return {}  # fast path: most schemas are inline and plain
    node = with_siblings(schema, resolver)
    if node is schema:
        node = resolver.deref(schema)
    members = node.get("allOf") if isinstance(node, dict) else None
    if not isinstance(members, list):
        return {}
    return {_branch_identity(m): m for m in members}


def _diff_all_of(
    ctx: Context,
    old: Any,
    new: Any,
    o: dict[str, Any],
    n: dict[str, Any],
    location: str,
    prefix: str,
) -> None:
    """A new ``allOf`` member is one more schema every value must match (oasdiff: breaking
    in requests), even when its properties are optional; members that only annotate are not.
    Re-spelling the same schema as an ``allOf`` (equal once merged) is no change."""
    old_members, new_members = _all_of_members(old, ctx.old), _all_of_members(new, ctx.new)
    if old_members.keys() == new_members.keys() or canon(o) == canon(n):
        return
    where = location + "/allOf"
    # ``$ref: Foo`` and ``allOf: [$ref: Foo]`` name the same schema: a member is new only when
    # the other side does not already include it (itself, or through its own allOf members).
    old_covered, new_covered = _included(old, ctx.old), _included(new, ctx.new)
    added_ids = sorted(k for k in new_members.keys() - old_members.keys() if k not in old_covered)
    removed_ids = sorted(k for k in old_members.keys() - new_members.keys() if k not in new_covered)
    # An inline member edited in place is neither added nor removed: its changes are in the
    # merged schema, compared property by property like any other.
    edited = min(sum(k.startswith("inline:") for k in added_ids), sum(k.startswith("inline:") for k in removed_ids))
    added_ids = _drop_inline(added_ids, edited)
    removed_ids = _drop_inline(removed_ids, edited)
    added = [new_members[k] for k in added_ids]
    removed = [old_members[k] for k in removed_ids]
    annotation = [m for m in added + removed if annotation_only(ctx.new.deref(m))]
    if [m for m in added if m not in annotation]:
        ctx.emit(f"{prefix}-all-of-added", where, f"{len(added)} allOf member(s) added")
    if [m for m in removed if m not in annotation]:
        ctx.emit(f"{prefix}-all-of-removed", where, f"{len(removed)} allOf member(s) removed")
    if annotation:
        ctx.emit(
            f"{prefix}-all-of-annotation-changed",
            where,
            "allOf member(s) that only annotate added or removed",
        )


def _included(schema: Any, resolver: Any, depth: int = 0) -> set[str]:
    """The identities of every schema ``schema`` includes: itself when it is a reference, and
    its ``allOf`` members, followed through references (a cycle stops at the depth limit)."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return set()
    found = {_branch_identity(schema)} if _is_ref(schema) else set()
    for identity, member in _all_of_members(schema, resolver).items():
        if identity not in found:
            found |= {identity} | _included(member, resolver, depth + 1)
    return found


def _drop_inline(ids: list[str], count: int) -> list[str]:
    kept = []
    for identity in ids:
        if count and identity.startswith("inline:"):
            count -= 1
            continue
        kept.append(identity)
    return kept


def _diff_wrapping(
    ctx: Context, o: dict[str, Any], n: dict[str, Any], location: str, prefix: str
) -> bool:
    """An object moved into ``oneOf`` branches (or back): report it once, not per property."""
    old_union, new_union = isinstance(o.get("oneOf"), list), isinstance(n.get("oneOf"), list)
    if old_union == new_union or "anyOf" in o or "anyOf" in n:
        return False
    if not old_union and properties(o) and not properties(n):
        ctx.emit(f"{prefix}-wrapped-in-one-of", location + "/oneOf", "schema wrapped into a oneOf")
        return True
    if old_union and properties(n) and not properties(o):
        ctx.emit(
            f"{prefix}-unwrapped-from-one-of", location + "/oneOf", "oneOf replaced by one schema"
        )
        return True
    return False


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
    # A referenced component renamed with the same content (``Dog`` -> ``MyDog``) is the same branch.
    for i in list(unmatched_old):
        if not _is_ref(old[i]):
            continue
        content = canon(ctx.old.deref(old[i]))
        j = next((j for j in unmatched_new if _is_ref(new[j]) and canon(ctx.new.deref(new[j])) == content), None)
        if j is not None:
            unmatched_old.remove(i)
            unmatched_new.remove(j)
            pairs.append((i, j))
    # Left-overs pair up by order (an edited inline branch), except two references to
    # different targets: those are one branch removed and another added.
    for i in list(unmatched_old):
        j = next((j for j in unmatched_new if not (_is_ref(old[i]) and _is_ref(new[j]))), None)
        if j is not None:
            unmatched_old.remove(i)
            unmatched_new.remove(j)
            pairs.append((i, j))
    for i, j in sorted(pairs):
        diff_schema(ctx, old[i], new[j], f"{location}/{j}", prefix, depth + 1, stack)
    keyword = location.rsplit("/", 1)[-1]
    stem = "one-of" if keyword == "oneOf" else "any-of"
    for i in unmatched_old:
        ctx.emit(
            f"{prefix}-{stem}-branch-removed",
            f"{location}/{i}",
            f"{keyword} branch {i} removed",
        )
    for j in unmatched_new:
        ctx.emit(
            f"{prefix}-{stem}-branch-added",
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
            hidden = _hidden(ctx.old, old_props[name], side)
            kind = "required" if name in old_req and not hidden else "optional"
            ctx.emit(f"{side}-{kind}-property-removed", where, f"{kind} property {name!r} removed")
            continue
        hidden = _hidden(ctx.new, new_props[name], side)
        if name not in old_props:
            kind = "required" if name in new_req and not hidden else "optional"
            ctx.emit(f"{side}-{kind}-property-added", where, f"{kind} property {name!r} added")
            continue
        was_hidden = _hidden(ctx.old, old_props[name], side)
        if (name in old_req) != (name in new_req) and not (hidden or was_hidden):
            if name in new_req:
                ctx.emit(
                    f"{side}-property-became-required", where, f"property {name!r} became required"
                )
            else:
                ctx.emit(
                    f"{side}-property-became-optional", where, f"property {name!r} became optional"
                )
        if hidden != was_hidden:
            _emit_visibility(ctx, side, where, name, hidden, name in (old_req if hidden else new_req))
        if hidden or was_hidden:
            continue  # not sent (readOnly) or not returned (writeOnly) on this side, before or after
        diff_schema(ctx, old_props[name], new_props[name], where, nested, depth + 1, stack)
    _diff_additional(ctx, o, n, location, nested, side, depth, stack)


def _emit_visibility(ctx: Context, side: str, where: str, name: str, hidden: bool, required: bool) -> None:
    """A property that appears on this side (requests: not readOnly; responses: not writeOnly)
    or stops appearing. A required request property that was readOnly must now be sent; a
    response property that becomes writeOnly stops being returned, like a removal."""
    if side == "request":
        if hidden:
            ctx.emit("request-property-became-read-only", where + "/readOnly", "property became readOnly: values sent are ignored")
        elif required:
            ctx.emit("request-required-property-became-writable", where + "/readOnly",
                     f"required property {name!r} is no longer readOnly: clients must now send it")
        else:
            ctx.emit("request-property-became-writable", where + "/readOnly", "property is no longer readOnly")
    elif hidden:
        kind = "required" if required else "optional"
        ctx.emit("response-property-became-write-only", where + "/writeOnly", f"{kind} property {name!r} became writeOnly: it is no longer returned")
    else:
        ctx.emit("response-property-became-readable", where + "/writeOnly", f"property {name!r} is no longer writeOnly")


def _hidden(resolver: Any, schema: Any, side: str) -> bool:
    """readOnly properties never appear in requests, writeOnly ones never in responses."""
    resolved, _ = flatten(schema, resolver)  # the flag may come from a $ref or an allOf member
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
