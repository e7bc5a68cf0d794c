"""Spec-driven request validation that answers the way Canvas does.

Connexion validates every request against ``specs/canvas-lti.yaml``; these validators keep the
structure of each failure (location, field, JSON Schema keyword) instead of a flat string, and
:func:`translate` turns the failures into the Canvas error that endpoint family sends — e.g. a
score without ``userId`` is Canvas's 422 "User not found in course or is not a student", a missing
``timestamp`` is the generic 400 "timestamp is missing" (§4.3).
"""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from jsonschema import Draft4Validator, ValidationError
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from ..arguments import FORM_BODY_KEY, JSON_BODY_KEY, QUERY_PARAMS_KEY, RESOLVED_PARAMS_KEY
from ..connexion_adapter import (
    Draft4RequestValidator,
    FormDataValidator,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
    draft4_format_checker,
    is_null,
    is_nullable,
)
from .errors import CanvasError, api_error, lti_error, model_error, not_found, oauth_error, simple_error
from .form_parser import FormParser
from .text import ECHO_LIMIT, SURROGATE_ESCAPE, echo, echo_repr, first_unencodable, unencodable_message

_T = TypeVar("_T")


@dataclass(frozen=True)
class FieldError:
    location: str  # body | query | path | header | media_type
    field: str  # dotted path into the body, or the parameter name
    keyword: str  # JSON Schema keyword (required, type, enum …) or parse | encoding | missing
    message: str
    value: Any = None


