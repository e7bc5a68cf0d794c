"""Loading (files, URLs), ``$ref`` resolution with cycles, and cosmetic normalisation."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.drift import LoadError, compare, load_spec

from .builders import body_doc, doc, obj, param_doc, response_doc, rule_ids

SPEC = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}


def test_load_yaml_and_json(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(SPEC))
    (tmp_path / "a.json").write_text(json.dumps(SPEC))
    assert load_spec(tmp_path / "a.yaml") == load_spec(str(tmp_path / "a.json")) == SPEC


def test_load_errors_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("a: b: c\n")
    with pytest.raises(LoadError, match=r"invalid YAML/JSON \(line 1") as exc:
        load_spec(tmp_path / "bad.yaml")
    assert "\n" not in str(exc.value)
    with pytest.raises(LoadError, match="no such file"):
        load_spec(tmp_path / "missing.yaml")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(SPEC))
    handler_cls: Any = type(
        "Quiet",
        (http.server.SimpleHTTPRequestHandler,),
        {
            "log_message": lambda *a: None,
            "__init__": lambda self, *a: http.server.SimpleHTTPRequestHandler.__init__(
                self, *a, directory=str(tmp_path)
            ),
        },
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_load_from_url(server: str) -> None:
    assert load_spec(f"{server}/spec.yaml") == SPEC
    with pytest.raises(LoadError, match="cannot fetch"):
        load_spec(f"{server}/missing.yaml")


def with_components(document: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    return {**document, "components": {"schemas": schemas}}


def test_refs_are_resolved_and_located_at_the_use_site() -> None:
    ref = {"$ref": "#/components/schemas/Item"}
    old = with_components(response_doc(ref), {"Item": obj({"a": {"type": "string"}}, ["a"])})
    new = with_components(response_doc(ref), {"Item": obj({"a": {"type": "string"}})})
    (finding,) = compare(old, new).findings
    assert finding.rule_id == "response-property-became-optional"
    assert finding.location == "/responses/200/content/application~1json/schema/properties/a"


def test_inline_vs_ref_is_not_a_change() -> None:
    item = obj({"a": {"type": "string", "enum": ["x"]}}, ["a"])
    inline = with_components(response_doc(item), {})
    referenced = with_components(
        response_doc({"$ref": "#/components/schemas/Item"}), {"Item": item}
    )
    assert rule_ids(inline, referenced) == set()


def tree(leaf_type: str) -> dict[str, Any]:
    return {
        "Node": obj(
            {
                "value": {"type": leaf_type},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "parent": {"$ref": "#/components/schemas/Node"},
            }
        )
    }


def test_recursive_schemas_terminate_and_still_compare() -> None:
    ref = {"$ref": "#/components/schemas/Node"}
    same = compare(
        with_components(body_doc(ref), tree("string")),
        with_components(body_doc(ref), tree("string")),
    )
    assert same.findings == []
    changed = compare(
        with_components(body_doc(ref), tree("string")),
        with_components(body_doc(ref), tree("integer")),
    )
    assert {f.location for f in changed.findings} == {
        "/requestBody/content/application~1json/schema/properties/value/type"
    }


def test_self_referencing_and_dangling_refs_do_not_crash() -> None:
    loop = {"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}
    a = with_components(response_doc({"$ref": "#/components/schemas/A"}), loop)
    dangling = response_doc({"$ref": "#/components/schemas/Missing"})
    external = response_doc({"$ref": "other.yaml#/Thing"})
    for document in (a, dangling, external):
        assert compare(document, document).findings == []
    assert compare(a, dangling).findings is not None


def test_refs_to_parameters_responses_and_bodies() -> None:
    components = {
        "parameters": {"Q": {"name": "q", "in": "query", "schema": {"type": "string"}}},
        "responses": {
            "Ok": {
                "description": "ok",
                "content": {"application/json": {"schema": {"type": "string"}}},
            }
        },
        "requestBodies": {"B": {"content": {"application/json": {"schema": {"type": "string"}}}}},
    }
    op = {
        "parameters": [{"$ref": "#/components/parameters/Q"}],
        "requestBody": {"$ref": "#/components/requestBodies/B"},
        "responses": {"200": {"$ref": "#/components/responses/Ok"}},
    }
    old = doc({"/x": {"post": op}}, components=components)
    new_components = json.loads(json.dumps(components).replace('"string"', '"integer"'))
    new = doc({"/x": {"post": op}}, components=new_components)
    assert rule_ids(old, new) == {
        "request-parameter-type-changed",
        "request-property-type-changed",
        "response-property-type-changed",
    }


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (param_doc({"type": "string"}), param_doc({"type": ["string"]})),
        (param_doc({"type": "string", "nullable": True}), param_doc({"type": ["string", "null"]})),
        (
            param_doc({"type": "string", "description": "a", "example": "x"}),
            param_doc({"type": "string", "description": "b", "example": "y", "title": "T"}),
        ),
        (
            param_doc({"type": "string", "enum": ["a", "b"]}),
            param_doc({"type": "string", "enum": ["b", "a"]}),
        ),
        (
            param_doc({"type": "string"}, description="a"),
            param_doc({"type": "string"}, description="b"),
        ),
        (response_doc(code=200), response_doc(code="200")),
        (
            body_doc(obj({"a": {"type": "string"}, "b": {"type": "integer"}}, ["a", "b"])),
            body_doc(
                {
                    "allOf": [
                        obj({"a": {"type": "string"}}, ["a"]),
                        obj({"b": {"type": "integer"}}, ["b"]),
                    ]
                }
            ),
        ),
        (
            body_doc({"type": "object", "properties": {"a": {"type": "string"}}}),
            body_doc({"properties": {"a": {"type": "string"}}}),
        ),
        (
            response_doc({"type": "string"}, headers={"X-A": {"schema": {}}}),
            response_doc({"type": "string"}, headers={"x-a": {"schema": {}}}),
        ),
    ],
    ids=[
        "type-list",
        "nullable-forms",
        "text-keywords",
        "enum-order",
        "param-description",
        "status-int",
        "allOf",
        "implicit-object",
        "header-case",
    ],
)
def test_cosmetic_differences_are_not_findings(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert rule_ids(old, new) == set()


def test_renamed_path_parameters_match_by_position() -> None:
    def spec(path: str, *names: str) -> dict[str, Any]:
        params = [
            {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
        ]
        return doc(
            {path: {"get": {"parameters": params, "responses": {"200": {"description": "ok"}}}}}
        )

    old = spec("/c/{course_id}/li/{id}", "course_id", "id")
    new = spec("/c/{course_id}/li/{line_item_id}", "course_id", "line_item_id")
    report = compare(old, new)
    assert [f.rule_id for f in report.findings] == ["request-path-parameter-renamed"]
    assert report.findings[0].operation == "GET /c/{course_id}/li/{line_item_id}"


def test_type_less_union_takes_branch_types() -> None:
    union = {"oneOf": [{"type": "object", "properties": {}}, {"type": "object"}]}
    assert rule_ids(response_doc({"type": "object"}), response_doc(union)) == set()


def test_operation_level_security_overrides_global() -> None:
    base = doc(
        {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}}, security=[{"o": ["a"]}]
    )
    public = doc(
        {"/x": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}}},
        security=[{"o": ["a"]}],
    )
    assert rule_ids(base, public) == {"security-removed"}
    assert rule_ids(public, base) == {"security-added"}


def write_split_spec(root: Path, tag_type: str) -> Path:
    (root / "sub").mkdir(parents=True, exist_ok=True)
    (root / "sub" / "tag.yaml").write_text(yaml.safe_dump({"Tag": {"type": tag_type}}))
    (root / "schemas.yaml").write_text(
        yaml.safe_dump(
            {
                "Item": {
                    "type": "object",
                    "properties": {
                        "kind": {"$ref": "#/Kind"},
                        "tag": {"$ref": "sub/tag.yaml#/Tag"},
                        "self": {"$ref": "#/Item"},
                    },
                },
                "Kind": {"type": "string", "enum": ["a"]},
            }
        )
    )
    spec = response_doc({"$ref": "schemas.yaml#/Item"})
    (root / "api.yaml").write_text(yaml.safe_dump(spec))
    return root / "api.yaml"


def test_refs_into_other_files(tmp_path: Path) -> None:
    old = load_spec(write_split_spec(tmp_path / "old", "string"))
    new = load_spec(write_split_spec(tmp_path / "new", "integer"))
    assert compare(old, load_spec(tmp_path / "old" / "api.yaml")).findings == []
    (finding,) = compare(old, new).findings
    assert finding.rule_id == "response-property-type-changed"
    assert finding.location.endswith("/schema/properties/tag/type")


def test_missing_referenced_file_is_a_load_error(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(yaml.safe_dump(response_doc({"$ref": "nope.yaml#/X"})))
    with pytest.raises(LoadError, match=r"referenced file: .*nope\.yaml: no such file"):
        load_spec(tmp_path / "api.yaml")


def test_relative_source_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_split_spec(tmp_path / "specs", "string")
    monkeypatch.chdir(tmp_path)
    document = load_spec("specs/api.yaml")
    assert compare(document, document).findings == []
    assert "x-drift-unresolved-ref" not in json.dumps(document)


def nested(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    schema = leaf
    for _ in range(depth):
        schema = obj({"child": schema})
    return schema


def test_nesting_is_followed_up_to_the_depth_limit() -> None:
    from conformance.drift.schemas import MAX_DEPTH

    shallow_old, shallow_new = nested(10, {"type": "string"}), nested(10, {"type": "integer"})
    (finding,) = compare(response_doc(shallow_old), response_doc(shallow_new)).findings
    assert finding.location.count("/properties/child") == 10
    deep_old = nested(MAX_DEPTH + 5, {"type": "string"})
    deep_new = nested(MAX_DEPTH + 5, {"type": "integer"})
    assert compare(response_doc(deep_old), response_doc(deep_new)).findings == []


@pytest.mark.parametrize(
    ("schema", "extra", "used_at"),
    [
        ({"$ref": "#/components/schemas/Missing"}, {}, "#/paths/~1things/get/responses/200/content/application~1json/schema"),
        (obj({"a": {"$ref": "#/components/schemas/Gone"}}), {"components": {"schemas": {"Other": {"type": "string"}}}},
         "#/paths/~1things/get/responses/200/content/application~1json/schema/properties/a"),
        ({"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": {"propertyName": "t", "mapping": {"b": "#/components/schemas/B"}}},
         {"components": {"schemas": {"A": {"type": "object"}}}},
         "#/paths/~1things/get/responses/200/content/application~1json/schema/discriminator/mapping/b"),
    ],
)
def test_a_reference_to_nothing_is_a_load_error_naming_it_and_its_use(tmp_path: Path, schema: Any, extra: dict[str, Any], used_at: str) -> None:
    (tmp_path / "api.yaml").write_text(yaml.safe_dump({**response_doc(schema), **extra}))
    with pytest.raises(LoadError, match="resolves to nothing") as raised:
        load_spec(tmp_path / "api.yaml")
    assert f"used at {used_at}" in str(raised.value)


def test_references_inside_examples_and_extensions_are_values_not_references(tmp_path: Path) -> None:
    schema = obj({"a": {"type": "object", "example": {"$ref": "#/nowhere"}, "x-note": {"$ref": "#/nowhere"}}},
                 **{"default": {"$ref": "#/nowhere"}})
    document = response_doc(schema)
    document["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["examples"] = {
        "one": {"value": {"$ref": "#/nowhere"}}}
    (tmp_path / "api.yaml").write_text(yaml.safe_dump(document))
    assert load_spec(tmp_path / "api.yaml")["openapi"]
