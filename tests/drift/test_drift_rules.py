"""One positive and one near-miss negative case per registered rule.

The positive pair must report the rule with the expected severity and side (written out here,
independently of the registry, so a severity change is a deliberate test change). The near-miss
pair is a similar-looking change that must *not* trigger the rule. ``test_every_rule_has_a_case``
fails when a rule is added without a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conformance.drift import RULES, Severity, Side

from .builders import (
    body_doc,
    doc,
    findings,
    obj,
    op_doc,
    param_doc,
    params_doc,
    response_doc,
    rule_ids,
)

B, W, N = Severity.BREAKING, Severity.WARNING, Severity.INFO
Doc = dict[str, Any]


@dataclass(frozen=True)
class Case:
    rule: str
    severity: Severity
    side: Side
    old: Doc
    new: Doc
    near_old: Doc
    near_new: Doc


CASES: list[Case] = []


def case(
    rule: str, severity: Severity, side: Side, pair: tuple[Doc, Doc], near: tuple[Doc, Doc]
) -> None:
    CASES.append(Case(rule, severity, side, *pair, *near))


OP, REQ, RESP, SEC = Side.OPERATION, Side.REQUEST, Side.RESPONSE, Side.SECURITY
GET = {"responses": {"200": {"description": "ok"}}}


def at(mapping: dict[str, dict[str, Any]]) -> Doc:
    return doc(mapping)


# --- paths and operations -------------------------------------------------------------------
case(
    "path-added",
    N,
    OP,
    (doc(), at({"/a": {"get": GET}})),
    (at({"/a/{id}": {"get": GET}}), at({"/a/{x}": {"get": GET}})),
)
case(
    "path-removed",
    B,
    OP,
    (at({"/a": {"get": GET}}), doc()),
    (at({"/a/{id}": {"get": GET}}), at({"/a/{x}": {"get": GET}})),
)
case(
    "operation-added",
    N,
    OP,
    (at({"/a": {"get": GET}}), at({"/a": {"get": GET, "post": GET}})),
    (at({"/a": {"get": GET}}), at({"/a": {"get": GET}, "/b": {"post": GET}})),
)
case(
    "operation-removed",
    B,
    OP,
    (at({"/a": {"get": GET, "post": GET}}), at({"/a": {"get": GET}})),
    (at({"/a": {"get": GET, "post": {**GET, "deprecated": True}}}), at({"/a": {"get": GET}})),
)
case(
    "deprecated-operation-removed",
    W,
    OP,
    (at({"/a": {"get": GET, "post": {**GET, "deprecated": True}}}), at({"/a": {"get": GET}})),
    (at({"/a": {"get": GET, "post": GET}}), at({"/a": {"get": GET}})),
)
case(
    "operation-id-changed",
    W,
    OP,
    (op_doc({"operationId": "a"}), op_doc({"operationId": "b"})),
    (op_doc({"operationId": "a"}), op_doc({"operationId": "a", "summary": "x"})),
)
case(
    "operation-id-added",
    N,
    OP,
    (op_doc(), op_doc({"operationId": "a"})),
    (op_doc({"operationId": "a"}), op_doc({"operationId": "b"})),
)
case(
    "operation-id-removed",
    W,
    OP,
    (op_doc({"operationId": "a"}), op_doc()),
    (op_doc({"operationId": "a"}), op_doc({"operationId": "b"})),
)
case(
    "operation-deprecated",
    N,
    OP,
    (op_doc(), op_doc({"deprecated": True})),
    (op_doc({"deprecated": False}), op_doc()),
)
case(
    "operation-undeprecated",
    N,
    OP,
    (op_doc({"deprecated": True}), op_doc()),
    (op_doc({"deprecated": True}), op_doc({"deprecated": True})),
)
case(
    "operation-summary-changed",
    N,
    OP,
    (op_doc({"summary": "List things"}), op_doc({"summary": "List all things"})),
    (op_doc({"summary": "List things"}), op_doc({"summary": "List\n  things "})),
)
case(
    "operation-description-changed",
    N,
    OP,
    (op_doc({"description": "Lists."}), op_doc({"description": "Lists all."})),
    (op_doc({"description": "Lists."}), op_doc({"description": " Lists.\n"})),
)


def path_param_doc(path: str, name: str, **fields: Any) -> Doc:
    return params_doc(
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, **fields},
        path=path,
    )


case(
    "request-path-parameter-renamed",
    N,
    REQ,
    (path_param_doc("/a/{id}", "id"), path_param_doc("/a/{line_item_id}", "line_item_id")),
    (path_param_doc("/a/{id}", "id"), path_param_doc("/a/{id}", "id", description="x")),
)

# --- parameters ----------------------------------------------------------------------------
Q = {"name": "q", "in": "query", "schema": {"type": "string"}}
case(
    "request-required-parameter-added",
    B,
    REQ,
    (params_doc(), params_doc({**Q, "required": True})),
    (params_doc(), params_doc(Q)),
)
case(
    "request-optional-parameter-added",
    N,
    REQ,
    (params_doc(), params_doc(Q)),
    (params_doc(), params_doc({**Q, "required": True})),
)
case(
    "request-parameter-removed",
    W,
    REQ,
    (params_doc(Q), params_doc()),
    (params_doc(Q), params_doc({**Q, "in": "header"})),
)
case(
    "request-parameter-became-required",
    B,
    REQ,
    (params_doc(Q), params_doc({**Q, "required": True})),
    (path_param_doc("/a/{id}", "id", required=None), path_param_doc("/a/{id}", "id")),
)
case(
    "request-parameter-became-optional",
    N,
    REQ,
    (params_doc({**Q, "required": True}), params_doc({**Q, "required": False})),
    (path_param_doc("/a/{id}", "id"), path_param_doc("/a/{id}", "id", required=None)),
)
case(
    "request-parameter-location-changed",
    B,
    REQ,
    (params_doc(Q), params_doc({**Q, "in": "header"})),
    (params_doc(Q), params_doc({**Q, "name": "r", "in": "header"})),
)
case(
    "request-parameter-deprecated",
    N,
    REQ,
    (params_doc(Q), params_doc({**Q, "deprecated": True})),
    (params_doc({**Q, "deprecated": True}), params_doc({**Q, "deprecated": True})),
)

# --- request bodies ------------------------------------------------------------------------
S = {"type": "string"}
case(
    "request-body-added-required",
    B,
    REQ,
    (op_doc(method="post"), body_doc(S)),
    (op_doc(method="post"), body_doc(S, required=False)),
)
case(
    "request-body-added-optional",
    N,
    REQ,
    (op_doc(method="post"), body_doc(S, required=None)),
    (op_doc(method="post"), body_doc(S)),
)
case(
    "request-body-removed",
    W,
    REQ,
    (body_doc(S), op_doc(method="post")),
    (body_doc(S), body_doc(S, media="text/plain")),
)
case(
    "request-body-became-required",
    B,
    REQ,
    (body_doc(S, required=False), body_doc(S)),
    (body_doc(S, required=None), body_doc(S, required=False)),
)
case(
    "request-body-became-optional",
    N,
    REQ,
    (body_doc(S), body_doc(S, required=None)),
    (body_doc(S), body_doc(S, required=True)),
)
case(
    "request-body-media-type-added",
    N,
    REQ,
    (body_doc(S), body_doc(S, media="text/plain")),
    (body_doc(S), body_doc(S, media="Application/JSON")),
)
case(
    "request-body-media-type-removed",
    B,
    REQ,
    (body_doc(S, media="text/plain"), body_doc(S)),
    (
        body_doc(S, media="application/json; charset=utf-8"),
        body_doc(S, media="application/json;charset=UTF-8"),
    ),
)

# --- object structure ----------------------------------------------------------------------
RO = {"type": "string", "readOnly": True}
WO = {"type": "string", "writeOnly": True}
case(
    "request-required-property-added",
    B,
    REQ,
    (body_doc(obj({"a": S})), body_doc(obj({"a": S, "b": S}, ["b"]))),
    (body_doc(obj({"a": S})), body_doc(obj({"a": S, "b": RO}, ["b"]))),
)
case(
    "request-optional-property-added",
    N,
    REQ,
    (body_doc(obj({"a": S})), body_doc(obj({"a": S, "b": S}))),
    (body_doc(obj({"a": S})), body_doc(obj({"a": S, "b": S}, ["b"]))),
)
case(
    "request-required-property-removed",
    W,
    REQ,
    (body_doc(obj({"a": S, "b": S}, ["b"])), body_doc(obj({"a": S}))),
    (body_doc(obj({"a": S, "b": S})), body_doc(obj({"a": S}))),
)
case(
    "request-optional-property-removed",
    W,
    REQ,
    (body_doc(obj({"a": S, "b": S})), body_doc(obj({"a": S}))),
    (body_doc(obj({"a": S, "b": S}, ["b"])), body_doc(obj({"a": S}))),
)
case(
    "request-property-became-required",
    B,
    REQ,
    (body_doc(obj({"a": S})), body_doc(obj({"a": S}, ["a"]))),
    (body_doc(obj({"a": RO})), body_doc(obj({"a": RO}, ["a"]))),
)
case(
    "request-property-became-optional",
    N,
    REQ,
    (body_doc(obj({"a": S}, ["a"])), body_doc(obj({"a": S}))),
    (body_doc(obj({"a": S}, ["a"])), body_doc(obj({"a": {**S, "title": "A"}}, ["a"]))),
)
case(
    "request-property-became-read-only",
    W,
    REQ,
    (body_doc(obj({"a": S})), body_doc(obj({"a": RO}))),
    (body_doc(obj({"a": S})), body_doc(obj({"a": {**S, "readOnly": False}}))),
)
case(
    "request-property-became-writable",
    N,
    REQ,
    (body_doc(obj({"a": RO})), body_doc(obj({"a": S}))),
    (body_doc(obj({"a": RO})), body_doc(obj({"a": RO}))),
)
case(
    "request-property-additional-properties-tightened",
    B,
    REQ,
    (body_doc(obj({"a": S})), body_doc(obj({"a": S}, additionalProperties=False))),
    (body_doc(obj({"a": S})), body_doc(obj({"a": S}, additionalProperties=True))),
)
case(
    "request-property-additional-properties-loosened",
    N,
    REQ,
    (body_doc(obj({"a": S}, additionalProperties=False)), body_doc(obj({"a": S}))),
    (
        body_doc(obj({"a": S}, additionalProperties=True)),
        body_doc(obj({"a": S}, additionalProperties={})),
    ),
)
case(
    "response-required-property-added",
    N,
    RESP,
    (response_doc(obj({"a": S})), response_doc(obj({"a": S, "b": S}, ["b"]))),
    (response_doc(obj({"a": S})), response_doc(obj({"a": S, "b": S}))),
)
case(
    "response-optional-property-added",
    N,
    RESP,
    (response_doc(obj({"a": S})), response_doc(obj({"a": S, "b": S}))),
    (response_doc(obj({"a": S})), response_doc(obj({"a": S, "b": S}, ["b"]))),
)
case(
    "response-required-property-removed",
    B,
    RESP,
    (response_doc(obj({"a": S, "b": S}, ["b"])), response_doc(obj({"a": S}))),
    (response_doc(obj({"a": S, "b": S})), response_doc(obj({"a": S}))),
)
case(
    "response-optional-property-removed",
    W,
    RESP,
    (response_doc(obj({"a": S, "b": S})), response_doc(obj({"a": S}))),
    (response_doc(obj({"a": S, "b": S}, ["b"])), response_doc(obj({"a": S}))),
)
case(
    "response-property-became-required",
    N,
    RESP,
    (response_doc(obj({"a": S})), response_doc(obj({"a": S}, ["a"]))),
    (response_doc(obj({"a": WO})), response_doc(obj({"a": WO}, ["a"]))),
)
case(
    "response-property-became-optional",
    B,
    RESP,
    (response_doc(obj({"a": S}, ["a"])), response_doc(obj({"a": S}))),
    (
        response_doc(obj({"a": S}, ["a"])),
        response_doc(obj({"a": {**S, "description": "x"}}, ["a"])),
    ),
)
case(
    "response-property-additional-properties-loosened",
    W,
    RESP,
    (response_doc(obj({"a": S}, additionalProperties=False)), response_doc(obj({"a": S}))),
    (response_doc(obj({"a": S})), response_doc(obj({"a": S}, additionalProperties={}))),
)
case(
    "response-property-additional-properties-tightened",
    N,
    RESP,
    (response_doc(obj({"a": S})), response_doc(obj({"a": S}, additionalProperties=False))),
    (
        response_doc(obj({"a": S}, additionalProperties=False)),
        response_doc(obj({"a": S}, additionalProperties=False)),
    ),
)

# --- responses ------------------------------------------------------------------------------
case(
    "response-success-status-added",
    N,
    RESP,
    (response_doc(), response_doc(extra_codes=("201",))),
    (response_doc(), response_doc(extra_codes=("404",))),
)
case(
    "response-non-success-status-added",
    N,
    RESP,
    (response_doc(), response_doc(extra_codes=("404",))),
    (response_doc(), response_doc(extra_codes=("201",))),
)
case(
    "response-success-status-removed",
    B,
    RESP,
    (response_doc(extra_codes=("201",)), response_doc()),
    (response_doc(code=200), response_doc(code="200")),
)
case(
    "response-non-success-status-removed",
    W,
    RESP,
    (response_doc(extra_codes=("404",)), response_doc()),
    (response_doc(extra_codes=("201",)), response_doc()),
)
case(
    "response-media-type-added",
    N,
    RESP,
    (response_doc(S), response_doc(S, media="text/plain")),
    (response_doc(S), response_doc(S, media="APPLICATION/json")),
)
case(
    "response-media-type-removed",
    B,
    RESP,
    (response_doc(S, media="text/plain"), response_doc(S)),
    (response_doc(S, media="application/JSON"), response_doc(S)),
)
H = {"schema": {"type": "string"}}
case(
    "response-header-added",
    N,
    RESP,
    (response_doc(headers={}), response_doc(headers={"X-Total": H})),
    (response_doc(headers={"X-Total": H}), response_doc(headers={"x-total": H})),
)
case(
    "response-required-header-removed",
    B,
    RESP,
    (response_doc(headers={"Link": {**H, "required": True}}), response_doc(headers={})),
    (response_doc(headers={"Link": H}), response_doc(headers={})),
)
case(
    "response-optional-header-removed",
    W,
    RESP,
    (response_doc(headers={"Link": H}), response_doc(headers={})),
    (response_doc(headers={"Link": {**H, "required": True}}), response_doc(headers={})),
)
case(
    "response-header-became-optional",
    B,
    RESP,
    (response_doc(headers={"Link": {**H, "required": True}}), response_doc(headers={"Link": H})),
    (response_doc(headers={"Link": H}), response_doc(headers={"Link": {**H, "required": True}})),
)


# --- security -------------------------------------------------------------------------------
def sec(*requirements: dict[str, list[str]], schemes: dict[str, Any] | None = None) -> Doc:
    extra: dict[str, Any] = {}
    if schemes is not None:
        extra["components"] = {"securitySchemes": schemes}
    return op_doc({"security": list(requirements)}, **extra)


OAUTH = {
    "type": "oauth2",
    "flows": {"clientCredentials": {"tokenUrl": "https://a/token", "scopes": {"a": "a", "b": "b"}}},
}
BEARER = {"type": "http", "scheme": "bearer"}
case(
    "security-added",
    B,
    SEC,
    (sec(), sec({"o": ["a"]})),
    (sec({"o": ["a"]}), sec({"o": ["a"]}, {"k": []})),
)
case(
    "security-removed",
    N,
    SEC,
    (sec({"o": ["a"]}), sec()),
    (sec({"o": ["a"]}, {"k": []}), sec({"o": ["a"]})),
)
case(
    "security-requirement-added",
    N,
    SEC,
    (sec({"o": ["a"]}), sec({"o": ["a"]}, {"k": []})),
    (sec({"o": ["a"]}), sec({"o": ["a", "b"]})),
)
case(
    "security-requirement-removed",
    B,
    SEC,
    (sec({"o": ["a"]}, {"k": []}), sec({"o": ["a"]})),
    (sec({"o": ["a"]}, {"k": []}), sec({"k": []}, {"o": ["a"]})),
)
case(
    "security-scope-added",
    B,
    SEC,
    (sec({"o": ["a"]}), sec({"o": ["a", "b"]})),
    (sec({"o": ["a", "b"]}), sec({"o": ["b", "a"]})),
)
case(
    "security-scope-removed",
    N,
    SEC,
    (sec({"o": ["a", "b"]}), sec({"o": ["a"]})),
    (sec({"o": ["a"]}), sec({"o": ["a", "b"]})),
)
case(
    "security-scheme-added",
    N,
    SEC,
    (sec(schemes={}), sec(schemes={"o": OAUTH})),
    (sec(schemes={"o": OAUTH}), sec(schemes={"o": {**OAUTH, "description": "x"}})),
)
case(
    "security-scheme-removed",
    W,
    SEC,
    (sec(schemes={"o": OAUTH}), sec(schemes={})),
    (sec(schemes={"o": OAUTH}), sec(schemes={"o": {**OAUTH, "description": "x"}})),
)
case(
    "security-scheme-type-changed",
    B,
    SEC,
    (
        sec(schemes={"t": BEARER}),
        sec(schemes={"t": {"type": "apiKey", "in": "header", "name": "X"}}),
    ),
    (sec(schemes={"t": BEARER}), sec(schemes={"t": {**BEARER, "scheme": "Bearer"}})),
)
OAUTH2 = {
    "type": "oauth2",
    "flows": {"clientCredentials": {"tokenUrl": "https://b/token", "scopes": {"a": "a", "b": "b"}}},
}
case(
    "security-scheme-token-url-changed",
    W,
    SEC,
    (sec(schemes={"o": OAUTH}), sec(schemes={"o": OAUTH2})),
    (sec(schemes={"o": OAUTH}), sec(schemes={"o": {**OAUTH, "description": "changed"}})),
)

# --- schema keywords: one fragment pair per suffix, wrapped three ways ------------------------
I_, ST, NU = {"type": "integer"}, {"type": "string"}, {"type": "number"}
ARR = {"type": "array", "items": {"type": "string"}}
#: suffix -> ((old, new) positive, (old, new) near miss, severities per prefix)
SCHEMA_CASES: dict[str, tuple[tuple[Doc, Doc], tuple[Doc, Doc], tuple[Any, Any, Any]]] = {
    "type-changed": ((ST, I_), (ST, {"type": ["string"]}), (B, B, B)),
    "type-widened": ((I_, NU), (I_, ST), (N, N, None)),
    "type-narrowed": ((NU, I_), (I_, NU), (None, None, N)),
    "format-changed": (
        ({**ST, "format": "date"}, {**ST, "format": "date-time"}),
        ({**ST, "format": "date"}, {**ST, "format": "date", "example": "x"}),
        (B, B, B),
    ),
    "format-added": (
        (ST, {**ST, "format": "uri"}),
        ({**ST, "format": "date"}, {**ST, "format": "uri"}),
        (B, B, N),
    ),
    "format-removed": (
        ({**ST, "format": "uri"}, ST),
        ({**ST, "format": "date"}, {**ST, "format": "uri"}),
        (N, N, W),
    ),
    "enum-value-removed": (
        ({**ST, "enum": ["a", "b"]}, {**ST, "enum": ["a"]}),
        ({**ST, "enum": ["a", "b"]}, {**ST, "enum": ["b", "a"]}),
        (B, B, N),
    ),
    "enum-value-added": (
        ({**ST, "enum": ["a"]}, {**ST, "enum": ["a", "b"]}),
        ({**ST, "enum": ["a", "b"]}, {**ST, "enum": ["b", "a"]}),
        (N, N, W),
    ),
    "enum-added": (
        (ST, {**ST, "enum": ["a"]}),
        ({**ST, "enum": ["a"]}, {**ST, "enum": ["a"], "example": "a"}),
        (B, B, N),
    ),
    "enum-removed": (
        ({**ST, "enum": ["a"]}, ST),
        ({**ST, "enum": ["a", "b"]}, {**ST, "enum": ["a"]}),
        (N, N, W),
    ),
    "max-decreased": (
        ({**I_, "maximum": 10}, {**I_, "maximum": 5}),
        ({**I_, "maximum": 10}, {**I_, "maximum": 20}),
        (B, B, N),
    ),
    "max-increased": (
        ({**I_, "maximum": 5}, I_),
        ({**I_, "maximum": 10}, {**I_, "maximum": 5}),
        (N, N, B),
    ),
    "min-increased": (
        (I_, {**I_, "minimum": 1}),
        ({**I_, "minimum": 2}, {**I_, "minimum": 1}),
        (B, B, N),
    ),
    "min-decreased": (
        ({**I_, "minimum": 2}, {**I_, "minimum": 1}),
        ({**I_, "minimum": 1}, {**I_, "minimum": 2}),
        (N, N, B),
    ),
    "max-length-decreased": (
        ({**ST, "maxLength": 10}, {**ST, "maxLength": 5}),
        ({**ST, "maxLength": 5}, {**ST, "maxLength": 10}),
        (B, B, N),
    ),
    "max-length-increased": (
        ({**ST, "maxLength": 5}, {**ST, "maxLength": 10}),
        ({**ST, "maxLength": 10}, {**ST, "maxLength": 5}),
        (N, N, B),
    ),
    "min-length-increased": ((ST, {**ST, "minLength": 1}), (ST, {**ST, "minLength": 0}), (B, B, N)),
    "min-length-decreased": (
        ({**ST, "minLength": 2}, {**ST, "minLength": 1}),
        ({**ST, "minLength": 0}, ST),
        (N, N, B),
    ),
    "max-items-decreased": (
        ({**ARR, "maxItems": 10}, {**ARR, "maxItems": 5}),
        ({**ARR, "maxItems": 5}, {**ARR, "maxItems": 10}),
        (B, B, N),
    ),
    "max-items-increased": (
        ({**ARR, "maxItems": 5}, ARR),
        (ARR, {**ARR, "maxItems": 5}),
        (N, N, B),
    ),
    "min-items-increased": (
        (ARR, {**ARR, "minItems": 1}),
        (ARR, {**ARR, "minItems": 0}),
        (B, B, N),
    ),
    "min-items-decreased": (
        ({**ARR, "minItems": 2}, {**ARR, "minItems": 1}),
        ({**ARR, "minItems": 0}, ARR),
        (N, N, B),
    ),
    "pattern-added": (
        (ST, {**ST, "pattern": "^a"}),
        ({**ST, "pattern": "^a"}, {**ST, "pattern": "^a", "title": "x"}),
        (W, W, N),
    ),
    "pattern-changed": (
        ({**ST, "pattern": "^a"}, {**ST, "pattern": "^b"}),
        ({**ST, "pattern": "^a"}, ST),
        (W, W, N),
    ),
    "pattern-removed": (({**ST, "pattern": "^a"}, ST), (ST, {**ST, "pattern": "^a"}), (N, N, W)),
    "became-nullable": (
        (ST, {**ST, "nullable": True}),
        ({**ST, "nullable": True}, {"type": ["string", "null"]}),
        (N, N, B),
    ),
    "became-not-nullable": (
        ({**ST, "nullable": True}, ST),
        ({"type": ["string", "null"]}, {**ST, "nullable": True}),
        (B, B, N),
    ),
    "default-value-changed": (
        ({**I_, "default": 1}, {**I_, "default": 2}),
        ({**I_, "default": 1}, {**I_, "default": 1, "description": "d"}),
        (N, N, N),
    ),
    "union-branch-added": (
        (
            {"oneOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}]},
            {"oneOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}, {**ST, "pattern": "^x"}]},
        ),
        (
            {"oneOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}]},
            {"oneOf": [{**ST, "format": "date", "title": "D"}, {**ST, "enum": ["a"]}]},
        ),
        (N, N, W),
    ),
    "union-branch-removed": (
        (
            {"anyOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}]},
            {"anyOf": [{**ST, "format": "date"}]},
        ),
        (
            {"anyOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}]},
            {"anyOf": [{**ST, "enum": ["a", "b"]}, {**ST, "format": "date"}]},
        ),
        (B, B, N),
    ),
}


def wrap_parameter(schema: Doc) -> Doc:
    return param_doc(schema)


def wrap_request(schema: Doc) -> Doc:
    return body_doc(obj({"p": schema}))


def wrap_response(schema: Doc) -> Doc:
    return response_doc(obj({"p": schema}))


WRAPPERS = (
    ("request-parameter", REQ, wrap_parameter),
    ("request-property", REQ, wrap_request),
    ("response-property", RESP, wrap_response),
)
for _suffix, ((_old, _new), (_nold, _nnew), _severities) in SCHEMA_CASES.items():
    for (_prefix, _side, _wrap), _severity in zip(WRAPPERS, _severities, strict=True):
        if _severity is not None:
            case(
                f"{_prefix}-{_suffix}",
                _severity,
                _side,
                (_wrap(_old), _wrap(_new)),
                (_wrap(_nold), _wrap(_nnew)),
            )


def test_every_rule_has_a_case() -> None:
    ids = [c.rule for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate cases"
    assert set(ids) == set(RULES), (
        f"rules without a case: {sorted(set(RULES) - set(ids))}; "
        f"cases without a rule: {sorted(set(ids) - set(RULES))}"
    )


def test_there_are_at_least_sixty_rules() -> None:
    assert len(RULES) >= 60


@pytest.mark.parametrize("c", CASES, ids=[c.rule for c in CASES])
def test_rule_reported(c: Case) -> None:
    matching = [f for f in findings(c.old, c.new) if f.rule_id == c.rule]
    assert matching, f"{c.rule} not reported; got {sorted(rule_ids(c.old, c.new))}"
    assert all(f.severity is c.severity for f in matching)
    assert all(f.side is c.side for f in matching)
    assert all(f.message and f.operation for f in matching)


@pytest.mark.parametrize("c", CASES, ids=[c.rule for c in CASES])
def test_rule_not_reported_for_near_miss(c: Case) -> None:
    assert c.rule not in rule_ids(c.near_old, c.near_new)


@pytest.mark.parametrize("c", CASES, ids=[c.rule for c in CASES])
def test_identical_documents_report_nothing(c: Case) -> None:
    assert rule_ids(c.old, c.old) == set()
    assert rule_ids(c.new, c.new) == set()
