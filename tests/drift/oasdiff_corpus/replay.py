"""Replaying the plain Go assignments oasdiff's tests make to a loaded document, on its YAML.

Many checker tests load one file twice and change the revision in Go
(``s2.Spec.Paths.Value("/x").Post.Parameters[0].Value.Schema.Value.Pattern = "^a$"``). Each such
line is translated to the same edit of the parsed YAML: ``.Value`` follows a ``$ref`` (so, as in
kin-openapi, the referenced component changes), Go field names become OpenAPI keys. A test with any
line this cannot translate exactly is left out (``Unsupported``), never guessed.
"""

from __future__ import annotations

import json
import re
from typing import Any

Doc = dict[str, Any]


class Unsupported(Exception):
    """A Go statement the replay does not translate."""


CONSTS = {
    "installCommandPath": "/api/{domain}/{project}/install-command",
    "securityScorePath": "/api/{domain}/{project}/badges/security-score",
    "securityScorePathSlash": "/api/{domain}/{project}/badges/security-score/",
    "diff.SunsetExtension": "x-sunset",
    "diff.XStabilityLevelExtension": "x-stability-level",
    "diff.XExtensibleEnumExtension": "x-extensible-enum",
    "openapi3.ParameterInHeader": "header",
    "openapi3.ParameterInQuery": "query",
    "openapi3.ParameterInPath": "path",
    "openapi3.ParameterInCookie": "cookie",
}
FIELDS = {
    "Max": "maximum", "Min": "minimum", "ExclusiveMax": "exclusiveMaximum", "ExclusiveMin": "exclusiveMinimum",
    "OperationID": "operationId", "AdditionalProperties": "additionalProperties", "AllOf": "allOf",
    "AnyOf": "anyOf", "OneOf": "oneOf", "MaxProps": "maxProperties", "MinProps": "minProperties",
}
CONTAINERS = {"Content": "content", "Properties": "properties", "Headers": "headers", "Schemas": "schemas",
              "SecuritySchemes": "securitySchemes", "Scopes": "scopes", "Parameters": "parameters",
              "Responses": "responses", "RequestBodies": "requestBodies", "Callbacks": "callbacks"}
METHODS = {"Get", "Put", "Post", "Delete", "Patch", "Head", "Options", "Trace"}
STEP = re.compile(
    r"\.(?:(?P<deref>Value)(?![(\w])|(?P<call>Value|GetByInAndName|Delete)\((?P<args>[^()]*)\)"
    r"|(?P<field>\w+)(?:\[(?P<index>[^\]]+)\])?)"
)
STRING = r'"(?:[^"\\]|\\.)*"'


def _literal(token: str, variables: dict[str, Any]) -> Any:
    token = token.strip()
    if token in CONSTS:
        return CONSTS[token]
    if re.fullmatch(STRING, token):
        return json.loads(token)
    if token.startswith("`") and token.endswith("`"):
        return token[1:-1]
    if token in ("true", "false"):
        return token == "true"
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    if re.fullmatch(r"-?\d+\.\d+", token):
        return float(token)
    if m := re.fullmatch(r"(?:u?int\d*|float\d+)\((-?[\d.]+)\)", token):
        return json.loads(m.group(1))
    if token.startswith("&") and token[1:] in variables:
        return variables[token[1:]]
    if m := re.fullmatch(r"(?:&openapi3\.Types|\[\](?:string|any|interface\{\}))\{(.*)\}", token):
        items = [_literal(t, variables) for t in _split(m.group(1))]
        if token.startswith("&openapi3.Types"):
            return items[0] if len(items) == 1 else items
        return items
    raise Unsupported(token)


def _split(text: str) -> list[str]:
    return [t for t in re.findall(STRING + r"|[^,]+", text) if t.strip()]


def _resolve(doc: Doc, node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise Unsupported(ref)
        node = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _key(field: str) -> str:
    return FIELDS.get(field) or CONTAINERS.get(field) or field[0].lower() + field[1:]


def _walk(doc: Doc, chain: str, variables: dict[str, Any]) -> tuple[Any, Any]:
    """The container and key the last step of ``chain`` names (after ``sN.Spec``)."""
    steps = list(STEP.finditer(chain))
    if "".join(m.group(0) for m in steps) != chain:
        raise Unsupported(chain)
    node: Any = doc
    targets: list[tuple[Any, Any]] = []
    for m in steps:
        node = _resolve(doc, node)
        if m.group("deref"):
            continue
        if m.group("call") == "Value":
            key = _literal(m.group("args"), variables)
            parent, node = node, node[str(key)]
            targets.append((parent, str(key)))
            continue
        if m.group("call") == "GetByInAndName":
            where, name = (_literal(t, variables) for t in _split(m.group("args")))
            params = node
            index = next(i for i, p in enumerate(params) if _resolve(doc, p).get("in") == where
                         and _resolve(doc, p).get("name") == name)
            targets.append((params, index))
            node = params[index]
            continue
        if m.group("call"):
            raise Unsupported(m.group(0))
        field = m.group("field")
        key = "paths" if field == "Paths" else (field.lower() if field in METHODS else _key(field))
        if field == "Extensions":
            key = None
        if key is not None:
            if not isinstance(node, dict):
                raise Unsupported(chain)
            targets.append((node, key))
            node = node.get(key)
        if m.group("index") is not None:
            index = _literal(m.group("index"), variables)
            container = _resolve(doc, node)
            targets.append((container, index))
            node = container[index] if isinstance(container, list) else container.get(index)
    if not targets:
        raise Unsupported(chain)
    return targets[-1]


def replay(doc: Doc, statements: list[str], variables: dict[str, Any]) -> None:
    """Apply Go statements (one per line) to ``doc`` in place."""
    for line in statements:
        if m := re.fullmatch(r"(?:s\d\.Spec)((?:\.\w+(?:\([^()]*\)|\[[^\]]+\])?)+) = (.+)", line):
            container, key = _walk(doc, m.group(1), variables)
            value = m.group(2)
            if value == "nil":  # Go: setting an absent pointer to nil changes nothing
                if isinstance(container, dict):
                    container.pop(key, None)
                else:
                    raise Unsupported(line)
            else:
                container[key] = _literal(value, variables)
        elif m := re.fullmatch(r"delete\(s\d\.Spec((?:\.\w+(?:\([^()]*\)|\[[^\]]+\])?)+), (.+)\)", line):
            container, key = _walk(doc, m.group(1), variables)
            _delete(_resolve(doc, container[key]), _literal(m.group(2), variables))
        elif m := re.fullmatch(r"s\d\.Spec((?:\.\w+(?:\([^()]*\)|\[[^\]]+\])?)+)\.Delete\((.+)\)", line):
            container, key = _walk(doc, m.group(1), variables)
            _delete(_resolve(doc, container[key]), str(_literal(m.group(2), variables)))
        else:
            raise Unsupported(line)


def _delete(container: Any, key: Any) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise Unsupported(f"no {key}")
        del container[key]
    else:
        raise Unsupported(f"delete from {type(container).__name__}")
