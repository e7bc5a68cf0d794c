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
    "request-parameter-allow-empty-value-removed",
    B,
    REQ,
    (params_doc({**Q, "allowEmptyValue": True}), params_doc(Q)),
    (params_doc({**Q, "allowEmptyValue": False}), params_doc(Q)),
)
case(
    "request-parameter-allow-empty-value-added",
    N,
    REQ,
    (params_doc(Q), params_doc({**Q, "allowEmptyValue": True})),
    (params_doc(Q), params_doc({**Q, "allowEmptyValue": False})),
)
QA = {"name": "q", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}
case(
    "request-parameter-explode-changed",
    B,
    REQ,
    (params_doc(QA), params_doc({**QA, "explode": False})),
    (params_doc(QA), params_doc({**QA, "explode": True, "style": "form"})),
)
case(
    "request-parameter-style-changed",
    B,
    REQ,
    (params_doc({**QA, "explode": False}), params_doc({**QA, "style": "pipeDelimited", "explode": False})),
    (params_doc({**QA, "explode": False}), params_doc({**QA, "style": "form", "explode": False})),
)
case(
    "request-parameter-single-value-serialization-changed",
    N,
    REQ,
    (params_doc(Q), params_doc({**Q, "explode": False})),
    (params_doc(QA), params_doc({**QA, "explode": False})),
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
    B,
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
    "request-required-property-became-writable",
    B,
    REQ,
    (body_doc(obj({"a": RO}, ["a"])), body_doc(obj({"a": S}, ["a"]))),
    (body_doc(obj({"a": RO})), body_doc(obj({"a": S}))),
)
case(
    "response-property-became-write-only",
    W,
    RESP,
    (response_doc(obj({"a": S}, ["a"])), response_doc(obj({"a": WO}, ["a"]))),
    (response_doc(obj({"a": S})), response_doc(obj({"a": {**S, "writeOnly": False}}))),
)
case(
    "response-property-became-readable",
    N,
    RESP,
    (response_doc(obj({"a": WO}, ["a"])), response_doc(obj({"a": S}, ["a"]))),
    (response_doc(obj({"a": WO})), response_doc(obj({"a": {**WO, "title": "A"}}))),
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

case(
    "response-header-became-required",
    N,
    RESP,
    (response_doc(headers={"Link": H}), response_doc(headers={"Link": {**H, "required": True}})),
    (response_doc(headers={"Link": {**H, "required": True}}), response_doc(headers={"Link": H})),
)
OBJ_H = {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}
case(
    "response-header-explode-changed",
    W,
    RESP,
    (response_doc(headers={"X-Ids": OBJ_H}), response_doc(headers={"X-Ids": {**OBJ_H, "explode": True}})),
    (response_doc(headers={"X-Ids": OBJ_H}), response_doc(headers={"X-Ids": {**OBJ_H, "explode": False}})),
)
case(
    "response-header-style-changed",
    W,
    RESP,
    (response_doc(headers={"X-Ids": OBJ_H}), response_doc(headers={"X-Ids": {**OBJ_H, "style": "form", "explode": False}})),
    (response_doc(headers={"X-Ids": OBJ_H}), response_doc(headers={"X-Ids": {**OBJ_H, "style": "simple"}})),
)
case(
    "response-header-single-value-serialization-changed",
    N,
    RESP,
    (response_doc(headers={"Link": H}), response_doc(headers={"Link": {**H, "explode": True}})),
    (response_doc(headers={"X-Ids": OBJ_H}), response_doc(headers={"X-Ids": {**OBJ_H, "explode": True}})),
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
case(
    "security-requirement-relaxed",
    N,
    SEC,
    (sec({"o": ["a"], "k": []}), sec({"o": ["a"]})),
    (sec({"o": ["a"], "k": []}), sec({"o": ["a", "b"]})),
)
IMPLICIT = {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a/auth", "refreshUrl": "https://a/refresh",
                                                      "scopes": {"a": "a"}}}}


def _flow(**urls: str) -> Doc:
    return {**IMPLICIT, "flows": {"implicit": {**IMPLICIT["flows"]["implicit"], **urls}}}