class InvalidRequest(Exception):
    """Raised by the validators below; rendered by :func:`translate`."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def _bounded(message: str, value: Any) -> str:
    """``message`` without repeating a long ``value`` whole: its ``repr`` (as jsonschema puts
    it) bounded, and whatever else is too long cut."""
    if len(message) <= 2 * ECHO_LIMIT:
        return message
    if isinstance(value, str | int | float | list | dict):
        message = message.replace(repr(value), echo_repr(value), 1)
    return message if len(message) <= 4 * ECHO_LIMIT else echo(message)


def _message(error: ValidationError) -> str:
    """jsonschema's message, in Rails's words for a string too long (it names the limit, not
    the value), else with the value bounded."""
    if error.validator == "maxLength" and isinstance(error.instance, str):
        limit = error.validator_value
        return f"is too long (maximum is {limit} character{'' if limit == 1 else 's'})"
    return _bounded(error.message, error.instance)


def _field_errors(error: ValidationError, location: str = "body") -> list[FieldError]:
    path = echo(".".join(str(p) for p in error.absolute_path))
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        return [FieldError(location, f"{path}.{name}" if path else name, "required",
                           f"{name} is missing") for name in missing]
    return [FieldError(location, path, str(error.validator), _message(error), error.instance)]


class _CompiledCache:
    """Validators compiled once per schema object.

    connexion builds new validator objects for every request; the schemas they are given are
    the same objects each time (the operation's resolved spec), so compiled validators are
    kept here, keyed by identity (the entry holds the schema, so its id cannot be reused)."""

    def __init__(self, size: int = 4096) -> None:
        self._items: OrderedDict[int, tuple[Any, Any]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, schema: Any, build: Callable[[Any], Any]) -> Any:
        key = id(schema)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] is schema:
                self._items.move_to_end(key)
                return hit[1]
        value = build(schema)
        with self._lock:
            self._items[key] = (schema, value)
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


_PYTHON = _CompiledCache()
_PARAMETERS = _CompiledCache()
_RUST = _CompiledCache()


def _python_validator(schema: Any) -> Draft4Validator:
    return _PYTHON.get(schema, lambda s: Draft4RequestValidator(s, format_checker=Draft4Validator.FORMAT_CHECKER))


def _compile_rust(schema: Any) -> Any:
    import jsonschema_rs  # with the first body to validate, not at start-up

    try:
        return jsonschema_rs.Draft4Validator(schema, validate_formats=True)
    except Exception:  # a schema jsonschema-rs cannot compile: always take the Python path
        return None


def _rust_validator(schema: Any) -> Any:
    return _RUST.get(schema, _compile_rust)


def _schema_errors(schema: Any, body: Any) -> list[FieldError]:
    """jsonschema-rs answers "valid?" for the common case; only when it says no does the
    Python validator (connexion's, which knows OpenAPI's ``nullable``/``readOnly``) run, so the
    structured errors — and the verdict — are always connexion's."""
    fast = _rust_validator(schema)
    if fast is not None and fast.is_valid(body):
        return []
    return [fe for e in _python_validator(schema).iter_errors(body) for fe in _field_errors(e)]


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _refuse_unencodable(value: Any, location: str = "body") -> None:
    found = first_unencodable(value)
    if found is not None:
        raise InvalidRequest([FieldError(location, echo(found[0]), "encoding", unencodable_message(found[1]))])


def _refuse_undecodable_query(query_string: bytes) -> None:
    """Raw bytes in a query string that are not UTF-8 (percent-escapes are decoded leniently
    later): Rack's params raise "invalid byte sequence in UTF-8", a 400. Past this check the
    request's URL can be read; before it, Starlette's ``request.url`` raises."""
    try:
        query_string.decode()
    except UnicodeDecodeError:
        raise InvalidRequest([FieldError("query", "", "encoding", "invalid byte sequence in UTF-8")]) from None


def parse_json(raw: bytes, encoding: str = "utf-8") -> Any:
    """A non-empty JSON body, strictly: no NaN/Infinity, and no text that cannot be encoded
    again (a ``\\ud800`` escape). Raises :class:`InvalidRequest`. Shared with the journal, which
    parses the body first and hands its result on (:data:`PARSED_JSON_KEY`)."""
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InvalidRequest([FieldError("body", "", "encoding", "request body is not valid UTF-8")]) from None
    try:
        parsed = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise InvalidRequest([FieldError("body", "", "parse", f"invalid JSON in request body ({exc})")]) from None
    if SURROGATE_ESCAPE.search(text):  # only then can a parsed string hold a lone surrogate
        _refuse_unencodable(parsed)
    return parsed


#: ASGI scope extension: ``(raw body, parsed)`` of a JSON body the journal already parsed.
PARSED_JSON_KEY = "canvas_parsed_json"


class CanvasJSONBodyValidator(JSONRequestBodyValidator):
    """JSON bodies: strict parsing (no NaN/Infinity, UTF-8 only, encodable text) and
    structured failures."""

    async def _parse(self, stream, scope) -> Any:  # type: ignore[override]
        raw = b"".join([message async for message in stream])
        if not raw.strip():
            scope.setdefault("extensions", {})[JSON_BODY_KEY] = None
            return None
        parsed_before = scope.get("extensions", {}).get(PARSED_JSON_KEY)
        if parsed_before is not None and parsed_before[0] == raw and self._encoding.lower().replace("-", "") == "utf8":
            parsed = parsed_before[1]
        else:
            parsed = parse_json(raw, self._encoding)
        if parsed is None:  # a literal ``null`` is a body, and never a valid one in this spec
            raise InvalidRequest([FieldError("body", "", "type", "request body must not be null")])
        scope.setdefault("extensions", {})[JSON_BODY_KEY] = parsed  # the handler's ``body``: parsed once
        return parsed

    def _validate(self, body: Any) -> dict | None:
        if body is None:
            if self._required:
                raise InvalidRequest([FieldError("body", "", "missing", "request body is missing")])
            return None
        errors = _schema_errors(self._schema, body)
        if errors:
            raise InvalidRequest(errors)
        return None


#: ASGI scope extension holding a form request's raw body (see ``canvas/rails_params.py``).
RAW_FORM_KEY = "canvas_raw_form"


class CanvasFormValidator(FormDataValidator):
    """Form bodies (the token endpoint): structured failures."""

    #: Whether what it parses is the handler's body too (not for multipart: files are apart).
    hands_on_form = True

    @property
    def _form_parser_cls(self):  # type: ignore[no-untyped-def]
        return FormParser

    async def _parse(self, stream, scope) -> dict:  # type: ignore[override]
        # Keep the raw body for handlers that read Rails nested fields (``a[b]=…``, repeated
        # ``a[]=…``), which connexion's flattened form arguments cannot represent (issue 4).
        raw = bytearray()

        async def tee():  # type: ignore[no-untyped-def]
            async for chunk in stream:
                raw.extend(chunk)
                yield chunk

        try:
            data = await super()._parse(tee(), scope)
        except (UnicodeDecodeError, ValueError, HTTPException, MultiPartException) as exc:
            detail = getattr(exc, "detail", None) or getattr(exc, "message", None) or exc
            raise InvalidRequest([FieldError("body", "", "parse", f"invalid form body ({detail})")]) from None
        _refuse_unencodable(data)  # a multipart part in charset=utf-7 can decode to a lone surrogate
        extensions = scope.setdefault("extensions", {})
        extensions[RAW_FORM_KEY] = bytes(raw)
        if self.hands_on_form:
            extensions[FORM_BODY_KEY] = data  # the handler's ``body``: parsed once
        return data

    def _validate(self, body: Any) -> dict | None:
        errors = _schema_errors(self._schema, body)
        if errors:
            raise InvalidRequest(errors)
        return None


class CanvasMultipartValidator(CanvasFormValidator):
    """``curl -F`` bodies (multipart), as Canvas's API documentation sends them."""

    hands_on_form = False

    @property
    def _form_parser_cls(self):  # type: ignore[no-untyped-def]
        return MultiPartParser


class CanvasParameterValidator(ParameterValidator):
    """Parameters: the failing parameter's location and name are kept, and each parameter's
    schema is compiled once (connexion deep-copies and recompiles it for every parameter of
    every request)."""

    def validate_parameter(self, parameter_type: str, value: Any, param: dict, param_name: str | None = None) -> str | None:  # type: ignore[override]
        if is_nullable(param) and is_null(value):
            return None
        if value is None:
            return f"Missing {parameter_type} parameter '{param['name']}'" if param.get("required") else None
        fast = self._compiled(param)
        if fast is not None and fast.is_valid(value):
            return None
        validator = _PARAMETERS.get(param, lambda p: Draft4Validator(p.get("schema", p), format_checker=draft4_format_checker))
        error = next(validator.iter_errors(value), None)
        return None if error is None else error.message

    def _compiled(self, param: dict) -> Any:
        """The parameter's jsonschema-rs validator: kept on this validator too (the lean path
        makes one per operation), so the shared cache and its lock are asked once."""
        kept = self.__dict__.setdefault("_compiled_params", {})
        hit = kept.get(id(param))
        if hit is None or hit[0] is not param:
            hit = kept[id(param)] = (param, _RUST.get(param, lambda p: _compile_rust(p.get("schema", p))))
        return hit[1]

    @functools.cached_property
    def _query_index(self) -> tuple[dict[str, list[tuple[int, dict]]], list[tuple[int, dict]]]:
        """Declared query parameters by name, and the required ones, with their positions."""
        by_name: dict[str, list[tuple[int, dict]]] = {}
        for index, param in enumerate(self.parameters.get("query", [])):
            by_name.setdefault(param["name"], []).append((index, param))
        return by_name, [(i, p) for i, p in enumerate(self.parameters.get("query", [])) if p.get("required")]

    def _present_or_required(self, query: Any) -> list[dict]:
        """The query parameters given or required, in declaration order: an absent optional one
        has nothing to check, and most requests give one or two of a dozen."""
        by_name, required = self._query_index
        chosen = dict(required)
        for name in query:
            chosen.update(by_name.get(name, ()))
        return [chosen[index] for index in sorted(chosen)]

    #: Query strings (and path-parameter sets) whose parse is kept, per operation, and the longest
    #: query string kept: a tool's own are short, a fuzzer's long ones are parsed each time.
    QUERY_MEMO_SIZE = 256
    QUERY_MEMO_MAX_BYTES = 1024

    @functools.cached_property
    def _memo(self) -> dict[Any, Any]:
        return {}

    def _remembered(self, key: Any, build: Callable[[], _T]) -> _T:
        """``build()``, kept by ``key`` among this operation's last :attr:`QUERY_MEMO_SIZE` keys.
        Callers only read what they get."""
        memo = self._memo
        hit = memo.get(key)
        if hit is None:
            hit = build()
            if len(memo) >= self.QUERY_MEMO_SIZE:
                memo.clear()
            memo[key] = hit
        return hit

    def _parsed_query(self, query_string: bytes) -> tuple[QueryParams, dict[str, Any], list[dict]]:
        """connexion's ``ConnexionRequest.query_params`` (Starlette's parse, then the URI parser's
        typing; ``{}`` for an empty query string) and the parameters worth checking, kept by the
        raw query string: a tool sends the same query strings again and again, and this was a
        fifth of validating a request. Handler arguments copy the dict and make their lists anew."""
        def build() -> tuple[QueryParams, dict[str, Any], list[dict]]:
            parsed = QueryParams(query_string)
            query = self.uri_parser.resolve_query({key: parsed.getlist(key) for key in parsed})
            return parsed, query, self._present_or_required(query)

        if len(query_string) > self.QUERY_MEMO_MAX_BYTES:
            return build()
        return self._remembered(("query", query_string), build)

    def _resolved_path(self, path_params: dict[str, Any]) -> dict[str, Any]:
        """connexion's ``ConnexionRequest.path_params`` (the URI parser's typing of the route's
        parameters), kept as the query is: a tool works in the same few courses."""
        key = ("path", tuple(path_params.items()))
        try:
            hash(key)
        except TypeError:  # a value no route convertor makes (they make str, int, float, UUID)
            return self.uri_parser.resolve_path(path_params)
        return self._remembered(key, lambda: self.uri_parser.resolve_path(path_params))

    def validate(self, scope) -> None:  # type: ignore[override]
        """connexion's entry point, without the ConnexionRequest it builds: only header and cookie
        parameters need a request, and Starlette's gives the headers and cookies connexion's hands on."""
        self._validate_scope(scope)

    def validate_request(self, request) -> None:  # type: ignore[override]
        self._validate_scope(request.scope)

    def _validate_scope(self, scope: Any) -> None:
        query_string = scope.get("query_string")
        _refuse_undecodable_query(query_string or b"")
        # Each source is read once: connexion re-parses and re-coerces the whole query string
        # for every declared query parameter.
        sources: dict[str, Callable[[dict], Any]] = {}
        checked: dict[str, list[dict]] = {}  # the parameters worth checking, in declaration order
        extensions = scope.setdefault("extensions", {})
        resolved = extensions.setdefault(RESOLVED_PARAMS_KEY, {})
        if self.parameters.get("path"):
            path = resolved["path"] = self._resolved_path(scope.get("path_params", {}))
            sources["path"] = lambda p: path.get(p["name"].replace("-", "_"))
        if self.parameters.get("query"):
            parsed, query, checked["query"] = self._parsed_query(query_string or b"")
            extensions[QUERY_PARAMS_KEY] = parsed  # the handler reads it again (CanvasRequest)
            resolved["query"] = query
            sources["query"] = lambda p: query.get(p["name"])
        if self.parameters.get("header") or self.parameters.get("cookie"):
            request = Request(scope)
            if self.parameters.get("header"):
                sources["header"] = lambda p: request.headers.get(p["name"])
            if self.parameters.get("cookie"):
                sources["cookie"] = lambda p: request.cookies.get(p["name"])
        for location, value_of in sources.items():
            for param in checked[location] if location in checked else self.parameters[location]:
                value = value_of(param)
                if value is None and not param.get("required"):
                    continue  # what validate_parameter answers for an absent optional parameter
                message = self.validate_parameter(location, value, param)
                if message:
                    raise InvalidRequest([FieldError(location, param["name"], "parameter",
                                                     _bounded(message.split("\n")[0], value))])


class CanvasJSONResponseValidator(JSONResponseBodyValidator):
    """Responses: Canvas sends some errors with an empty body (``head :precondition_failed``,
    the 401 for a coupled line item, §3.5/§3.7); those are allowed on error statuses only."""

    def _validate(self, body: Any) -> None:
        if body is None and getattr(self, "_status", 0) >= 400:
            return
        super()._validate(body)

    def wrap_send(self, send):  # type: ignore[no-untyped-def]
        inner = super().wrap_send(send)

        async def send_(message):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                self._status = message["status"]
            await inner(message)

        return send_


# -- translation to Canvas's answers -----------------------------------------------------------

_SCORE_ORDER = {"userId": 0, "activityProgress": 1, "gradingProgress": 1, "timestamp": 1}


def _score_error(errors: list[FieldError]) -> CanvasError:
    """Scores: the first failure in the order Canvas's filters would find it (§4.3)."""

    def rank(e: FieldError) -> tuple[int, int]:
        top = e.field.split(".")[0]
        if e.location != "body" or not top or e.keyword == "encoding":
            return (-1, 0)
        if top == "userId":
            return (0, 0)
        if e.keyword == "required":
            return (1, list(_SCORE_ORDER).index(top) if top in _SCORE_ORDER else 9)
        if top in ("activityProgress", "gradingProgress") and e.keyword == "enum":
            return (6, 0)
        return (3, 0)

    first = min(errors, key=rank)
    top = first.field.split(".")[0]
    if first.keyword == "encoding":
        return _lti_generic(first)
    if first.location == "body" and top == "userId":
        return lti_error(422, "User not found in course or is not a student")
    if first.keyword == "required":
        return api_error(400, f"{top} is missing")
    if first.keyword == "enum" and top in ("activityProgress", "gradingProgress"):
        attribute = "activity_progress" if top == "activityProgress" else "grading_progress"
        return model_error(attribute, "inclusion", "is not included in the list")
    return _lti_generic(first)


_LINE_ITEM_ATTRIBUTES = {"scoreMaximum": "score_maximum", "label": "label"}


_BLANK = ("blank", "can't be blank")
_NOT_A_NUMBER = ("not_a_number", "is not a number")


def _line_item_model_errors(error: FieldError) -> list[tuple[str, str]]:
    """``Lti::LineItem``'s validations for one failing field: presence of ``score_maximum`` and ``label``,
    then numericality of ``score_maximum`` (which a missing value fails too: "can't be blank, is not a
    number", as Canvas's line_item_spec asserts)."""
    top = error.field.split(".")[0]
    missing = error.keyword in ("required", "minLength") or (error.keyword == "type" and error.value is None)
    if missing:
        return [_BLANK, _NOT_A_NUMBER] if top == "scoreMaximum" else [_BLANK]
    if error.keyword == "type":
        return [_NOT_A_NUMBER] if top == "scoreMaximum" else [("invalid", "is invalid")]
    if error.keyword == "minimum":
        return [("greater_than_or_equal_to", "must be greater than or equal to 0")]
    return []


def _is_model_field(error: FieldError) -> bool:
    return (error.location == "body" and error.field.split(".")[0] in _LINE_ITEM_ATTRIBUTES
            and error.keyword != "encoding" and bool(_line_item_model_errors(error)))


def _line_item_error(errors: list[FieldError]) -> CanvasError:
    first = errors[0]
    if _is_model_field(first):
        # RecordInvalid reports every failing attribute at once, in the order the model validates them.
        found: dict[str, list[tuple[str, str]]] = {}
        for error in sorted(filter(_is_model_field, errors), key=lambda e: e.field != "scoreMaximum"):
            items = found.setdefault(_LINE_ITEM_ATTRIBUTES[error.field.split(".")[0]], [])
            items.extend(item for item in _line_item_model_errors(error) if item not in items)
        return CanvasError(422, {"errors": {attribute: [{"attribute": attribute, "type": kind, "message": message}
                                                        for kind, message in items]
                                            for attribute, items in found.items()}})
    if first.field == "https://canvas.instructure.com/lti/submission_type.type" and first.keyword == "enum":
        return simple_error(400, f"Invalid submission_type for new assignment: {echo(first.value)}")
    return _lti_generic(first)


def _describe(error: FieldError) -> str:
    if error.location == "body" and not error.field:
        return error.message
    if error.location == "query" and not error.field:  # the query string as a whole
        return f"Invalid query parameters: {error.message}"
    where = f"{error.location} parameter '{error.field}'" if error.location != "body" else f"'{error.field}'"
    return f"Invalid {where}: {error.message}"


def _lti_generic(error: FieldError) -> CanvasError:
    return lti_error(400, _describe(error))


def _registration_error(errors: list[FieldError]) -> CanvasError:
    """Dynamic registration: a 422 list of ``{field, message, error_code}`` (§12.2)."""
    return CanvasError(422, {"errors": [{"field": e.field or e.location, "message": _describe(e), "error_code": None}
                                        for e in errors]})


def _api_bad_request(errors: list[FieldError]) -> CanvasError:
    """``/api/lti/`` endpoints that are Canvas API controllers, not LTI services."""
    return api_error(400, _describe(errors[0]))


OPERATION_TRANSLATORS: dict[str, Callable[[list[FieldError]], CanvasError]] = {
    "createScore": _score_error,
    "createLineItem": _line_item_error,
    "updateLineItem": _line_item_error,
    "createRegistration": _registration_error,
    "createToolConfiguration": _api_bad_request,
    "updateToolConfiguration": _api_bad_request,
    "updatePublicJwk": _api_bad_request,
    "createLtiAccountExternalTool": _api_bad_request,
    "createDataServiceSubscription": _api_bad_request,
    "updateDataServiceSubscription": _api_bad_request,
}


def translate(operation_id: str | None, path: str, errors: list[FieldError]) -> CanvasError:
    """The Canvas answer for a request that failed validation. Text that cannot be decoded or
    encoded is always a 400, in the shape the endpoint's family uses for its errors."""
    error = _translate(operation_id, path, errors)
    if error.status != 400 and any(e.keyword == "encoding" for e in errors) and error.body is not None:
        return CanvasError(400, error.body, error.headers)
    return error


def _translate(operation_id: str | None, path: str, errors: list[FieldError]) -> CanvasError:
    if any(e.location == "path" for e in errors):
        return not_found()  # Canvas: RecordNotFound, whatever the malformed id looked like
    if path.startswith("/login/oauth2/"):
        return oauth_error(400, "invalid_request", _describe(errors[0]))
    rest = REST_TRANSLATORS.get(operation_id or "")
    if rest is not None:  # REST APIs around LTI (issue 4): their own error families
        return rest(errors)
    if path.startswith("/api/lti/"):
        translator = OPERATION_TRANSLATORS.get(operation_id or "")
        return translator(errors) if translator else _lti_generic(errors[0])
    return api_error(400, _describe(errors[0]))


# -- REST APIs around LTI (issue 4) ------------------------------------------------------------

_MODEL_KINDS = {"required": ("blank", "can't be blank"), "enum": ("inclusion", "is not included in the list")}


def _rest_model_errors(errors: list[FieldError]) -> CanvasError:
    """External Tools: ActiveRecord errors, 400 (``render json: tool.errors, status: :bad_request``)."""
    body: dict[str, list[dict[str, str]]] = {}
    for error in errors:
        if error.location != "body" or not error.field:
            return api_error(400, _describe(error))
        attribute = error.field.split(".")[0]
        kind, message = _MODEL_KINDS.get(error.keyword, ("invalid", "is invalid"))
        body.setdefault(attribute, []).append({"attribute": attribute, "type": kind, "message": message})
    return CanvasError(400, {"errors": body})


_LINK_CODES = {
    "url": ("invalid_url", "'url' param must be a valid URL"),
    "custom": ("invalid_custom", "'custom' param must contain key/value pairs"),
    "context_external_tool_id": ("context_external_tool_id", "'context_external_tool_id' param must be a tool id"),
}


def _rest_coded_errors(errors: list[FieldError]) -> CanvasError:
    """Resource Links / Registrations: ``{"errors": [{"code", "message"}]}``, 422."""
    first = errors[0]
    if first.location == "body" and first.keyword in ("parse", "encoding"):
        return api_error(400, _describe(first))
    top = first.field.split(".")[0]
    code, message = _LINK_CODES.get(top, ("invalid_request", _describe(first)))
    return CanvasError(422, {"errors": [{"code": code, "message": message}]})


#: operationId -> translator, filled by the issue-4 handler families (see ``handlers/``).
REST_TRANSLATORS: dict[str, Callable[[list[FieldError]], CanvasError]] = {}
REST_FAMILIES = {"model": _rest_model_errors, "coded": _rest_coded_errors}


def unsupported_media_type(path: str, detail: str) -> CanvasError:
    message = f"Unsupported media type: {detail}"
    if path.startswith("/login/oauth2/"):
        return CanvasError(415, {"error": "invalid_request", "error_description": message})
    if path.startswith("/api/lti/"):
        return lti_error(415, message)
    return api_error(415, message)
