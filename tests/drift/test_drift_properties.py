"""Property tests: random small documents and random edits.

* an identical pair reports nothing (also after reordering every mapping's keys);
* the report is deterministic (byte-identical JSON for the same input);
* swapping OLD and NEW turns every addition into a removal of the same thing and vice versa.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.drift import RULES, Severity, compare
from conformance.drift.render import render_json

#: Small by default (fast CI); raise with DRIFT_MAX_EXAMPLES=1000 when changing the engine.
SETTINGS = settings(
    max_examples=int(os.environ.get("DRIFT_MAX_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NAMES = st.sampled_from(["a", "b", "c", "id"])
SCALARS = st.sampled_from(["string", "integer", "number", "boolean"])


@st.composite
def scalar_schema(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(SCALARS)
    schema: dict[str, Any] = {"type": kind}
    if kind == "string":
        if draw(st.booleans()):
            schema["enum"] = draw(
                st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3, unique=True)
            )
        if draw(st.booleans()):
            schema["maxLength"] = draw(st.integers(1, 20))
        if draw(st.booleans()):
            schema["format"] = draw(st.sampled_from(["date", "date-time", "uri"]))
        if draw(st.booleans()):
            schema["pattern"] = draw(st.sampled_from(["^a", "^b"]))
    elif kind in ("integer", "number"):
        if draw(st.booleans()):
            schema["minimum"] = draw(st.integers(0, 5))
        if draw(st.booleans()):
            schema["maximum"] = draw(st.integers(6, 100))
    if draw(st.booleans()):
        schema["nullable"] = True
    if draw(st.booleans()):
        schema["readOnly"] = True
    return schema


def schemas() -> st.SearchStrategy[dict[str, Any]]:
    def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        objects = st.builds(
            lambda props, req, extra: {
                "type": "object",
                "properties": props,
                **({"required": sorted(set(req) & set(props))} if set(req) & set(props) else {}),
                **({"additionalProperties": extra} if extra is not None else {}),
            },
            st.dictionaries(NAMES, children, max_size=3),
            st.lists(NAMES, max_size=3),
            st.sampled_from([None, False, True]),
        )
        arrays = st.builds(lambda items: {"type": "array", "items": items}, children)
        return objects | arrays

    return st.recursive(scalar_schema(), extend, max_leaves=5)


@st.composite
def parameters(draw: st.DrawFn, path: str) -> list[dict[str, Any]]:
    params = []
    if "{id}" in path:
        params.append(
            {"name": "id", "in": "path", "required": True, "schema": draw(scalar_schema())}
        )
    seen = set()
    for name, where in draw(
        st.lists(
            st.tuples(
                st.sampled_from(["q", "r", "limit"]), st.sampled_from(["query", "header", "cookie"])
            ),
            max_size=3,
        )
    ):
        if (name, where) in seen:
            continue
        seen.add((name, where))
        params.append(
            {
                "name": name,
                "in": where,
                "required": draw(st.booleans()),
                "schema": draw(scalar_schema()),
            }
        )
    return params


SECURITY = st.sampled_from(
    [
        None,
        [],
        [{"o": ["read"]}],
        [{"o": ["read", "write"]}],
        [{"o": ["read"]}, {}],
        [{"k": []}],
        [{"o": []}, {"k": []}],
    ]
)


@st.composite
def operations(draw: st.DrawFn, path: str, method: str) -> dict[str, Any]:
    op: dict[str, Any] = {"responses": {}}
    if draw(st.booleans()):
        op["operationId"] = draw(st.sampled_from(["one", "two"]))
    if draw(st.booleans()):
        op["deprecated"] = True
    op["parameters"] = draw(parameters(path))
    if method == "post" and draw(st.booleans()):
        op["requestBody"] = {
            "required": draw(st.booleans()),
            "content": {
                m: {"schema": draw(schemas())}
                for m in draw(
                    st.lists(
                        st.sampled_from(["application/json", "text/plain"]),
                        min_size=1,
                        max_size=2,
                        unique=True,
                    )
                )
            },
        }
    for code in draw(
        st.lists(st.sampled_from(["200", "201", "404"]), min_size=1, max_size=2, unique=True)
    ):
        response: dict[str, Any] = {"description": code}
        if draw(st.booleans()):
            response["content"] = {"application/json": {"schema": draw(schemas())}}
        if draw(st.booleans()):
            response["headers"] = {
                "Link": {"required": draw(st.booleans()), "schema": {"type": "string"}}
            }
        op["responses"][code] = response
    security = draw(SECURITY)
    if security is not None:
        op["security"] = security
    return op


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path in draw(st.lists(st.sampled_from(["/a", "/a/{id}", "/b"]), max_size=3, unique=True)):
        methods = draw(st.lists(st.sampled_from(["get", "post"]), min_size=1, unique=True))
        paths[path] = {m: draw(operations(path, m)) for m in methods}
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
    }
    if draw(st.booleans()):  # shared, possibly recursive, components reached through $ref
        shared = draw(schemas())
        if shared.get("type") == "object" and draw(st.booleans()):
            shared["properties"]["next"] = {"$ref": "#/components/schemas/Shared"}
        document["components"] = {"schemas": {"Shared": shared}}
        for item in paths.values():
            for op in item.values():
                for response in op["responses"].values():
                    if "content" in response and draw(st.booleans()):
                        media = response["content"]["application/json"]
                        media["schema"] = {"$ref": "#/components/schemas/Shared"}
    schemes = draw(
        st.sampled_from(
            [
                None,
                {"o": {"type": "oauth2", "flows": {}}},
                {"k": {"type": "apiKey", "in": "header", "name": "K"}},
            ]
        )
    )
    if schemes:
        document.setdefault("components", {})["securitySchemes"] = schemes
    return document


def reordered(value: Any) -> Any:
    """The same document with every mapping's keys in reverse order."""
    if isinstance(value, dict):
        return {k: reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reordered(v) for v in value]
    return value


