"""Canvas's error bodies, one constructor per family, and the exception that carries them.

Families (§2.4, §15.2): LTI services ``{"errors": {"type", "message"}}``; generic API
``{"errors": [{"message"}]}``, and its "anything else" form ``{"errors": [{"message": "An error
occurred.", "error_code"}]}`` (with ``error_report_id`` on a 500); OAuth ``{"error",
"error_description"}``; the line item ``{"error": …}`` and openid-configuration shapes; model
validation errors; empty bodies. Errors are ``application/json`` — never the IMS media type.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from itertools import islice
from typing import Any

from starlette.responses import Response

from ..connexion_adapter import ConnexionResponse
from .text import ECHO_CUT

LTI_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    412: "precondition_failed",
    415: "unsupported_media_type",
    422: "unprocessable_entity",
    500: "internal_server_error",
    504: "gateway_timeout",
}

NOT_FOUND_MESSAGE = "The specified resource does not exist."
GENERIC_MESSAGE = "An error occurred."
#: Rails's status symbols, the ``error_code`` of Canvas's generic error body.
ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
    422: "unprocessable_entity", 429: "too_many_requests", 500: "internal_server_error",
    501: "not_implemented", 502: "bad_gateway", 503: "service_unavailable", 504: "gateway_timeout",
}


#: A net under the messages, which bound what they repeat themselves (``text.echo``): an error
#: body holds strings of at most this many characters, and at most this many members or items
#: per object or array, this deep, whatever a handler put in it.
ERROR_TEXT_LIMIT = 1024
ERROR_ITEMS_LIMIT = 100
ERROR_DEPTH_LIMIT = 8


def bounded(body: Any, depth: int = 0) -> Any:
    """An error body with nothing in it longer than the limits above (a copy only where cut)."""
    if isinstance(body, str):
        return body if len(body) <= ERROR_TEXT_LIMIT else body[:ERROR_TEXT_LIMIT] + ECHO_CUT
    if isinstance(body, dict | list) and depth >= ERROR_DEPTH_LIMIT:
        return ECHO_CUT
    if isinstance(body, dict):
        return {bounded(str(k), depth): bounded(v, depth + 1) for k, v in islice(body.items(), ERROR_ITEMS_LIMIT)}
    if isinstance(body, list):
        return [bounded(v, depth + 1) for v in islice(body, ERROR_ITEMS_LIMIT)]
    return body


def json_text(value: Any) -> str:
    """Canvas's compact JSON (``to_json``): no spaces, UTF-8 left as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_response(body: Any, status: int = 200, media_type: str = "application/json",
                  headers: Mapping[str, str] | None = None) -> Response:
    """A JSON answer; an error's body is :func:`bounded`."""
    if status >= 400:
        body = bounded(body)
    return Response(json_text(body).encode(), status_code=status, media_type=media_type, headers=dict(headers or {}))


class CanvasError(Exception):
    """Raised anywhere below a handler; rendered as Canvas's exact answer."""

    def __init__(self, status: int, body: Any = None, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.body = bounded(body)
        super().__init__(f"{status}: {self.body!r}")
        self.headers = dict(headers or {})

    def response(self) -> Response:
        if self.body is None:
            return Response(b"", status_code=self.status, headers=self.headers)
        return json_response(self.body, self.status, headers=self.headers)

    def connexion_response(self) -> ConnexionResponse:
        """The same answer, in the type connexion's error handlers must return."""
        if self.body is None:
            return ConnexionResponse(status_code=self.status, body=b"", headers=dict(self.headers))
        return ConnexionResponse(status_code=self.status, mimetype="application/json", body=json_text(self.body).encode(),
                                 headers=dict(self.headers))


def lti_error(status: int, message: str) -> CanvasError:
    return CanvasError(status, {"errors": {"type": LTI_TYPES.get(status, "bad_request"), "message": message}})


def api_error(status: int, message: str, **extra: Any) -> CanvasError:
    return CanvasError(status, {"errors": [{"message": message, **extra}]})


def generic_body(status: int, error_report_id: int | None = None) -> dict[str, Any]:
    """What Canvas's ``rescue_action_in_public`` renders for an exception it has no message for
    (an unreadable registration token: 401; a bug: 500, filed under ``error_report_id``)."""
    body: dict[str, Any] = {"errors": [{"message": GENERIC_MESSAGE,
                                        "error_code": ERROR_CODES.get(status, "internal_server_error")}]}
    if error_report_id is not None:
        body["error_report_id"] = error_report_id
    return body


def generic_error(status: int, error_report_id: int | None = None) -> CanvasError:
    return CanvasError(status, generic_body(status, error_report_id))


def not_found() -> CanvasError:
    return api_error(404, NOT_FOUND_MESSAGE)


def oauth_error(status: int, error: str, description: str) -> CanvasError:
    headers = {"WWW-Authenticate": "Canvas OAuth 2.0"} if status == 401 else None
    return CanvasError(status, {"error": error, "error_description": description}, headers)


def simple_error(status: int, message: str) -> CanvasError:
    return CanvasError(status, {"error": message})


def model_error(attribute: str, kind: str, message: str) -> CanvasError:
    """RecordInvalid (422) in Api::Errors::Reporter format."""
    return CanvasError(422, {"errors": {attribute: [{"attribute": attribute, "type": kind, "message": message}]}})


def empty(status: int) -> CanvasError:
    return CanvasError(status)
