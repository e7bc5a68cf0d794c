"""Canvas-specific response checks, registered with schemathesis so every case runs them.

The built-in checks validate against the spec; these encode conventions the spec can only
describe in prose: the §15.1 Link header grammar, the IMS-vs-JSON media type split (§2.3), the
three error-body families (§2.4, §15.2, OAuth) and the absolute resource URLs of AGS (§3.2, §5).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import schemathesis
from schemathesis import CheckContext, Response
from schemathesis.generation.case import Case

#: Built-in schemathesis checks the suite runs, in order. Not ``ignored_auth``: it sends its probes
#: on a session of its own, past the gate (budgets, write policy, throttling) and, in-process, past
#: the mock; the suite's ``auth_enforced`` probe does the same job through the gate.
BUILTIN_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)

#: /api/lti/ routes that are not LTI services and answer errors in their own shape:
#: first path segment -> (the key holding the message, where Canvas does it).
SPECIAL_ERROR_SHAPES = {
    "authorize_redirect": ("message", "§10.2"),
    "authorize": ("message", "§10.2"),
    "registrations": ("errorMessage", "§12.2"),
}
LINK_RELS = ("current", "next", "prev", "first", "last")
LINK_ENTRY = re.compile(r'^<([^<>]+)>; rel="([a-z]+)"$')
LINE_ITEM_PATH = re.compile(r"^/api/lti/courses/(\d+)/line_items/(\d+)$")
RESULT_PATH = re.compile(r"^/api/lti/courses/(\d+)/line_items/(\d+)/results/(\d+)$")
TOKEN_PATH = "/login/oauth2/token"
RATE_LIMITED = "403 Forbidden (Rate Limit Exceeded)"


def _header(response: Response, name: str) -> str | None:
    values = response.headers.get(name.lower())
    if not values:
        return None
    return values[0] if isinstance(values, list) else str(values)


def _media_type(response: Response) -> str:
    return (_header(response, "content-type") or "").split(";")[0].strip().lower()


def _body(response: Response) -> Any:
    try:
        return json.loads(response.content or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def _request_url(response: Response) -> str:
    return str(response.request.url or "")


def _is_rate_limited(response: Response) -> bool:
    return response.status_code == 403 and _media_type(response) == "text/plain"


def _declared(case: Case, status: int) -> dict[str, Any]:
    """The response definition the spec declares for ``status`` (empty when undeclared)."""
    responses = case.operation.definition.raw.get("responses", {})
    found = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or {}
    if "$ref" in found:
        name = found["$ref"].rsplit("/", 1)[-1]
        found = case.operation.schema.raw_schema.get("components", {}).get("responses", {}).get(name, {})
    return found


def link_header_problems(value: str, request_url: str) -> list[str]:
    """Why ``value`` is not a §15.1 Link header (empty list: it is one)."""
    problems: list[str] = []
    if ", " in value:
        problems.append('entries must be joined by "," without spaces')
    entries = value.split(",")
    rels: list[str] = []
    request_host = urlsplit(request_url).netloc
    for entry in entries:
        match = LINK_ENTRY.match(entry.strip() if ", " in value else entry)
        if match is None:
            problems.append(f"malformed entry {entry!r} (expected <url>; rel=\"…\")")
            continue
        url, rel = match.groups()
        if rel not in LINK_RELS:
            problems.append(f"unknown rel {rel!r}")
            continue
        rels.append(rel)
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        if not parts.scheme or not parts.netloc:
            problems.append(f"rel={rel} URL is not absolute: {url}")
        elif request_host and parts.netloc != request_host:
            problems.append(f"rel={rel} URL host {parts.netloc} differs from the request host {request_host}")
        for param in ("page", "per_page"):
            if param not in query:
                problems.append(f"rel={rel} URL lacks the {param} parameter: {url}")
    if rels and rels[0] != "current":
        problems.append(f'the first entry must be rel="current", got rel="{rels[0]}"')
    order = [LINK_RELS.index(rel) for rel in rels]
    if order != sorted(order) or len(set(rels)) != len(rels):
        problems.append(f"rels must appear once each in the order {', '.join(LINK_RELS)}; got {', '.join(rels)}")
    return problems


@schemathesis.check
def link_header_format(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """§15.1: paginated 2xx answers carry a well-formed Canvas Link header."""
    if not 200 <= response.status_code < 300:
        return None
    declared = _declared(case, response.status_code).get("headers", {})
    if not any(name.lower() == "link" for name in declared):
        return None
    value = _header(response, "link")
    if value is None:
        raise AssertionError("Missing Link header on a paginated response (§15.1)")
    problems = link_header_problems(value, _request_url(response))
    if problems:
        raise AssertionError("Malformed Link header (§15.1): " + "; ".join(problems) + f"\nLink: {value}")
    return None


@schemathesis.check
def media_type_family(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """2xx answers use the declared IMS media type; errors are plain application/json (§2.3)."""
    if _is_rate_limited(response) or not response.content:
        return None
    actual = _media_type(response)
    if response.status_code >= 400:
        declared = _declared(case, response.status_code).get("content", {})
        if declared and ("application/json" not in declared or (actual == "text/html" and actual in declared)):
            return None  # a page by declaration (the demo tool's HTML, a browser's refused launch form)
        if actual != "application/json":
            raise AssertionError(f"Error responses must be application/json, got {actual or 'no Content-Type'}")
        return None
    if 200 <= response.status_code < 300:
        content = _declared(case, response.status_code).get("content", {})
        ims = [m for m in content if "vnd.ims" in m]
        if ims and actual not in ims:
            raise AssertionError(f"Expected the IMS media type {ims[0]}, got {actual or 'no Content-Type'}")
    return None


def _is_lti_error(body: Any) -> bool:
    errors = body.get("errors") if isinstance(body, dict) else None
    return isinstance(errors, dict) and isinstance(errors.get("type"), str) and isinstance(errors.get("message"), str)


def _is_api_error(body: Any) -> bool:
    errors = body.get("errors") if isinstance(body, dict) else None
    return (isinstance(errors, list) and bool(errors)
            and all(isinstance(e, dict) and isinstance(e.get("message"), str) for e in errors))


def _is_model_error(body: Any) -> bool:
    errors = body.get("errors") if isinstance(body, dict) else None
    return isinstance(errors, dict) and bool(errors) and all(isinstance(v, list) for v in errors.values())


def _is_simple_error(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("error"), str) and "errors" not in body


@schemathesis.check
def error_body_shape(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Errors use the family of their route: LTI/API errors under /api/lti/, OAuth at the token URL."""
    if response.status_code < 400 or not response.content or _is_rate_limited(response):
        return None
    path = urlsplit(_request_url(response)).path
    body = _body(response)
    if path.endswith(TOKEN_PATH):
        ok = (isinstance(body, dict) and isinstance(body.get("error"), str)
              and isinstance(body.get("error_description"), str))
        if not ok:
            raise AssertionError(f'Token endpoint errors must be {{"error", "error_description"}}, got {_short(body)}')
        return None
    special = SPECIAL_ERROR_SHAPES.get(path.split("/api/lti/", 1)[-1].split("/", 1)[0]) if "/api/lti/" in path else None
    if special is not None:
        key, section = special
        messages = body.get("errors") if isinstance(body, dict) else None
        listed = isinstance(messages, list) and bool(messages) and all(isinstance(m, str) for m in messages)
        if not (isinstance(body, dict) and (isinstance(body.get(key), str) or listed or _is_api_error(body) or _is_model_error(body))):
            raise AssertionError(f'{path} errors must be {{"{key}": "…"}} or {{"errors": [...]}} ({section}), got {_short(body)}')
        return None
    if "/api/lti/" in path:
        ok = _is_lti_error(body) or _is_api_error(body)
        if response.status_code == 422:
            ok = ok or _is_model_error(body)
        if response.status_code in (400, 401, 404, 500) and (
                case.operation.definition.raw.get("operationId") in ("createLineItem", "getOpenIdConfiguration")
                or "/data_services" in path):  # §3.3 submission_type, §9.2, §13.1 data services
            ok = ok or _is_simple_error(body)
        if not ok:
            raise AssertionError(
                'LTI service errors must be {"errors": {"type", "message"}} (§2.4) or '
                f'{{"errors": [{{"message"}}]}} (§15.2), got {_short(body)}')
    return None