@SETTINGS
@given(documents())
def test_identical_pair_reports_nothing(document: dict[str, Any]) -> None:
    assert compare(document, copy.deepcopy(document)).findings == []
    assert compare(document, reordered(document)).findings == []


@SETTINGS
@given(documents(), documents())
def test_report_is_deterministic(old: dict[str, Any], new: dict[str, Any]) -> None:
    first = render_json(compare(old, new))
    second = render_json(compare(copy.deepcopy(old), copy.deepcopy(new)))
    assert first == second
    assert render_json(compare(reordered(old), reordered(new))) == first
    payload = json.loads(first)
    assert payload["summary"]["total"] == len(payload["findings"])


def _events(old: dict[str, Any], new: dict[str, Any], change: str) -> set[tuple[str, ...]]:
    found = set()
    for finding in compare(old, new).findings:
        rule = RULES[finding.rule_id]
        if rule.change == change and rule.entity:
            found.add((rule.entity, finding.operation, finding.location))
    return found


@SETTINGS
@given(documents(), documents())
def test_swapping_sides_turns_additions_into_removals(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    assert _events(old, new, "added") == _events(new, old, "removed")
    assert _events(old, new, "removed") == _events(new, old, "added")


@SETTINGS
@given(documents(), st.data())
def test_removing_an_operation_is_reported(document: dict[str, Any], data: st.DataObject) -> None:
    operations = [(p, m) for p, item in document["paths"].items() for m in item]
    if not operations:
        return
    path, method = data.draw(st.sampled_from(operations))
    edited = copy.deepcopy(document)
    del edited["paths"][path][method]
    report = compare(document, edited)
    removed = [f for f in report.findings if f.operation == f"{method.upper()} {path}"]
    assert [f.rule_id for f in removed] in (
        ["path-removed"],
        ["operation-removed"],
        ["deprecated-operation-removed"],
    )


# --- OpenAPI 3.1 documents ------------------------------------------------------------------
#: JSON Schema 2020-12 additions a generated 3.1 document may carry, by the kind of schema.
EXTRAS_31: dict[str, list[dict[str, Any]]] = {
    "string": [
        {"const": "x"},
        {"contentEncoding": "base64"},
        {"contentMediaType": "application/json", "contentSchema": {"type": "object"}},
        {"not": {"const": "root"}},
        {"examples": ["a", "b"]},
    ],
    "integer": [{"exclusiveMinimum": 0}, {"exclusiveMaximum": 100}, {"not": {"const": 13}}],
    "number": [{"exclusiveMaximum": 1.5}, {"multipleOf": 0.5}],
    "object": [
        {"dependentRequired": {"a": ["b"]}},
        {"dependentSchemas": {"a": {"required": ["c"]}}},
        {"propertyNames": {"pattern": "^[a-z]+$"}},
        {"patternProperties": {"^x_": {"type": "integer"}}},
        {"unevaluatedProperties": False},
        {"if": {"required": ["a"]}, "then": {"required": ["b"]}},
    ],
    "array": [
        {"contains": {"type": "string"}, "minContains": 1, "maxContains": 3},
        {"prefixItems": [{"type": "integer"}]},
        {"unevaluatedItems": False},
    ],
}


def to_31(value: Any, draw: st.DrawFn) -> Any:
    """A 3.0 document rewritten the 3.1 way (type arrays for null), with 2020-12 keywords."""
    if isinstance(value, list):
        return [to_31(v, draw) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: to_31(v, draw) for k, v in value.items()}
    kind = out.get("type")
    if out.pop("nullable", False) and isinstance(kind, str):
        out["type"] = [kind, "null"]
    if isinstance(kind, str) and kind in EXTRAS_31 and draw(st.booleans()):
        out.update(copy.deepcopy(draw(st.sampled_from(EXTRAS_31[kind]))))
    if "$ref" not in out or "Shared" not in str(out["$ref"]):
        return out
    if draw(st.booleans()):  # 3.1 $ref siblings
        out["description"] = "a sibling annotation"
    return out


@st.composite
def documents_31(draw: st.DrawFn) -> dict[str, Any]:
    document = to_31(draw(documents()), draw)
    document["openapi"] = "3.1.0"
    if draw(st.booleans()):
        document["webhooks"] = {
            "created": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": draw(schemas())}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    return document


@SETTINGS
@given(documents_31())
def test_identical_31_pair_reports_nothing(document: dict[str, Any]) -> None:
    assert compare(document, copy.deepcopy(document)).findings == []
    assert compare(document, reordered(document)).findings == []


@SETTINGS
@given(documents_31(), documents_31())
def test_swapping_31_sides_turns_additions_into_removals(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert _events(old, new, "added") == _events(new, old, "removed")


# --- request narrowing and its reverse -------------------------------------------------------
def _narrowings(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Edits that make a request schema accept strictly less (each one is breaking)."""
    kind = schema.get("type")
    edits: list[dict[str, Any]] = [{"not": {"const": "forbidden"}}]
    # (A bound set where there was none is a warning by decision, see the README: not used.)
    if kind == "string":
        edits += [
            {"maxLength": schema["maxLength"] - 1} if schema.get("maxLength", 0) > 1 else {"const": "k"},
            # A format where there was one is a change, breaking both ways, as in oasdiff.
            {"pattern": "^z+$"} if "pattern" not in schema
            else {"format": "byte"} if "format" not in schema else {"const": "k"},
            {"enum": ["only"]} if "enum" not in schema else {"enum": schema["enum"][:-1]},
        ]
    elif kind in ("integer", "number"):
        edits += [{"enum": [7]}, {"multipleOf": 7}]
        edits += [{"minimum": schema["minimum"] + 1000}] if "minimum" in schema else []
        edits += [{"maximum": schema["maximum"] - 1000}] if "maximum" in schema else []
    elif kind == "object":
        properties = {**schema.get("properties", {}), "must": {"type": "string"}}
        edits += [{"required": sorted({*schema.get("required", []), "must"}), "properties": properties}]
        if schema.get("additionalProperties") is not False:
            edits.append({"additionalProperties": False})
    elif kind == "array":
        edits += [{"uniqueItems": True}, {"items": {"not": {}}}]
    if schema.get("nullable"):
        edits.append({"nullable": False})
    return edits


@SETTINGS
@given(schemas(), st.data())
def test_request_narrowing_is_breaking_and_its_reverse_is_not(
    schema: dict[str, Any], data: st.DataObject
) -> None:
    schema = {k: v for k, v in schema.items() if k != "readOnly"}
    edit = data.draw(st.sampled_from(_narrowings(schema)))
    narrowed = {**copy.deepcopy(schema), **edit}
    for build in (_body, _query):
        wide, narrow = build(schema), build(narrowed)
        if build is _query and schema.get("type") in ("object", "array"):
            continue
        assert compare(wide, narrow).has_at_least(Severity.BREAKING), (schema, edit)
        reverse = compare(narrow, wide)
        assert not reverse.has_at_least(Severity.BREAKING), [f.rule_id for f in reverse.findings]


def _one(method: str, **operation: Any) -> dict[str, Any]:
    operation = {**operation, "responses": {"200": {"description": "ok"}}}
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {method: operation}}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return _one("post", requestBody={"required": True, "content": {"application/json": {"schema": schema}}})


def _query(schema: dict[str, Any]) -> dict[str, Any]:
    return _one("get", parameters=[{"name": "q", "in": "query", "schema": schema}])