case(
    "security-scheme-authorization-url-changed",
    W,
    SEC,
    (sec(schemes={"o": IMPLICIT}), sec(schemes={"o": _flow(authorizationUrl="https://b/auth")})),
    (sec(schemes={"o": IMPLICIT}), sec(schemes={"o": _flow(refreshUrl="https://b/refresh")})),
)
case(
    "security-scheme-refresh-url-changed",
    W,
    SEC,
    (sec(schemes={"o": IMPLICIT}), sec(schemes={"o": _flow(refreshUrl="https://b/refresh")})),
    (sec(schemes={"o": IMPLICIT}), sec(schemes={"o": _flow(authorizationUrl="https://b/auth")})),
)
OIDC = {"type": "openIdConnect", "openIdConnectUrl": "https://a/.well-known/openid-configuration"}
case(
    "security-scheme-open-id-connect-url-changed",
    W,
    SEC,
    (sec(schemes={"i": OIDC}), sec(schemes={"i": {**OIDC, "openIdConnectUrl": "https://b/.well-known/openid-configuration"}})),
    (sec(schemes={"i": OIDC}), sec(schemes={"i": {**OIDC, "description": "changed"}})),
)
case(
    "security-scheme-bearer-format-changed",
    N,
    SEC,
    (sec(schemes={"t": BEARER}), sec(schemes={"t": {**BEARER, "bearerFormat": "JWT"}})),
    (sec(schemes={"t": BEARER}), sec(schemes={"t": {**BEARER, "description": "JWT"}})),
)

