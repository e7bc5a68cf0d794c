"""A handler's keyword arguments, built from a request the middleware has already validated.

connexion's parameter decorator rebuilds the same plan on every request (a ``ConnexionRequest``,
a URI parser, query defaults deep-copied, the body read and the form parsed even for a GET) and
reaches the operation through werkzeug proxies: about 40% of a small request's cost. This plan
is made once per operation and yields the same arguments. It covers path and query parameters,
JSON bodies and URL-encoded forms, whose parsed values the body validators left in the scope;
anything else (multipart bodies, a body no validator parsed) answers ``None``, and the caller
falls back to connexion's decorator. ``tests/test_arguments.py`` holds both paths to the same
answers. connexion internals used here: its URI parser and ``_get_typed_body_values``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from starlette.datastructures import QueryParams

from .connexion_adapter import get_typed_body_values, is_null, is_nullable, make_type

#: ASGI scope extensions where the body validators (``canvas/validation.py``) leave what they parsed.
JSON_BODY_KEY = "canvas_json_body"
FORM_BODY_KEY = "canvas_form_body"
#: … and where the parameter validator leaves the path and query parameters it resolved.
RESOLVED_PARAMS_KEY = "canvas_resolved_params"
#: The raw query string as validation parsed it (a ``QueryParams``), which handlers read again
#: (``context.CanvasRequest``).
QUERY_PARAMS_KEY = "canvas_query_params"
FORM = "application/x-www-form-urlencoded"


def sanitized(name: str) -> str:
    """connexion's non-pythonic argument name (``include[]`` → ``include``)."""
    return re.sub("^[^a-zA-Z_]+", "", re.sub("[^0-9a-zA-Z_]", "", re.sub(r"\[(?!])", "_", name)))


def _cast(value: Any, parameter: dict[str, Any]) -> Any:
    """connexion's ``_get_val_from_param``: the value typed as the parameter's schema says."""
    schema = parameter.get("schema", parameter)
    if is_nullable(schema) and is_null(value):
        return None
    if schema["type"] == "array":
        items = schema["items"]
        return [make_type(part, items["type"], items.get("format")) for part in value]
    return make_type(value, schema["type"], schema.get("format"))


class ArgumentPlan:
    """What one operation's handler receives, planned from its OpenAPI operation."""

    def __init__(self, operation: Any) -> None:
        self._uri_parser = operation.uri_parser_class(operation.parameters, operation.body_definition())
        parameters = operation.parameters
        self._path = {p["name"]: p for p in parameters if p["in"] == "path"}
        self._path_names = {name: sanitized(name) for name in self._path}
        self._query = {p["name"]: p for p in parameters if p["in"] == "query"}
        self._query_names = {name: sanitized(name) for name in self._query}
        self._defaults = {name: p["schema"]["default"] for name, p in self._query.items()
                          if "default" in p.get("schema", {})}
        #: Whether a shallow copy of the defaults is a deep one (all of them immutable scalars).
        self._flat_defaults = all(isinstance(v, str | int | float | bool) or v is None for v in self._defaults.values())
        self._has_body = operation.is_request_body_defined
        self._body_name = sanitized(operation.body_name("application/json")) if self._has_body else "body"
        self._body_default = operation.body_schema("application/json").get("default", {}) if self._has_body else None
        if self._has_body:  # connexion's ``_get_body_argument_form``, planned
            self._form_name = sanitized(operation.body_name(FORM))
            form_schema = operation.body_schema(FORM)
            self._form_default = form_schema.get("default", {})
            self._form_props = {k: {"schema": v} for k, v in form_schema.get("properties", {}).items()}
            self._form_additional = operation.body_schema().get("additionalProperties", True)

    def arguments(self, scope: dict[str, Any]) -> dict[str, Any] | None:
        """The keyword arguments, or ``None`` when this request needs connexion's general path."""
        kwargs: dict[str, Any] = {}
        extensions = scope.get("extensions") or {}
        resolved = extensions.get(RESOLVED_PARAMS_KEY) or {}
        path_params = resolved.get("path")
        if path_params is None and scope.get("path_params"):
            path_params = self._uri_parser.resolve_path(dict(scope["path_params"]))
        for name, value in (path_params or {}).items():
            definition = self._path.get(name)
            kwargs[self._path_names.get(name) or sanitized(name)] = _cast(value, definition) if definition else value
        query = resolved.get("query")
        if query is None:
            query = self._query_values(scope.get("query_string", b""))
        if query or self._defaults:
            merged = dict(self._defaults) if self._flat_defaults else copy.deepcopy(self._defaults)
            merged.update(query)
            for name, value in merged.items():
                definition = self._query.get(name)
                if definition is not None:
                    kwargs[self._query_names[name]] = _cast(value, definition)
        if self._has_body:
            if JSON_BODY_KEY in extensions:
                body = extensions[JSON_BODY_KEY]
                kwargs[self._body_name] = copy.deepcopy(self._body_default) if body is None else body
            elif FORM_BODY_KEY in extensions:
                kwargs[self._form_name] = self._form_body(extensions[FORM_BODY_KEY])
            else:
                return None
        return kwargs

    def _form_body(self, form: dict[str, Any]) -> dict[str, Any]:
        body = copy.deepcopy(self._form_default)
        body.update(form)
        if self._form_props or self._form_additional:
            return get_typed_body_values(body, self._form_props, self._form_additional)
        return {}

    def _query_values(self, raw: bytes) -> dict[str, Any]:
        if not raw:
            return {}
        params = QueryParams(raw)
        return self._uri_parser.resolve_query({key: params.getlist(key) for key in params})