def _short(body: Any) -> str:
    text = json.dumps(body) if body is not None else "a non-JSON body"
    return text if len(text) <= 200 else text[:200] + "…"


def _check_url(value: Any, pattern: re.Pattern[str], what: str, course_id: str | None, host: str) -> None:
    if not isinstance(value, str):
        raise AssertionError(f"{what} must be a string URL, got {value!r}")
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc:
        raise AssertionError(f"{what} must be an absolute URL, got {value!r}")
    match = pattern.match(parts.path)
    if match is None:
        raise AssertionError(f"{what} has an unexpected path: {value!r} (expected {pattern.pattern})")
    if host and parts.netloc != host:
        raise AssertionError(f"{what} host {parts.netloc} differs from the request host {host}: {value!r}")
    if course_id is not None and match.group(1) != course_id:
        raise AssertionError(f"{what} names course {match.group(1)}, the request was for course {course_id}")


@schemathesis.check
def resource_url_format(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Line item and result ids are absolute URLs on the request host, in the request's course."""
    if not 200 <= response.status_code < 300 or not response.content:
        return None
    path = urlsplit(_request_url(response)).path
    if "/api/lti/courses/" not in path:
        return None
    body = _body(response)
    host = urlsplit(_request_url(response)).netloc
    raw_course = (case.path_parameters or {}).get("course_id")
    course = str(raw_course) if raw_course is not None else None
    operation_id = case.operation.definition.raw.get("operationId")
    items = body if isinstance(body, list) else [body]
    for item in items:
        if not isinstance(item, dict):
            continue
        if operation_id in ("listLineItems", "createLineItem", "getLineItem", "updateLineItem"):
            _check_url(item.get("id"), LINE_ITEM_PATH, "line item id", course, host)
        elif operation_id in ("listResults", "getResult"):
            _check_url(item.get("id"), RESULT_PATH, "result id", course, host)
            _check_url(item.get("scoreOf"), LINE_ITEM_PATH, "result scoreOf", course, host)
        elif operation_id == "createScore":
            _check_url(item.get("resultUrl"), RESULT_PATH, "resultUrl", course, host)
    return None


#: Our checks, by name, in the order they run after the built-ins.
CUSTOM_CHECKS = {
    "link_header_format": link_header_format,
    "media_type_family": media_type_family,
    "error_body_shape": error_body_shape,
    "resource_url_format": resource_url_format,
}


def all_checks() -> list[Any]:
    """Built-in then custom check functions, resolved from schemathesis's registry."""
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    return [CHECKS.get_one(name) for name in BUILTIN_CHECKS] + list(CUSTOM_CHECKS.values())
