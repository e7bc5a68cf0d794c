"""One test per change family of issue 15, each with pairs written from the semantics, and the
CLI surface that came with it (``--list-rules``, the changelog, ``--ignore`` checks).

Where a family is symmetric, the reverse pair is asserted too: narrowing a request is breaking,
widening it back is not; widening a response is breaking, narrowing it back is not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.drift import Severity, compare

from .builders import body_doc, doc, drift_main, findings, obj, op_doc, param_doc, response_doc

Doc = dict[str, Any]
ST = {"type": "string"}


def breaking(old: Doc, new: Doc) -> set[str]:
    return {f.rule_id for f in findings(old, new) if f.severity is Severity.BREAKING}


def severities(old: Doc, new: Doc) -> dict[str, Severity]:
    return {f.rule_id: f.severity for f in findings(old, new)}


def v31(document: Doc) -> Doc:
    return {**document, "openapi": "3.1.0"}


# 1. pattern added or changed (breaking) on request parameters and properties; changed to '.*' widens
@pytest.mark.parametrize("wrap", [param_doc, lambda s: body_doc(obj({"p": s}))], ids=["param", "property"])
def test_pattern_added_or_changed_is_breaking(wrap: Any) -> None:
    plain, a, b = wrap(ST), wrap({**ST, "pattern": "^a"}), wrap({**ST, "pattern": "^b"})
    assert breaking(plain, a) in ({"request-parameter-pattern-added"}, {"request-property-pattern-added"})
    assert breaking(a, b) in ({"request-parameter-pattern-changed"}, {"request-property-pattern-changed"})
    assert breaking(a, wrap({**ST, "pattern": ".*"})) == set()
    assert breaking(a, plain) == set()
    assert breaking(response_doc(obj({"p": ST})), response_doc(obj({"p": {**ST, "pattern": "^a"}}))) == set()


# 2. request body removed
def test_request_body_removed_is_breaking() -> None:
    assert breaking(body_doc(obj({"a": ST}), required=False), op_doc(method="post")) == {"request-body-removed"}


# 3. request parameter default changed (the server now assumes another value when omitted)
def test_parameter_default_changed_is_breaking_but_not_for_properties() -> None:
    assert breaking(param_doc({**ST, "default": "a"}), param_doc({**ST, "default": "b"})) == {
        "request-parameter-default-value-changed"
    }
    assert breaking(body_doc(obj({"p": {**ST, "default": "a"}})), body_doc(obj({"p": {**ST, "default": "b"}}))) == set()


# 4. x-extensible-enum
def test_extensible_enum_value_removed_is_breaking_for_requests_only() -> None:
    old, new = {**ST, "x-extensible-enum": ["a", "b"]}, {**ST, "x-extensible-enum": ["a"]}
    assert breaking(param_doc(old), param_doc(new)) == {"request-parameter-extensible-enum-value-removed"}
    assert breaking(param_doc(new), param_doc(old)) == set()
    assert breaking(response_doc(obj({"p": new})), response_doc(obj({"p": old}))) == set()


# 5. allOf added to a request body or property
def test_all_of_added_to_request_is_breaking_unless_it_only_annotates() -> None:
    base = obj({"a": ST})
    extra = obj({"b": {"type": "integer"}})
    assert breaking(body_doc({"allOf": [base]}), body_doc({"allOf": [base, extra]})) == {"request-property-all-of-added"}
    assert breaking(body_doc(obj({"p": {"allOf": [base]}})), body_doc(obj({"p": {"allOf": [base, extra]}}))) == {
        "request-property-all-of-added"
    }
    assert breaking(body_doc({"allOf": [base]}), body_doc({"allOf": [base, {"description": "words"}]})) == set()
    assert breaking(body_doc({"allOf": [base, extra]}), body_doc({"allOf": [base]})) == set()
    # the same schema re-spelt as an allOf is no change at all
    split = {"allOf": [obj({"a": ST}), obj({"b": ST})]}
    assert findings(body_doc(obj({"a": ST, "b": ST})), body_doc(split)) == []
    assert breaking(response_doc({"allOf": [base]}), response_doc({"allOf": [base, extra]})) == set()


# 6. request body wrapped into oneOf; oneOf branch added to a response body
def test_one_of_wrapping_and_response_branches() -> None:
    flat = obj({"a": ST, "b": ST}, ["a", "b"])
    wrapped = {"oneOf": [obj({"a": ST, "b": ST}, ["a"]), obj({"a": ST, "b": ST}, ["b"])]}
    assert breaking(body_doc(flat), body_doc(wrapped)) == {"request-property-wrapped-in-one-of"}
    assert breaking(response_doc(flat), response_doc(wrapped)) == {"response-property-wrapped-in-one-of"}
    # reported once, not as a removal of every property
    assert len(findings(body_doc(flat), body_doc(wrapped))) == 1
    two = {"oneOf": [obj({"a": ST}), obj({"b": ST})]}
    three = {"oneOf": [obj({"a": ST}), obj({"b": ST}), obj({"c": ST})]}
    assert breaking(response_doc(two), response_doc(three)) == {"response-property-one-of-branch-added"}
    assert breaking(body_doc(two), body_doc(three)) == set()
    assert breaking(body_doc(three), body_doc(two)) == {"request-property-one-of-branch-removed"}


# 7. a schema given to a media type that had none
def test_schema_added_to_a_media_type() -> None:
    def body(media: Doc) -> Doc:
        return op_doc({"requestBody": {"content": {"application/json": media}}}, method="post")

    def resp(media: Doc) -> Doc:
        return op_doc({"responses": {"200": {"description": "ok", "content": {"application/json": media}}}})

    assert breaking(body({}), body({"schema": obj({"a": ST})})) == {"request-body-media-type-schema-added"}
    assert severities(resp({}), resp({"schema": ST})) == {"response-media-type-schema-added": Severity.INFO}
    assert severities(resp({"schema": ST}), resp({})) == {"response-media-type-schema-removed": Severity.WARNING}


# 8. type changes under XML (and other text) media types: any value is also a string there
@pytest.mark.parametrize("media", ["application/xml", "text/xml", "application/atom+xml", "application/x-www-form-urlencoded"])
def test_xml_type_change_to_string_is_compatible(media: str) -> None:
    number, text = obj({"n": {"type": "integer"}}), obj({"n": ST})
    assert breaking(body_doc(number, media=media), body_doc(text, media=media)) == set()
    assert breaking(response_doc(text, media=media), response_doc(number, media=media)) == set()
    # in JSON, 1 is not "1"; and the other direction narrows a request / widens a response
    assert breaking(body_doc(number), body_doc(text)) == {"request-property-type-changed"}
    assert breaking(body_doc(text, media=media), body_doc(number, media=media)) == {"request-property-type-changed"}
    assert breaking(param_doc({"type": "integer"}), param_doc(ST)) == set()


# 9. a bound set where there was none: a warning; a bound tightened: breaking
@pytest.mark.parametrize(
    ("keyword", "kind", "low", "high"),
    [("maxLength", "string", 5, 10), ("maximum", "integer", 5, 10), ("maxItems", "array", 5, 10)],
)
def test_upper_bound_set_is_a_warning_and_decreased_is_breaking(keyword: str, kind: str, low: int, high: int) -> None:
    schema: Doc = {"type": kind, **({"items": ST} if kind == "array" else {})}
    assert set(severities(param_doc(schema), param_doc({**schema, keyword: low})).values()) == {Severity.WARNING}
    assert breaking(param_doc({**schema, keyword: high}), param_doc({**schema, keyword: low}))
    assert breaking(response_doc(obj({"p": {**schema, keyword: low}})), response_doc(obj({"p": schema})))


# 10. security: requiring credentials or a scope where none were needed locks callers out
def test_security_or_scope_added_is_breaking_alternatives_are_not() -> None:
    schemes = {"securitySchemes": {"o": {"type": "oauth2", "flows": {}}, "k": {"type": "apiKey", "in": "header", "name": "K"}}}

    def sec(*requirements: Doc) -> Doc:
        return op_doc({"security": list(requirements)} if requirements else {}, components=schemes)

    assert breaking(sec(), sec({"o": ["read"]})) == {"security-added"}
    assert breaking(sec({"o": ["read"]}), sec({"o": ["read", "write"]})) == {"security-scope-added"}
    assert breaking(sec({"o": ["read"]}), sec({"o": ["read"]}, {"k": []})) == set()
    assert breaking(sec({"o": ["read", "write"]}), sec({"o": ["read"]})) == set()


# 11. OpenAPI 3.1 / JSON Schema 2020-12, keyword by keyword: (old, new) narrows a request
NARROWINGS_31: dict[str, tuple[Doc, Doc]] = {
    "type array": ({"type": ["string", "integer"]}, ST),
    "null dropped from type array": ({"type": ["string", "null"]}, ST),
    "const": (ST, {**ST, "const": "x"}),
    "contains": ({"type": "array", "items": ST}, {"type": "array", "items": ST, "contains": {"const": "x"}}),
    "minContains": (
        {"type": "array", "contains": {"const": "x"}},
        {"type": "array", "contains": {"const": "x"}, "minContains": 2},
    ),
    "maxContains": (
        {"type": "array", "contains": {"const": "x"}, "maxContains": 3},
        {"type": "array", "contains": {"const": "x"}, "maxContains": 2},
    ),
    "prefixItems": ({"type": "array", "prefixItems": [ST, ST]}, {"type": "array", "prefixItems": [ST]}),
    "dependentRequired": (obj({"a": ST, "b": ST}), {**obj({"a": ST, "b": ST}), "dependentRequired": {"a": ["b"]}}),
    "dependentSchemas": (obj({"a": ST}), {**obj({"a": ST}), "dependentSchemas": {"a": {"required": ["b"]}}}),
    "propertyNames": ({"type": "object"}, {"type": "object", "propertyNames": {"maxLength": 3}}),
    "patternProperties": ({"type": "object"}, {"type": "object", "patternProperties": {"^n": {"type": "number"}}}),
    "unevaluatedItems": ({"type": "array", "prefixItems": [ST]}, {"type": "array", "prefixItems": [ST], "unevaluatedItems": False}),
    "unevaluatedProperties": (obj({"a": ST}), {**obj({"a": ST}), "unevaluatedProperties": False}),
    "contentSchema": (
        {**ST, "contentMediaType": "application/json"},
        {**ST, "contentMediaType": "application/json", "contentSchema": {"required": ["a"]}},
    ),
    "contentEncoding": (ST, {**ST, "contentEncoding": "base64"}),
    "contentMediaType": ({**ST, "contentMediaType": "image/png"}, {**ST, "contentMediaType": "image/gif"}),
    "not": (ST, {**ST, "not": {"const": "root"}}),
    "if/then": (obj({"a": ST, "b": ST}), {**obj({"a": ST, "b": ST}), "if": {"required": ["a"]}, "then": {"required": ["b"]}}),
    "$ref siblings": ({"$ref": "#/components/schemas/S"}, {"$ref": "#/components/schemas/S", "maxLength": 3}),
}


#: A different encoding or media type of a string's content breaks either way.
BOTH_WAYS = ("contentEncoding", "contentMediaType")


def _with_component(document: Doc) -> Doc:
    return {**document, "components": {"schemas": {"S": {**ST, "maxLength": 10}}}}


@pytest.mark.parametrize("keyword", list(NARROWINGS_31))
def test_31_keyword_narrowing_a_request_is_breaking_and_back_is_not(keyword: str) -> None:
    old, new = NARROWINGS_31[keyword]
    wide, narrow = (_with_component(v31(body_doc(obj({"p": s})))) for s in (old, new))
    assert breaking(wide, narrow), keyword
    if keyword in BOTH_WAYS:
        assert breaking(narrow, wide)
        return
    assert breaking(narrow, wide) == set(), keyword


@pytest.mark.parametrize("keyword", list(NARROWINGS_31))
def test_31_keyword_widening_a_response_is_breaking_and_back_is_not(keyword: str) -> None:
    old, new = NARROWINGS_31[keyword]
    wide, narrow = (_with_component(v31(response_doc(obj({"p": s})))) for s in (old, new))
    if keyword in BOTH_WAYS:
        assert breaking(narrow, wide) and breaking(wide, narrow)
        return
    assert breaking(narrow, wide), keyword
    assert breaking(wide, narrow) == set(), keyword


def test_31_ref_siblings_are_ignored_in_30_as_the_30_spec_says() -> None:
    old, new = NARROWINGS_31["$ref siblings"]
    assert findings(_with_component(body_doc(obj({"p": old}))), _with_component(body_doc(obj({"p": new})))) == []


def test_31_null_spellings_compare_equal() -> None:
    spellings = [{"type": ["string", "null"]}, {"oneOf": [ST, {"type": "null"}]}, {"anyOf": [{"type": "null"}, ST]}]
    for a in spellings:
        for b in spellings:
            assert findings(v31(body_doc(obj({"p": a}))), v31(body_doc(obj({"p": b})))) == []


HOOK = {"post": {"requestBody": {"content": {"application/json": {"schema": obj({"id": ST}, ["id"])}}}, "responses": {"200": {"description": "ok"}}}}


def test_webhooks_added_removed_and_changed() -> None:
    none, one = v31(doc(webhooks={})), v31(doc(webhooks={"created": HOOK}))
    assert severities(none, one) == {"webhook-added": Severity.INFO}
    assert breaking(one, none) == {"webhook-removed"}
    # the client receives a webhook's body: a required field it relied on going away breaks it,
    # a new field does not
    optional_id = {"content": {"application/json": {"schema": obj({"id": ST})}}}
    lighter = v31(doc(webhooks={"created": {"post": {**HOOK["post"], "requestBody": optional_id}}}))
    assert breaking(one, lighter) == {"response-property-became-optional"}
    assert breaking(lighter, one) == set()
    assert {f.operation for f in findings(one, lighter)} == {"POST webhook:created"}


def test_unknown_keyword_is_reported_not_silently_clean() -> None:
    old, new = v31(body_doc(obj({"p": {**ST, "$dynamicRef": "#a"}}))), v31(body_doc(obj({"p": {**ST, "$dynamicRef": "#b"}})))
    found = findings(old, new)
    assert [(f.rule_id, f.severity) for f in found] == [("request-property-unsupported-keyword", Severity.WARNING)]
    assert "$dynamicRef" in found[0].message
    # used identically on both sides, it changes nothing
    assert findings(old, old) == []


def test_reversing_every_request_narrowing_family_is_not_breaking() -> None:
    pairs = [
        (param_doc(ST), param_doc({**ST, "pattern": "^a"})),
        (param_doc({**ST, "x-extensible-enum": ["a", "b"]}), param_doc({**ST, "x-extensible-enum": ["a"]})),
        (body_doc({"allOf": [obj({"a": ST})]}), body_doc({"allOf": [obj({"a": ST}), obj({"b": ST}, ["b"])]})),
        (body_doc({"oneOf": [obj({"a": ST}), obj({"b": ST}), obj({"c": ST})]}), body_doc({"oneOf": [obj({"a": ST}), obj({"b": ST})]})),
    ]
    for wide, narrow in pairs:
        assert breaking(wide, narrow)
        assert breaking(narrow, wide) == set()


# --- the CLI that came with it ---------------------------------------------------------------
def test_list_rules_prints_every_rule_with_severity_and_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert drift_main(["drift", "--list-rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:2] == ["request-body-removed", "breaking"] for line in lines)
    assert any(line.split()[:2] == ["request-parameter-max-length-set", "warning"] for line in lines)
    assert all(len(line.split(None, 2)) == 3 for line in lines)
    assert drift_main(["drift", "--list-rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert {"id", "severity", "side", "description"} <= set(rules[0])
    assert len({r["id"] for r in rules}) == len(rules)


def _write(tmp_path: Path, name: str, document: Doc) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return str(path)


def test_changelog_groups_every_change_by_operation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = doc({"/a": {"get": {"responses": {"200": {"description": "ok"}}}}, "/b": {"post": {"responses": {"200": {"description": "ok"}}}}})
    new = doc({"/a": {"get": {"deprecated": True, "responses": {"200": {"description": "ok"}}}}})
    args = ["drift", _write(tmp_path, "old.yaml", old), _write(tmp_path, "new.yaml", new)]
    assert drift_main([*args, "--format", "changelog"]) == 0
    out = capsys.readouterr().out
    assert "2 changes: 1 breaking, 0 warning, 1 info" in out
    assert out.index("## GET /a") < out.index("- [info] operation deprecated") < out.index("## POST /b")
    assert "- [BREAKING] path /b removed [path-removed]" in out
    assert drift_main([*args, "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert html.startswith("<!doctype html>") and "<code>POST /b</code>" in html


def test_ignore_with_an_unknown_rule_id_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path, "s.yaml", doc())
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("request-body-removd\n", encoding="utf-8")
    assert drift_main(["drift", spec, spec, "--ignore", str(ignore)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'request-body-removd'" in err
    ignore.write_text("request-body-*\n", encoding="utf-8")  # a glob that names known rules is fine
    assert drift_main(["drift", spec, spec, "--ignore", str(ignore)]) == 0


def test_flag_abbreviations_are_refused(tmp_path: Path) -> None:
    spec = _write(tmp_path, "s.yaml", doc())
    with pytest.raises(SystemExit) as exit_info:
        drift_main(["drift", spec, spec, "--fail", "breaking"])
    assert exit_info.value.code == 2


def test_comparing_stays_exact_for_identical_31_documents() -> None:
    document = v31(body_doc(obj({"p": {"type": ["string", "null"], "const": "x", "not": {"const": "y"}}})))
    assert compare(document, json.loads(json.dumps(document))).findings == []


# Found by the oasdiff corpus: a bound written the 3.0 way (minimum + exclusiveMinimum: true) or the
# 3.1 way (exclusiveMinimum: N) is the same bound; turning it exclusive at the same value tightens it.
def test_exclusive_bounds_compare_across_spellings() -> None:
    num = {"type": "number"}
    old30 = response_doc({**num, "minimum": 0, "exclusiveMinimum": True})
    new31 = v31(response_doc({**num, "exclusiveMinimum": 0}))
    assert findings(old30, new31) == []
    assert findings(param_doc({**num, "maximum": 9, "exclusiveMaximum": True}),
                    v31(param_doc({**num, "exclusiveMaximum": 9}))) == []
    inclusive, exclusive = param_doc({**num, "minimum": 0}), param_doc({**num, "minimum": 0, "exclusiveMinimum": True})
    assert breaking(inclusive, exclusive) == {"request-parameter-exclusive-min-increased"}
    assert breaking(exclusive, inclusive) == set()
    assert breaking(response_doc({**num, "maximum": 5, "exclusiveMaximum": True}), response_doc({**num, "maximum": 5})) == {
        "response-property-exclusive-max-increased"}
    assert breaking(param_doc({**num, "maximum": 5, "exclusiveMaximum": True}), param_doc({**num, "maximum": 4})) == {
        "request-parameter-max-decreased"}


# Found by the oasdiff corpus: oasdiff's lifecycle extensions on operations and parameters.
def test_sunset_and_stability_promises() -> None:
    dep = {"deprecated": True, "x-sunset": "2999-01-01"}
    assert breaking(op_doc(dep), op_doc({"deprecated": True})) == {"operation-sunset-removed"}
    assert breaking(op_doc(dep), op_doc({**dep, "x-sunset": "next year"})) == {"operation-sunset-invalid"}
    assert breaking(op_doc({**dep, "x-sunset": "next year"}), op_doc(dep)) == {"operation-sunset-invalid"}
    assert breaking(op_doc(dep), op_doc({**dep, "x-sunset": "2999-06-01"})) == set()
    assert breaking(op_doc({"x-stability-level": "stable"}), op_doc({"x-stability-level": "GA"})) == {
        "operation-stability-invalid"}
    param = {"name": "q", "in": "query", "schema": ST, "deprecated": True}
    with_param, without = op_doc({"parameters": [{**param, "x-sunset": "2999-01-01"}]}), op_doc()
    assert breaking(with_param, without) == {"request-parameter-removed-before-sunset"}
    past = op_doc({"parameters": [{**param, "x-sunset": "2001-01-01"}]})
    assert breaking(past, without) == set()
    assert breaking(with_param, op_doc({"parameters": [param]})) == {"request-parameter-sunset-removed"}


# Found by the oasdiff corpus: a property that is readOnly on either side is not sent in requests then
# (its constraints do not matter), whatever else changed; a flag inherited from allOf counts too.
def test_read_only_on_either_side_hides_request_constraints() -> None:
    plain = body_doc(obj({"p": {**ST, "maxLength": 100}}))
    now_read_only = body_doc(obj({"p": {**ST, "maxLength": 50, "readOnly": True}}))
    assert severities(plain, now_read_only) == {"request-property-became-read-only": Severity.WARNING}
    assert breaking(now_read_only, plain) == set()
    inherited = body_doc(obj({"p": {"allOf": [{**ST, "maxLength": 50}, {"readOnly": True}]}}))
    assert breaking(plain, inherited) == set()


# Found by the oasdiff corpus: an inline allOf member edited in place is compared property by property.
def test_inline_all_of_member_edited_in_place_is_not_added() -> None:
    member = obj({"a": ST})
    old = body_doc({"allOf": [{"$ref": "#/components/schemas/B"}, member]})
    new = body_doc({"allOf": [{"$ref": "#/components/schemas/B"}, obj({"a": {**ST, "deprecated": True}})]})
    parts = {"components": {"schemas": {"B": obj({"b": ST})}}}
    assert breaking({**old, **parts}, {**new, **parts}) == set()
    narrowed = body_doc({"allOf": [{"$ref": "#/components/schemas/B"}, obj({"a": {**ST, "maxLength": 3}})]})
    assert severities({**old, **parts}, {**narrowed, **parts}) == {"request-property-max-length-set": Severity.WARNING}
    added = body_doc({"allOf": [{"$ref": "#/components/schemas/B"}, member, obj({"c": ST})]})
    assert breaking({**old, **parts}, {**added, **parts}) == {"request-property-all-of-added"}


# Found by the oasdiff corpus: a path parameter declared under another name than the template's, then
# renamed to match it, is the same parameter, not one moved "from path to path".
def test_path_parameter_matching_the_template_after_a_rename_is_not_moved() -> None:
    param = {"name": "testId", "in": "path", "required": True, "schema": ST}
    old = doc({"/t/{id}": {"parameters": [param], "get": {"responses": {"200": {"description": "ok"}}}}})
    new = doc({"/t/{testId}": {"parameters": [param], "get": {"responses": {"200": {"description": "ok"}}}}})
    assert breaking(old, new) == set()


# Found by the oasdiff corpus: a property inside an object parameter travels as text like the parameter
# (?filter[id]=5), so number -> string widens it; a parameter with JSON content stays strictly typed.
def test_object_parameter_properties_are_text() -> None:
    def deep(kind: str, **extra: Any) -> Doc:
        param = {"name": "filter", "in": "query", "style": "deepObject", **extra}
        if "content" not in extra:
            param["schema"] = obj({"id": {"type": kind}})
        return op_doc({"parameters": [param]})

    assert breaking(deep("number"), deep("string")) == set()
    assert breaking(deep("string"), deep("number")) == {"request-property-type-changed"}

    def as_json(kind: str) -> Doc:
        return deep(kind, content={"application/json": {"schema": obj({"id": {"type": kind}})}})

    assert breaking(as_json("number"), as_json("string")) == {"request-property-type-changed"}


# Found by the swap property test: in a text body, object -> string is compatible but the object's
# properties are not compared with a string (the reverse, string -> object, stops there too), so
# swapping the sides only swaps additions and removals.
def test_disjoint_compatible_type_change_does_not_descend() -> None:
    text = {"required": False, "content": {"text/plain": {"schema": {"type": "array", "items": ST}}}}
    as_object = {"required": False, "content": {"text/plain": {"schema": {
        "type": "array", "items": obj({"c": {"type": "integer"}})}}}}
    old, new = op_doc({"requestBody": as_object}, method="post"), op_doc({"requestBody": text}, method="post")
    assert set(severities(old, new)) == {"request-property-type-compatible"}
    assert breaking(new, old) == {"request-property-type-changed"}