# --- schema keywords: one fragment pair per suffix, wrapped three ways ------------------------
I_, ST, NU = {"type": "integer"}, {"type": "string"}, {"type": "number"}
ARR = {"type": "array", "items": {"type": "string"}}
OB = {"type": "object", "properties": {"a": {"type": "string"}}}
OB2 = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
CON = {**ARR, "contains": {"type": "string", "enum": ["x"]}}
#: suffix -> ((old, new) positive, (old, new) near miss, severities per prefix)
SCHEMA_CASES: dict[str, tuple[tuple[Doc, Doc], tuple[Doc, Doc], tuple[Any, Any, Any]]] = {
    "type-changed": ((ST, I_), (ST, {"type": ["string"]}), (B, B, B)),
    "type-widened": ((I_, NU), (I_, ST), (N, N, None)),
    "type-narrowed": ((NU, I_), (I_, NU), (None, None, N)),
    "format-changed": (
        ({**ST, "format": "uri"}, {**ST, "format": "date"}),
        ({**ST, "format": "date"}, {**ST, "format": "date", "example": "x"}),
        (B, B, B),
    ),
    "format-generalized": (
        ({**ST, "format": "date"}, {**ST, "format": "date-time"}),
        ({**ST, "format": "date-time"}, {**ST, "format": "date"}),
        (N, N, None),
    ),
    "format-specialized": (
        ({**I_, "format": "int64"}, {**I_, "format": "int32"}),
        ({**I_, "format": "int32"}, {**I_, "format": "int64"}),
        (None, None, N),
    ),
    "format-added": (
        (ST, {**ST, "format": "uri"}),
        ({**ST, "format": "date"}, {**ST, "format": "uri"}),
        (B, B, N),
    ),
    "format-removed": (
        ({**ST, "format": "uri"}, ST),
        ({**ST, "format": "date"}, {**ST, "format": "uri"}),
        (N, N, B),
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
    "max-set": ((I_, {**I_, "maximum": 5}), ({**I_, "maximum": 10}, {**I_, "maximum": 5}), (W, W, N)),
    "max-decreased": (
        ({**I_, "maximum": 10}, {**I_, "maximum": 5}),
        (I_, {**I_, "maximum": 5}),
        (B, B, N),
    ),
    "max-increased": (
        ({**I_, "maximum": 5}, I_),
        ({**I_, "maximum": 10}, {**I_, "maximum": 5}),
        (N, N, B),
    ),
    "min-set": ((I_, {**I_, "minimum": 1}), ({**I_, "minimum": 0}, {**I_, "minimum": 1}), (W, W, N)),
    "min-increased": (
        ({**I_, "minimum": 0}, {**I_, "minimum": 1}),
        (I_, {**I_, "minimum": 1}),
        (B, B, N),
    ),
    "min-decreased": (
        ({**I_, "minimum": 2}, {**I_, "minimum": 1}),
        ({**I_, "minimum": 1}, {**I_, "minimum": 2}),
        (N, N, B),
    ),
    "exclusive-max-set": (
        (NU, {**NU, "exclusiveMaximum": 5}),
        ({**NU, "exclusiveMaximum": 9}, {**NU, "exclusiveMaximum": 5}),
        (W, W, N),
    ),
    "exclusive-max-decreased": (
        ({**NU, "exclusiveMaximum": 9}, {**NU, "exclusiveMaximum": 5}),
        ({**NU, "exclusiveMaximum": 5}, {**NU, "exclusiveMaximum": 9}),
        (B, B, N),
    ),
    "exclusive-max-increased": (
        ({**NU, "exclusiveMaximum": 5}, {**NU, "exclusiveMaximum": 9}),
        ({**NU, "exclusiveMaximum": 9}, {**NU, "exclusiveMaximum": 5}),
        (N, N, B),
    ),
    "exclusive-min-set": (
        (NU, {**NU, "exclusiveMinimum": 0}),
        ({**NU, "exclusiveMinimum": 1}, {**NU, "exclusiveMinimum": 0}),
        (W, W, N),
    ),
    "exclusive-min-increased": (
        ({**NU, "exclusiveMinimum": 0}, {**NU, "exclusiveMinimum": 1}),
        ({**NU, "exclusiveMinimum": 1}, {**NU, "exclusiveMinimum": 0}),
        (B, B, N),
    ),
    "exclusive-min-decreased": (
        ({**NU, "exclusiveMinimum": 1}, NU),
        ({**NU, "exclusiveMinimum": 0}, {**NU, "exclusiveMinimum": 1}),
        (N, N, B),
    ),
    "max-length-set": (
        (ST, {**ST, "maxLength": 5}),
        ({**ST, "maxLength": 9}, {**ST, "maxLength": 5}),
        (W, W, N),
    ),
    "max-length-decreased": (
        ({**ST, "maxLength": 10}, {**ST, "maxLength": 5}),
        (ST, {**ST, "maxLength": 5}),
        (B, B, N),
    ),
    "max-length-increased": (
        ({**ST, "maxLength": 5}, {**ST, "maxLength": 10}),
        ({**ST, "maxLength": 10}, {**ST, "maxLength": 5}),
        (N, N, B),
    ),
    "min-length-set": ((ST, {**ST, "minLength": 1}), ({**ST, "minLength": 0}, {**ST, "minLength": 1}), (W, W, N)),
    "min-length-increased": (({**ST, "minLength": 0}, {**ST, "minLength": 1}), (ST, {**ST, "minLength": 0}), (B, B, N)),
    "min-length-decreased": (
        ({**ST, "minLength": 2}, {**ST, "minLength": 1}),
        ({**ST, "minLength": 0}, ST),
        (N, N, B),
    ),
    "max-items-set": (
        (ARR, {**ARR, "maxItems": 5}),
        ({**ARR, "maxItems": 9}, {**ARR, "maxItems": 5}),
        (W, W, N),
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
    "min-items-set": (
        (ARR, {**ARR, "minItems": 1}),
        (ARR, {**ARR, "minItems": 0}),
        (W, W, N),
    ),
    "min-items-increased": (
        ({**ARR, "minItems": 0}, {**ARR, "minItems": 1}),
        (ARR, {**ARR, "minItems": 0}),
        (B, B, N),
    ),
    "min-items-decreased": (
        ({**ARR, "minItems": 2}, {**ARR, "minItems": 1}),
        ({**ARR, "minItems": 0}, ARR),
        (N, N, B),
    ),
    "max-properties-set": (
        (OB, {**OB, "maxProperties": 3}),
        ({**OB, "maxProperties": 4}, {**OB, "maxProperties": 3}),
        (W, W, N),
    ),
    "max-properties-decreased": (
        ({**OB, "maxProperties": 4}, {**OB, "maxProperties": 3}),
        ({**OB, "maxProperties": 3}, {**OB, "maxProperties": 4}),
        (B, B, N),
    ),
    "max-properties-increased": (
        ({**OB, "maxProperties": 3}, OB),
        (OB, {**OB, "maxProperties": 3}),
        (N, N, B),
    ),
    "min-properties-set": (
        (OB, {**OB, "minProperties": 1}),
        (OB, {**OB, "minProperties": 0}),
        (W, W, N),
    ),
    "min-properties-increased": (
        ({**OB, "minProperties": 1}, {**OB, "minProperties": 2}),
        (OB, {**OB, "minProperties": 1}),
        (B, B, N),
    ),
    "min-properties-decreased": (
        ({**OB, "minProperties": 2}, OB),
        (OB, {**OB, "minProperties": 2}),
        (N, N, B),
    ),
    "max-contains-decreased": (
        ({**CON, "maxContains": 3}, {**CON, "maxContains": 2}),
        ({**CON, "maxContains": 2}, {**CON, "maxContains": 3}),
        (B, B, N),
    ),
    "max-contains-increased": (
        ({**CON, "maxContains": 2}, CON),
        (CON, {**CON, "maxContains": 2}),
        (N, N, B),
    ),
    "min-contains-increased": (
        (CON, {**CON, "minContains": 2}),
        (CON, {**CON, "minContains": 1}),
        (B, B, N),
    ),
    "min-contains-decreased": (
        ({**CON, "minContains": 2}, CON),
        (CON, {**CON, "minContains": 1}),
        (N, N, B),
    ),
    "multiple-of-changed": (
        ({**I_, "multipleOf": 2}, {**I_, "multipleOf": 3}),
        ({**I_, "multipleOf": 2}, {**I_, "multipleOf": 4}),
        (B, B, W),
    ),
    "multiple-of-narrowed": (
        ({**I_, "multipleOf": 2}, {**I_, "multipleOf": 4}),
        ({**I_, "multipleOf": 4}, {**I_, "multipleOf": 2}),
        (B, B, N),
    ),
    "multiple-of-widened": (
        ({**I_, "multipleOf": 4}, I_),
        (I_, {**I_, "multipleOf": 4}),
        (N, N, W),
    ),
    "unique-items-added": (
        (ARR, {**ARR, "uniqueItems": True}),
        (ARR, {**ARR, "uniqueItems": False}),
        (B, B, N),
    ),
    "unique-items-removed": (
        ({**ARR, "uniqueItems": True}, ARR),
        ({**ARR, "uniqueItems": False}, ARR),
        (N, N, W),
    ),
    "pattern-added": (
        (ST, {**ST, "pattern": "^a"}),
        ({**ST, "pattern": "^a"}, {**ST, "pattern": "^a", "title": "x"}),
        (B, B, N),
    ),
    "pattern-changed": (
        ({**ST, "pattern": "^a"}, {**ST, "pattern": "^b"}),
        ({**ST, "pattern": "^a"}, {**ST, "pattern": ".*"}),
        (B, B, N),
    ),
    "pattern-generalized": (
        ({**ST, "pattern": "^a"}, {**ST, "pattern": ".*"}),
        ({**ST, "pattern": "^a"}, {**ST, "pattern": "^b"}),
        (N, N, N),
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
    "default-value-added": (
        (I_, {**I_, "default": 1}),
        ({**I_, "default": 1}, {**I_, "default": 2}),
        (B, N, N),
    ),
    "default-value-removed": (
        ({**I_, "default": 1}, I_),
        ({**I_, "default": 1}, {**I_, "default": 2}),
        (B, N, N),
    ),
    "default-value-changed": (
        ({**I_, "default": 1}, {**I_, "default": 2}),
        ({**I_, "default": 1}, {**I_, "default": 1, "description": "d"}),
        (B, N, N),
    ),
    "one-of-branch-added": (
        (
            {"oneOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}]},
            {"oneOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}, {**ST, "pattern": "^x"}]},
        ),
        (
            {"oneOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}]},
            {"oneOf": [{**ST, "format": "date", "title": "D"}, {**ST, "enum": ["a"]}]},
        ),
        (N, N, B),
    ),
    "one-of-branch-removed": (
        (
            {"oneOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}, I_]},
            {"oneOf": [{**ST, "format": "date"}, I_]},
        ),
        (
            {"oneOf": [{**ST, "enum": ["a"]}, {**ST, "format": "date"}]},
            {"oneOf": [{**ST, "enum": ["a", "b"]}, {**ST, "format": "date"}]},
        ),
        (B, B, N),
    ),
    "any-of-branch-added": (
        ({"anyOf": [ST, I_]}, {"anyOf": [ST, I_, {"type": "boolean"}]}),
        ({"anyOf": [ST, I_]}, {"anyOf": [I_, ST]}),
        (N, N, N),
    ),
    "any-of-branch-removed": (
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
    "extensible-enum-value-removed": (
        ({**ST, "x-extensible-enum": ["a", "b"]}, {**ST, "x-extensible-enum": ["a"]}),
        ({**ST, "x-extensible-enum": ["a"]}, {**ST, "x-extensible-enum": ["a", "b"]}),
        (B, B, N),
    ),
    "extensible-enum-value-added": (
        ({**ST, "x-extensible-enum": ["a"]}, {**ST, "x-extensible-enum": ["a", "b"]}),
        ({**ST, "x-extensible-enum": ["a", "b"]}, {**ST, "x-extensible-enum": ["b", "a"]}),
        (N, N, N),
    ),
    "const-added": ((ST, {**ST, "const": "a"}), ({**ST, "const": "a"}, {**ST, "const": "a"}), (B, B, N)),
    "const-removed": (({**ST, "const": "a"}, ST), (ST, {**ST, "const": "a"}), (N, N, B)),
    "const-changed": (
        ({**ST, "const": "a"}, {**ST, "const": "b"}),
        ({**ST, "const": "a"}, {**ST, "const": "a", "title": "t"}),
        (B, B, B),
    ),
    "all-of-added": (
        ({"allOf": [OB]}, {"allOf": [OB, {**OB, "properties": {"z": ST}}]}),
        ({"allOf": [OB]}, {"allOf": [OB, {"description": "only words"}]}),
        (B, B, N),
    ),
    "all-of-removed": (
        ({"allOf": [OB, {**OB, "properties": {"z": ST}}]}, {"allOf": [OB]}),
        ({"allOf": [OB, {"description": "only words"}]}, {"allOf": [OB]}),
        (W, W, N),
    ),
    "all-of-annotation-changed": (
        ({"allOf": [OB]}, {"allOf": [OB, {"description": "only words"}]}),
        ({"allOf": [OB]}, {"allOf": [OB, {**OB, "properties": {"z": ST}}]}),
        (N, N, N),
    ),
    "one-of-added": (
        (OB2, {**OB2, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}),
        (OB2, {"oneOf": [{**OB2, "required": ["a"]}, {**OB2, "required": ["b"]}]}),
        (B, B, B),
    ),
    "one-of-removed": (
        ({**OB2, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, OB2),
        ({"oneOf": [{**OB2, "required": ["a"]}, {**OB2, "required": ["b"]}]}, OB2),
        (N, N, W),
    ),
    "any-of-added": (
        (OB2, {**OB2, "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}),
        (OB2, {**OB2, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}),
        (B, B, B),
    ),
    "any-of-removed": (
        ({**OB2, "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}, OB2),
        ({**OB2, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, OB2),
        (N, N, W),
    ),
    "wrapped-in-one-of": (
        (OB2, {"oneOf": [{**OB2, "required": ["a"]}, {**OB2, "required": ["b"]}]}),
        (OB2, {**OB2, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}),
        (B, B, B),
    ),
    "unwrapped-from-one-of": (
        ({"oneOf": [{**OB2, "required": ["a"]}, {**OB2, "required": ["b"]}]}, OB2),
        (OB2, {"oneOf": [{**OB2, "required": ["a"]}, {**OB2, "required": ["b"]}]}),
        (W, W, W),
    ),
    "not-added": ((ST, {**ST, "not": {"const": "x"}}), ({**ST, "not": {"const": "x"}}, ST), (B, B, N)),
    "not-removed": (({**ST, "not": {"const": "x"}}, ST), (ST, {**ST, "not": {"const": "x"}}), (N, N, B)),
    "not-changed": (
        ({**ST, "not": {"const": "x"}}, {**ST, "not": {"const": "y"}}),
        ({**ST, "not": {"const": "x"}}, {**ST, "not": {"const": "x", "title": "t"}}),
        (B, B, W),
    ),
    "if-added": (
        (OB2, {**OB2, "if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        ({**OB2, "if": {"required": ["a"]}}, {**OB2, "if": {"required": ["a"]}}),
        (B, B, N),
    ),
    "if-removed": (
        ({**OB2, "if": {"required": ["a"]}, "then": {"required": ["b"]}}, OB2),
        (OB2, {**OB2, "if": {"required": ["a"]}}),
        (N, N, B),
    ),
    "if-changed": (
        ({**OB2, "if": {"required": ["a"]}}, {**OB2, "if": {"required": ["b"]}}),
        ({**OB2, "if": {"required": ["a"]}}, {**OB2, "if": {"required": ["a"], "title": "t"}}),
        (B, B, W),
    ),
    "then-added": (
        ({**OB2, "if": {"required": ["a"]}}, {**OB2, "if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        ({**OB2, "if": {"required": ["a"]}}, {**OB2, "if": {"required": ["a"]}, "else": {"required": ["b"]}}),
        (B, B, N),
    ),
    "then-removed": (
        ({**OB2, "if": {"required": ["a"]}, "then": {"required": ["b"]}}, {**OB2, "if": {"required": ["a"]}}),
        ({**OB2, "if": {"required": ["a"]}}, {**OB2, "if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        (N, N, B),
    ),
    "else-added": (
        ({**OB2, "if": {"required": ["a"]}}, {**OB2, "if": {"required": ["a"]}, "else": {"required": ["b"]}}),
        ({**OB2, "if": {"required": ["a"]}}, {**OB2, "if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        (B, B, N),
    ),
    "else-removed": (
        ({**OB2, "if": {"required": ["a"]}, "else": {"required": ["b"]}}, {**OB2, "if": {"required": ["a"]}}),
        ({**OB2, "if": {"required": ["a"]}}, {**OB2, "if": {"required": ["a"]}, "else": {"required": ["b"]}}),
        (N, N, B),
    ),
    "contains-added": ((ARR, CON), (CON, ARR), (B, B, N)),
    "contains-removed": ((CON, ARR), (ARR, CON), (N, N, B)),
    "prefix-items-added": (
        (ARR, {**ARR, "prefixItems": [I_]}),
        ({**ARR, "prefixItems": [I_]}, ARR),
        (N, N, B),
    ),
    "prefix-items-removed": (
        ({**ARR, "prefixItems": [I_, ST]}, {**ARR, "prefixItems": [I_]}),
        ({**ARR, "prefixItems": [I_]}, {**ARR, "prefixItems": [I_, ST]}),
        (B, B, N),
    ),
    "dependent-required-added": (
        (OB2, {**OB2, "dependentRequired": {"a": ["b"]}}),
        ({**OB2, "dependentRequired": {"a": ["b"]}}, OB2),
        (B, B, N),
    ),
    "dependent-required-removed": (
        ({**OB2, "dependentRequired": {"a": ["b"]}}, OB2),
        (OB2, {**OB2, "dependentRequired": {"a": ["b"]}}),
        (N, N, B),
    ),
    "dependent-required-changed": (
        ({**OB2, "dependentRequired": {"a": ["b"]}}, {**OB2, "dependentRequired": {"a": ["b", "c"]}}),
        ({**OB2, "dependentRequired": {"a": ["b", "c"]}}, {**OB2, "dependentRequired": {"a": ["c", "b"]}}),
        (B, B, B),
    ),
    "dependent-schema-added": (
        (OB2, {**OB2, "dependentSchemas": {"a": {"required": ["b"]}}}),
        ({**OB2, "dependentSchemas": {"a": {"required": ["b"]}}}, OB2),
        (B, B, N),
    ),
    "dependent-schema-removed": (
        ({**OB2, "dependentSchemas": {"a": {"required": ["b"]}}}, OB2),
        (OB2, {**OB2, "dependentSchemas": {"a": {"required": ["b"]}}}),
        (N, N, B),
    ),
    "property-names-added": (
        (OB, {**OB, "propertyNames": {"pattern": "^[a-z]+$"}}),
        ({**OB, "propertyNames": {"pattern": "^[a-z]+$"}}, OB),
        (B, B, N),
    ),
    "property-names-removed": (
        ({**OB, "propertyNames": {"pattern": "^[a-z]+$"}}, OB),
        (OB, {**OB, "propertyNames": {"pattern": "^[a-z]+$"}}),
        (N, N, B),
    ),
    "pattern-property-added": (
        (OB, {**OB, "patternProperties": {"^x-": ST}}),
        ({**OB, "patternProperties": {"^x-": ST}}, OB),
        (B, B, N),
    ),
    "pattern-property-removed": (
        ({**OB, "patternProperties": {"^x-": ST}}, OB),
        (OB, {**OB, "patternProperties": {"^x-": ST}}),
        (N, N, B),
    ),
    "unevaluated-properties-tightened": (
        (OB, {**OB, "unevaluatedProperties": False}),
        ({**OB, "unevaluatedProperties": False}, OB),
        (B, B, N),
    ),
    "unevaluated-properties-loosened": (
        ({**OB, "unevaluatedProperties": False}, OB),
        (OB, {**OB, "unevaluatedProperties": False}),
        (N, N, B),
    ),
    "unevaluated-items-tightened": (
        (ARR, {**ARR, "unevaluatedItems": False}),
        ({**ARR, "unevaluatedItems": False}, ARR),
        (B, B, N),
    ),
    "unevaluated-items-loosened": (
        ({**ARR, "unevaluatedItems": False}, ARR),
        (ARR, {**ARR, "unevaluatedItems": False}),
        (N, N, B),
    ),
    "content-schema-added": (
        ({**ST, "contentMediaType": "application/json"}, {**ST, "contentMediaType": "application/json", "contentSchema": OB}),
        ({**ST, "contentMediaType": "application/json", "contentSchema": OB}, {**ST, "contentMediaType": "application/json"}),
        (B, B, N),
    ),
    "content-schema-removed": (
        ({**ST, "contentMediaType": "application/json", "contentSchema": OB}, {**ST, "contentMediaType": "application/json"}),
        ({**ST, "contentMediaType": "application/json"}, {**ST, "contentMediaType": "application/json", "contentSchema": OB}),
        (N, N, B),
    ),
    "content-encoding-changed": (
        (ST, {**ST, "contentEncoding": "base64"}),
        ({**ST, "contentEncoding": "base64"}, {**ST, "contentEncoding": "base64", "title": "t"}),
        (B, B, B),
    ),
    "content-media-type-changed": (
        ({**ST, "contentMediaType": "image/png"}, {**ST, "contentMediaType": "image/jpeg"}),
        ({**ST, "contentMediaType": "image/png"}, {**ST, "contentMediaType": "image/png", "title": "t"}),
        (B, B, B),
    ),
    "discriminator-changed": (
        ({**OB2, "discriminator": {"propertyName": "a"}}, {**OB2, "discriminator": {"propertyName": "b"}}),
        ({**OB2, "discriminator": {"propertyName": "a"}}, {**OB2, "discriminator": {"propertyName": "a"}, "title": "t"}),
        (N, N, N),
    ),
    "unsupported-keyword": (
        ({**ST, "$dynamicRef": "#a"}, {**ST, "$dynamicRef": "#b"}),
        ({**ST, "$dynamicRef": "#a"}, {**ST, "$dynamicRef": "#a", "x-note": "ignored"}),
        (W, W, W),
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


def _media(schema: Doc | None, *, request: bool, media: str = "application/json") -> Doc:
    content: Doc = {media: {} if schema is None else {"schema": schema}}
    if request:
        return op_doc({"requestBody": {"content": content}}, method="post")
    return op_doc({"responses": {"200": {"description": "ok", "content": content}}})


case(
    "request-body-media-type-schema-added",
    B,
    REQ,
    (_media(None, request=True), _media(ST, request=True)),
    (_media(ST, request=True), _media({**ST, "title": "t"}, request=True)),
)
case(
    "request-body-media-type-schema-removed",
    N,
    REQ,
    (_media(ST, request=True), _media(None, request=True)),
    (_media(None, request=True), _media(ST, request=True)),
)
case(
    "response-media-type-schema-added",
    N,
    RESP,
    (_media(None, request=False), _media(ST, request=False)),
    (_media(ST, request=False), _media(None, request=False)),
)
case(
    "response-media-type-schema-removed",
    W,
    RESP,
    (_media(ST, request=False), _media(None, request=False)),
    (_media(None, request=False), _media(ST, request=False)),
)
XML = "application/xml"
case(
    "request-property-type-compatible",
    N,
    REQ,
    (_media(obj({"p": I_}), request=True, media=XML), _media(obj({"p": ST}), request=True, media=XML)),
    (_media(obj({"p": I_}), request=True), _media(obj({"p": ST}), request=True)),
)
case(
    "response-property-type-compatible",
    N,
    RESP,
    (_media(obj({"p": ST}), request=False, media=XML), _media(obj({"p": I_}), request=False, media=XML)),
    (_media(obj({"p": I_}), request=False, media=XML), _media(obj({"p": ST}), request=False, media=XML)),
)
case(
    "request-parameter-type-compatible",
    N,
    REQ,
    (param_doc(I_), param_doc(ST)),
    (param_doc(ST), param_doc(I_)),
)
HOOK = {"post": {"requestBody": {"content": {"application/json": {"schema": ST}}}, "responses": {"200": {"description": "ok"}}}}
case(
    "webhook-added",
    N,
    OP,
    (doc(webhooks={}), doc(webhooks={"newPet": HOOK})),
    (doc(webhooks={"newPet": HOOK}), doc(webhooks={"newPet": {"post": {**HOOK["post"], "summary": "s"}}})),
)
case(
    "webhook-removed",
    B,
    OP,
    (doc(webhooks={"newPet": HOOK}), doc(webhooks={})),
    (doc(webhooks={}), doc(webhooks={"newPet": HOOK})),
)


SUNSET = {"responses": {"200": {"description": "ok"}}, "deprecated": True, "x-sunset": "2999-01-01"}
PAST = {**SUNSET, "x-sunset": "2001-01-01"}
case(
    "operation-removed-before-sunset",
    B,
    OP,
    (at({"/a": {"get": GET, "post": SUNSET}}), at({"/a": {"get": GET}})),
    (at({"/a": {"get": GET, "post": PAST}}), at({"/a": {"get": GET}})),
)
case(
    "unstable-operation-removed",
    N,
    OP,
    (at({"/a": {"get": GET, "post": {**GET, "x-stability-level": "alpha"}}}), at({"/a": {"get": GET}})),
    (at({"/a": {"get": GET, "post": {**GET, "x-stability-level": "stable"}}}), at({"/a": {"get": GET}})),
)


case(
    "operation-stability-decreased",
    B,
    OP,
    (op_doc({"x-stability-level": "stable"}), op_doc({"x-stability-level": "beta"})),
    (op_doc({"x-stability-level": "beta"}), op_doc({"x-stability-level": "stable"})),
)
case(
    "operation-stability-increased",
    N,
    OP,
    (op_doc({"x-stability-level": "beta"}), op_doc({"x-stability-level": "stable"})),
    (op_doc({"x-stability-level": "stable"}), op_doc({"x-stability-level": "beta"})),
)
case(
    "operation-stability-invalid",
    B,
    OP,
    (op_doc({"x-stability-level": "stable"}), op_doc({"x-stability-level": "production"})),
    (op_doc({"x-stability-level": "alpha"}), op_doc({"x-stability-level": "beta"})),
)
DEPRECATED = {"deprecated": True}
case(
    "operation-sunset-removed",
    B,
    OP,
    (op_doc({**DEPRECATED, "x-sunset": "2999-01-01"}), op_doc(DEPRECATED)),
    (op_doc({**DEPRECATED, "x-sunset": "2999-01-01"}), op_doc({"x-sunset": "2999-01-01"})),
)
case(
    "operation-sunset-invalid",
    B,
    OP,
    (op_doc({**DEPRECATED, "x-sunset": "2999-01-01"}), op_doc({**DEPRECATED, "x-sunset": "soon"})),
    (op_doc({**DEPRECATED, "x-sunset": "2999-01-01"}), op_doc({**DEPRECATED, "x-sunset": "2999-02-01T00:00:00Z"})),
)
OLD_PARAM = {"name": "q", "in": "query", "schema": {"type": "string"}, "deprecated": True}
case(
    "request-parameter-removed-before-sunset",
    B,
    REQ,
    (params_doc({**OLD_PARAM, "x-sunset": "2999-01-01"}), params_doc()),
    (params_doc({**OLD_PARAM, "x-sunset": "2001-01-01"}), params_doc()),
)
case(
    "request-parameter-sunset-removed",
    B,
    REQ,
    (params_doc({**OLD_PARAM, "x-sunset": "2999-01-01"}), params_doc(OLD_PARAM)),
    (params_doc({**OLD_PARAM, "x-sunset": "2999-01-01"}), params_doc({**OLD_PARAM, "x-sunset": "2999-03-01"})),
)
case(
    "request-parameter-sunset-invalid",
    B,
    REQ,
    (params_doc({**OLD_PARAM, "x-sunset": "2999-01-01"}), params_doc({**OLD_PARAM, "x-sunset": "2999-13-01"})),
    (params_doc(OLD_PARAM), params_doc({**OLD_PARAM, "x-sunset": "2999-12-01"})),
)
STR_ARRAY = {"type": "array", "items": {"type": "string"}}
case(
    "request-parameter-became-array",
    N,
    REQ,
    (param_doc({"type": "string"}), param_doc(STR_ARRAY)),
    (param_doc({"type": "string"}, name="id", where="path"), param_doc(STR_ARRAY, name="id", where="path")),
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
