"""A corpus of small base/revision pairs with the verdict a client would give, per pair.

Modelled on the kinds of pairs oasdiff's checker tests use (one change per pair), written from
the semantics: what a *request* may contain can only widen, what a *response* may contain can
only narrow. Schema-level changes (``schema_changes.yaml``) are multiplied over every place a
schema sits; changes to operations, parameters, bodies, responses, security and webhooks are
written out below. ``measure`` gives breaking recall per OpenAPI version and the rate of
non-breaking pairs called breaking; ``python -m bench.drift_corpus`` prints it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conformance.drift import Severity, compare

Doc = dict[str, Any]
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Pair:
    id: str
    version: str  # "3.0" | "3.1"
    breaking: bool
    base: Doc
    revision: Doc


def document(version: str, paths: Doc, components: Doc | None = None, **extra: Any) -> Doc:
    doc: Doc = {
        "openapi": "3.1.0" if version == "3.1" else "3.0.3",
        "info": {"title": "corpus", "version": "1"},
        "paths": paths,
        **extra,
    }
    if components:
        doc["components"] = components
    return doc


OK = {"200": {"description": "ok"}}


def _json(schema: Any) -> Doc:
    return {"application/json": {"schema": schema}}


# --- where a schema can sit: (name, side, kinds it fits, builder(schema, version, ref)) -----------
def _param(where: str) -> Callable[[Any, str, Doc], Doc]:
    def build(schema: Any, version: str, refs: Doc) -> Doc:
        path = "/items/{p}" if where == "path" else "/items"
        param = {"name": "p", "in": where, "required": where == "path", "schema": schema}
        return document(version, {path: {"get": {"parameters": [param], "responses": OK}}}, refs)

    return build


def _request(wrap: Callable[[Any], Any]) -> Callable[[Any, str, Doc], Doc]:
    def build(schema: Any, version: str, refs: Doc) -> Doc:
        body = {"required": True, "content": _json(wrap(schema))}
        return document(version, {"/items": {"post": {"requestBody": body, "responses": OK}}}, refs)

    return build


def _response(wrap: Callable[[Any], Any]) -> Callable[[Any, str, Doc], Doc]:
    def build(schema: Any, version: str, refs: Doc) -> Doc:
        responses = {"200": {"description": "ok", "content": _json(wrap(schema))}}
        return document(version, {"/items": {"get": {"responses": responses}}}, refs)

    return build


def _header(schema: Any, version: str, refs: Doc) -> Doc:
    headers = {"X-Rate": {"required": True, "schema": schema}}
    responses = {"200": {"description": "ok", "headers": headers}}
    return document(version, {"/items": {"get": {"responses": responses}}}, refs)


def _prop(schema: Any) -> Doc:
    return {"type": "object", "properties": {"p": schema}}


def _nested(schema: Any) -> Doc:
    return {"type": "object", "properties": {"outer": _prop(schema)}}


def _in_array(schema: Any) -> Doc:
    return {"type": "object", "properties": {"list": {"type": "array", "items": _prop(schema)}}}


def _via_ref(schema: Any) -> Doc:
    return {"$ref": "#/components/schemas/Thing"}


def _identity(schema: Any) -> Any:
    return schema


ALL = ("scalar", "array", "object")
CONTEXTS: tuple[tuple[str, str, tuple[str, ...], Callable[[Any, str, Doc], Doc], bool], ...] = (
    # (name, side, kinds, builder, schema goes into components/schemas/Thing)
    ("query-param", "param", ("scalar", "array"), _param("query"), False),
    ("path-param", "param", ("scalar",), _param("path"), False),
    ("header-param", "param", ("scalar",), _param("header"), False),
    ("cookie-param", "param", ("scalar",), _param("cookie"), False),
    ("request-body", "request", ALL, _request(_identity), False),
    ("request-property", "request", ALL, _request(_prop), False),
    ("request-nested-property", "request", ALL, _request(_nested), False),
    ("request-array-item-property", "request", ALL, _request(_in_array), False),
    ("request-component", "request", ALL, _request(_via_ref), True),
    ("response-body", "response", ALL, _response(_identity), False),
    ("response-property", "response", ALL, _response(_prop), False),
    ("response-nested-property", "response", ALL, _response(_nested), False),
    ("response-array-item-property", "response", ALL, _response(_in_array), False),
    ("response-component", "response", ALL, _response(_via_ref), True),
    ("response-header", "response", ("scalar",), _header, False),
)


def _components(change: Doc, schema: Any, via_ref: bool) -> Doc:
    schemas: Doc = {}
    if "ref" in change:
        schemas["Ref"] = change["ref"]
    if via_ref:
        schemas["Thing"] = _prop(schema)
    return {"schemas": schemas} if schemas else {}


def schema_pairs() -> Iterator[Pair]:
    changes = yaml.safe_load((HERE / "schema_changes.yaml").read_text(encoding="utf-8"))
    for change in changes:
        version = str(change.get("version", "3.0"))
        for name, side, kinds, build, via_ref in CONTEXTS:
            if change["kind"] not in kinds:
                continue
            verdict = change.get(side, change["request"]) if side == "param" else change[side]
            base = build(copy.deepcopy(change["old"]), version, _components(change, change["old"], via_ref))
            revision = build(copy.deepcopy(change["new"]), version, _components(change, change["new"], via_ref))
            yield Pair(f"{change['id']}@{name}", version, verdict == "b", base, revision)


# --- changes outside schemas ---------------------------------------------------------------------
S = {"type": "object", "properties": {"a": {"type": "string"}}}


def op(version: str = "3.0", method: str = "get", path: str = "/items", **fields: Any) -> Doc:
    operation = {"responses": OK, **fields}
    return document(version, {path: {method: operation}})


def body(required: bool = True, media: str = "application/json", schema: Any = S, **extra: Any) -> Doc:
    content = {media: {} if schema is None else {"schema": schema}}
    return {"requestBody": {"required": required, "content": content}, **extra}


def responses(code: str = "200", media: str | None = "application/json", schema: Any = S, headers: Doc | None = None) -> Doc:
    response: Doc = {"description": "ok"}
    if media:
        response["content"] = {media: {} if schema is None else {"schema": schema}}
    if headers:
        response["headers"] = headers
    return {"responses": {code: response}}


def param(name: str = "q", where: str = "query", required: bool = False, **extra: Any) -> Doc:
    return {"name": name, "in": where, "required": required or where == "path", "schema": {"type": "string"}, **extra}


def secured(*requirements: Doc, version: str = "3.0") -> Doc:
    schemes = {
        "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://x/token", "scopes": {"read": "r", "write": "w"}}}},
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
    }
    operation: Doc = {"responses": OK}
    if requirements:
        operation["security"] = list(requirements)
    return document(version, {"/items": {"get": operation}}, {"securitySchemes": schemes})


def hooks(version: str = "3.1", **webhooks: Doc) -> Doc:
    return document(version, {}, webhooks=webhooks)


def hook(schema: Any) -> Doc:
    return {"post": {"requestBody": {"content": _json(schema)}, "responses": OK}}


B, N = True, False
XML = "application/xml"


def structural_pairs() -> Iterator[Pair]:
    def pair(pid: str, breaking: bool, base: Doc, revision: Doc) -> Pair:
        return Pair(pid, str(base["openapi"])[:3], breaking, base, revision)

    post = {"method": "post"}
    # operations and paths
    yield pair("path-removed", B, op(), document("3.0", {}))
    yield pair("path-added", N, document("3.0", {}), op())
    yield pair("operation-removed", B, document("3.0", {"/items": {"get": {"responses": OK}, "post": {"responses": OK}}}), op())
    yield pair(
        "deprecated-operation-removed",
        N,
        document("3.0", {"/items": {"get": {"responses": OK}, "post": {"responses": OK, "deprecated": True}}}),
        op(),
    )
    yield pair("operation-added", N, op(), document("3.0", {"/items": {"get": {"responses": OK}, "post": {"responses": OK}}}))
    yield pair("operation-deprecated", N, op(), op(deprecated=True))
    yield pair("operation-id-changed", N, op(operationId="a"), op(operationId="b"))
    yield pair("summary-changed", N, op(summary="a"), op(summary="b"))
    yield pair(
        "path-param-renamed",
        N,
        op(path="/items/{id}", parameters=[param("id", "path")]),
        op(path="/items/{item_id}", parameters=[param("item_id", "path")]),
    )
    yield pair("new-path-segment-param", B, op(path="/items"), op(path="/items/{id}", parameters=[param("id", "path")]))
    # parameters
    for where in ("query", "header", "cookie"):
        yield pair(f"required-{where}-param-added", B, op(), op(parameters=[param(where=where, required=True)]))
        yield pair(f"optional-{where}-param-added", N, op(), op(parameters=[param(where=where)]))
        yield pair(f"{where}-param-removed", N, op(parameters=[param(where=where)]), op())
        yield pair(f"{where}-param-became-required", B, op(parameters=[param(where=where)]), op(parameters=[param(where=where, required=True)]))
        yield pair(f"{where}-param-became-optional", N, op(parameters=[param(where=where, required=True)]), op(parameters=[param(where=where)]))
        yield pair(f"{where}-param-deprecated", N, op(parameters=[param(where=where)]), op(parameters=[param(where=where, deprecated=True)]))
    arr = {"type": "array", "items": {"type": "string"}}
    yield pair("query-param-became-array", N, op(parameters=[param()]), op(parameters=[{**param(), "schema": arr}]))
    yield pair(
        "path-param-became-array",
        B,
        op(path="/i/{id}", parameters=[param("id", "path")]),
        op(path="/i/{id}", parameters=[{**param("id", "path"), "schema": arr}]),
    )
    yield pair(
        "query-param-became-array-of-int",
        B,
        op(parameters=[param()]),
        op(parameters=[{**param(), "schema": {"type": "array", "items": {"type": "integer"}}}]),
    )
    yield pair("param-moved-query-to-header", B, op(parameters=[param()]), op(parameters=[param(where="header")]))
    yield pair(
        "path-level-required-param-added", B, op(), document("3.0", {"/items": {"parameters": [param(required=True)], "get": {"responses": OK}}})
    )
    yield pair("param-to-path-level", N, op(parameters=[param()]), document("3.0", {"/items": {"parameters": [param()], "get": {"responses": OK}}}))
    yield pair("header-param-case", N, op(parameters=[param("X-Trace", "header")]), op(parameters=[param("x-trace", "header")]))
    # request bodies
    yield pair("request-body-removed", B, op(**post, **body()), op(**post))
    yield pair("request-body-removed-optional", B, op(**post, **body(required=False)), op(**post))
    yield pair("required-request-body-added", B, op(**post), op(**post, **body()))
    yield pair("optional-request-body-added", N, op(**post), op(**post, **body(required=False)))
    yield pair("request-body-became-required", B, op(**post, **body(required=False)), op(**post, **body()))
    yield pair("request-body-became-optional", N, op(**post, **body()), op(**post, **body(required=False)))
    yield pair("request-media-type-removed", B, op(**post, **body()), op(**post, **body(media="text/plain")))
    yield pair(
        "request-media-type-added",
        N,
        op(**post, **body()),
        op(**post, requestBody={"required": True, "content": {"application/json": {"schema": S}, "application/xml": {"schema": S}}}),
    )
    yield pair("request-media-schema-added", B, op(**post, **body(schema=None)), op(**post, **body()))
    yield pair("request-media-schema-removed", N, op(**post, **body()), op(**post, **body(schema=None)))
    yield pair(
        "request-xml-type-changed",
        N,
        op(**post, **body(media=XML, schema={"type": "object", "properties": {"n": {"type": "integer"}}})),
        op(**post, **body(media=XML, schema={"type": "object", "properties": {"n": {"type": "string"}}})),
    )
    yield pair(
        "request-json-type-changed",
        B,
        op(**post, **body(schema={"type": "object", "properties": {"n": {"type": "integer"}}})),
        op(**post, **body(schema={"type": "object", "properties": {"n": {"type": "string"}}})),
    )
    yield pair("request-media-type-case", N, op(**post, **body()), op(**post, **body(media="Application/JSON")))
    # responses
    yield pair("success-status-removed", B, op(**responses("200")), op(**responses("201")))
    yield pair(
        "success-status-added", N, op(**responses("200")), op(responses={"200": responses()["responses"]["200"], "202": {"description": "accepted"}})
    )
    yield pair("error-status-removed", N, op(responses={"200": {"description": "ok"}, "404": {"description": "nf"}}), op())
    yield pair("error-status-added", N, op(), op(responses={"200": {"description": "ok"}, "404": {"description": "nf"}}))
    yield pair("response-media-type-removed", B, op(**responses()), op(**responses(media="text/plain")))
    yield pair(
        "response-media-type-added",
        N,
        op(**responses()),
        op(responses={"200": {"description": "ok", "content": {"application/json": {"schema": S}, "text/csv": {"schema": {"type": "string"}}}}}),
    )
    yield pair("response-media-schema-added", N, op(**responses(schema=None)), op(**responses()))
    yield pair("response-media-schema-removed", N, op(**responses()), op(**responses(schema=None)))
    yield pair(
        "response-xml-type-from-string",
        N,
        op(**responses(media=XML, schema={"type": "object", "properties": {"n": {"type": "string"}}})),
        op(**responses(media=XML, schema={"type": "object", "properties": {"n": {"type": "integer"}}})),
    )
    yield pair(
        "response-xml-type-to-string",
        B,
        op(**responses(media=XML, schema={"type": "object", "properties": {"n": {"type": "integer"}}})),
        op(**responses(media=XML, schema={"type": "object", "properties": {"n": {"type": "string"}}})),
    )
    yield pair(
        "request-xml-type-from-string",
        B,
        op(**post, **body(media=XML, schema={"type": "object", "properties": {"n": {"type": "string"}}})),
        op(**post, **body(media=XML, schema={"type": "object", "properties": {"n": {"type": "integer"}}})),
    )
    yield pair(
        "response-body-one-of-branch-added",
        B,
        op(**responses(schema={"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}))
        | {"components": {"schemas": {"A": S, "B": S, "C": S}}},
        op(
            **responses(
                schema={"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/C"}]}
            )
        )
        | {"components": {"schemas": {"A": S, "B": S, "C": S}}},
    )
    yield pair(
        "request-body-one-of-branch-added",
        N,
        op(**post, **body(schema={"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}))
        | {"components": {"schemas": {"A": S, "B": S, "C": S}}},
        op(
            **post,
            **body(schema={"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/C"}]}),
        )
        | {"components": {"schemas": {"A": S, "B": S, "C": S}}},
    )
    rate = {"schema": {"type": "integer"}}
    yield pair("required-response-header-removed", B, op(**responses(headers={"X-Rate": {**rate, "required": True}})), op(**responses()))
    yield pair("optional-response-header-removed", N, op(**responses(headers={"X-Rate": rate})), op(**responses()))
    yield pair(
        "response-header-became-optional",
        B,
        op(**responses(headers={"X-Rate": {**rate, "required": True}})),
        op(**responses(headers={"X-Rate": rate})),
    )
    yield pair("response-header-added", N, op(**responses()), op(**responses(headers={"X-Rate": rate})))
    yield pair(
        "response-ref-equivalent",
        N,
        op(**responses(schema=S)),
        op(**responses(schema={"$ref": "#/components/schemas/S"})) | {"components": {"schemas": {"S": S}}},
    )
    # security (our decision: locking existing callers out is breaking, see the README)
    yield pair("security-added", B, secured(), secured({"oauth": ["read"]}))
    yield pair("security-removed", N, secured({"oauth": ["read"]}), secured())
    yield pair("security-scope-added", B, secured({"oauth": ["read"]}), secured({"oauth": ["read", "write"]}))
    yield pair("security-scope-removed", N, secured({"oauth": ["read", "write"]}), secured({"oauth": ["read"]}))
    yield pair("security-alternative-added", N, secured({"oauth": ["read"]}), secured({"oauth": ["read"]}, {"key": []}))
    yield pair("security-alternative-removed", B, secured({"oauth": ["read"]}, {"key": []}), secured({"oauth": ["read"]}))
    # webhooks (3.1): the client receives the webhook request
    yield pair("webhook-added", N, hooks(), hooks(created=hook(S)))
    yield pair("webhook-removed", B, hooks(created=hook(S)), hooks())
    yield pair(
        "webhook-payload-property-added",
        N,
        hooks(created=hook(S)),
        hooks(created=hook({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["b"]})),
    )
    yield pair(
        "webhook-payload-required-property-removed",
        B,
        hooks(created=hook({**S, "required": ["a"]})),
        hooks(created=hook({"type": "object", "properties": {}})),
    )
    yield pair(
        "webhook-payload-enum-value-removed",
        N,
        hooks(created=hook({"type": "string", "enum": ["a", "b"]})),
        hooks(created=hook({"type": "string", "enum": ["a"]})),
    )
    yield pair("webhook-payload-became-nullable", B, hooks(created=hook({"type": "string"})), hooks(created=hook({"type": ["string", "null"]})))


def pairs() -> list[Pair]:
    return [*schema_pairs(), *structural_pairs()]


@dataclass(frozen=True)
class Score:
    recall: dict[str, float]  # per OpenAPI version
    false_positive_rate: float
    missed: list[str]
    false_positives: list[str]
    total: int


def called_breaking(pair: Pair) -> bool:
    report = compare(copy.deepcopy(pair.base), copy.deepcopy(pair.revision))
    return report.has_at_least(Severity.BREAKING)


def measure(corpus: Sequence[Any] | None = None, judge: Callable[[Any], bool] | None = None,
            total: int | None = None) -> Score:
    """Recall per version and false-breaking rate of ``judge`` (our engine by default) over
    ``corpus``: anything with ``id``, ``version`` and a boolean ``breaking``."""
    corpus = pairs() if corpus is None else corpus
    judge = judge or called_breaking
    missed, false_positives = [], []
    hits: dict[str, list[bool]] = {}
    negatives = 0
    for pair in corpus:
        verdict = judge(pair)
        if pair.breaking:
            hits.setdefault(pair.version, []).append(verdict)
            if not verdict:
                missed.append(pair.id)
        else:
            negatives += 1
            if verdict:
                false_positives.append(pair.id)
    recall = {version: sum(found) / len(found) for version, found in sorted(hits.items())}
    rate = len(false_positives) / negatives if negatives else 0.0
    return Score(recall, rate, missed, false_positives, len(corpus) if total is None else total)
