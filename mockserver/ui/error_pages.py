"""Pages, not JSON, for a person whose browser asked a console page for something it cannot serve.

Console pages (and the demo tool's) are read by people. A bad query — a letter where an id goes,
a value longer than the spec allows, bytes that are not UTF-8 — fails request validation before any
handler runs; the spec gives those operations' ``400`` as ``text/html`` (``OperationInfo.html_errors``)
and this module writes it: what was wrong, in a sentence, and the way back. The API routes keep
Canvas's JSON error shapes. Unknown console addresses (and a method a console page does not take)
get the not-found page the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from ..canvas.text import echo
from ..canvas.validation import FieldError
from ..spec import METHODS, load_spec

CONSOLE_PREFIX = "/__mock__/ui/"
DEMO_TOOL_PREFIX = "/__mock__/demo-tool/"
NO_STORE = {"Cache-Control": "no-store"}
#: How much of a refused value a page repeats.
SHOWN = 40
#: How the spec's parameter locations read in a sentence.
WHERE = {"query": "query parameter", "path": "address segment", "header": "header", "cookie": "cookie"}


@functools.cache
def _parameters() -> dict[tuple[str, str, str], dict[str, Any]]:
    """(operationId, location, name) -> the parameter's definition in the spec, for its sentence."""
    index: dict[tuple[str, str, str], dict[str, Any]] = {}
    for item in load_spec().get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            for parameter in (operation or {}).get("parameters", []) + item.get("parameters", []):
                if operation and "name" in parameter:
                    index.setdefault((operation["operationId"], parameter["in"], parameter["name"]), parameter)
    return index


class PageAddresses:
    """Which operation whose errors are pages (``OperationInfo.html_errors``) a request was for.

    Error handlers run outside connexion's routing, which keeps the operation it found in a copy
    of the request's scope; so the address is matched again here, against those operations' paths
    (literal segments first, as the router tries them)."""

    def __init__(self, operations: Iterable[Any]) -> None:
        pages = [info for info in operations if info.html_errors]
        pages.sort(key=lambda info: (info.path.count("{"), -len(info.path)))
        self.routes = [(info.method, self._pattern(info.operation_id, info.path), info.operation_id) for info in pages]

    @staticmethod
    def _pattern(operation_id: str, path: str) -> re.Pattern[str]:
        def segment(match: re.Match[str]) -> str:
            name = match.group(1)
            schema = _parameters().get((operation_id, "path", name), {}).get("schema") or {}
            return f"(?P<{name}>.+)" if schema.get("format") == "path" else f"(?P<{name}>[^/]+)"

        return re.compile("^" + re.sub(r"\\{(\w+)\\}", segment, re.escape(path)) + "$")

    def match(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """The operation id and path parameters of a page request, or None (not a page)."""
        method = "GET" if method == "HEAD" else method
        for wanted, pattern, operation_id in self.routes:
            found = pattern.match(path) if wanted == method else None
            if found:
                return operation_id, found.groupdict()
        return None


def _given(scope: Any, path_params: dict[str, str], error: FieldError) -> str | None:
    """The value the request gave for the failed parameter."""
    if error.location == "query":
        values = QueryParams(scope.get("query_string", b"").decode("latin-1")).getlist(error.field)
        return values[0] if values else None
    return path_params.get(error.field) if error.location == "path" else None


def _shown(value: str) -> str:
    """A value as the page repeats it: whole when short, else its start and its length."""
    return value if len(value) <= SHOWN else f"{value[:SHOWN]}… ({len(value)} characters)"


def _rule(schema: dict[str, Any]) -> str | None:
    """What the spec asks of a parameter's value, in words; None when nothing is said."""
    if schema.get("type") == "integer":
        return "a whole number"
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    parts = []
    if "pattern" in schema:
        parts.append(f"text matching {schema['pattern']}")
    if "maxLength" in schema:
        parts.append(f"at most {schema['maxLength']} characters long")
    return " and ".join(parts) or None


def sentence(operation_id: str, scope: Any, path_params: dict[str, str], error: FieldError) -> str:
    """One failure as a sentence a person reads: which parameter, what it must be, what it was."""
    if error.keyword == "encoding":
        return "The address holds bytes that are not UTF-8 text; type or paste it again."
    if error.location not in WHERE:
        return f"The request cannot be read: {echo(error.message)}."
    definition = _parameters().get((operation_id, error.location, error.field), {})
    name = echo(error.field)
    given = _given(scope, path_params, error)
    rule = _rule(definition.get("schema") or {})
    if rule is None:
        text = f"The {WHERE[error.location]} “{name}” is not valid: {echo(error.message)}."
    elif given is None:
        text = f"The {WHERE[error.location]} “{name}” must be {rule}."
    else:
        text = f"The {WHERE[error.location]} “{name}” must be {rule}; “{_shown(given)}” is not."
    description = str(definition.get("description") or "").strip().rstrip(".")
    return f"{text} (“{name}”: {description}.)" if description else text


def _path_of(scope: Any) -> str:
    return str(scope.get("path", ""))


def _links(path: str) -> list[dict[str, str]]:
    """The way back: the page without its query (when it is one), and the console's home page."""
    links = []
    if path.startswith(CONSOLE_PREFIX) and path != CONSOLE_PREFIX:
        links.append({"href": path, "text": "Open this page without the query"})
    links.append({"href": CONSOLE_PREFIX, "text": "Back to the console's home page"})
    return links


def console_page(request: Request, state: Any, title: str, reasons: list[str], links: list[dict[str, str]],
                  status: int) -> Response:
    from ..scenario import clock_body
    from .pages import templates

    context = {"title": title, "reasons": reasons, "links": links, "versions": {}, "clock": clock_body(state)}
    return templates().TemplateResponse(request, "error.html", context, status_code=status, headers=NO_STORE)


def bad_request(state: Any, request: Request, page: tuple[str, dict[str, str]], errors: list[FieldError]) -> Response:
    """The ``400`` page of an operation whose spec gives it as ``text/html`` (``page``: what
    :meth:`PageAddresses.match` found)."""
    scope = request.scope
    operation_id, path_params = page
    reasons = [sentence(operation_id, scope, path_params, error) for error in errors[:5]]
    path = _path_of(scope)
    if path.startswith(DEMO_TOOL_PREFIX):  # a tool's page, in the tool's own style
        from ..demo_tool.handlers import problem_page

        return problem_page(request, "Request refused", reasons, 400)
    return console_page(request, state, "Bad request", reasons, _links(path), 400)


def not_found(state: Any, request: Request, what: str, reason: str | None = None) -> Response:
    """The console's not-found page: what the mock has no record of (or ``reason``), and the way back."""
    reasons = [reason or f"There is no {what} in the mock's world."]
    return console_page(request, state, "Not found", reasons, [{"href": CONSOLE_PREFIX, "text": "Back to the home page"}], 404)


#: Where the launch forms post (the course page, the launch editor, ``/__mock__/``). The handler answers a
#: browser's launch that cannot start with a readable page in the tool's frame; a form refused before
#: the handler runs (a field off the spec) gets the same page.
LAUNCH_FORM = ("POST", "/__mock__/launches")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def launch_form_refused(state: Any, request: Request, errors: list[FieldError]) -> Response | None:
    """The launch page (a 400: the spec refuses the request) for a launch form that fails validation,
    or None (not a browser's launch form)."""
    if (request.method, _path_of(request.scope)) != LAUNCH_FORM or \
            not request.headers.get("content-type", "").startswith(FORM_TYPES):
        return None
    from ..context import CanvasRequest, RequestContext
    from .pages import problem

    fields = [f"the field “{echo(e.field)}”: {e.message}" if e.field else e.message for e in errors[:5]]
    return problem(RequestContext(state, CanvasRequest(request.scope), None), title="The launch did not start",
                   reason=f"The launch form was refused: {'; '.join(fields)}.", status=400)


def is_console_path(path: str) -> bool:
    return path.startswith(CONSOLE_PREFIX) or path == CONSOLE_PREFIX.rstrip("/")


#: Canvas's own pages outside ``/api/`` (what a sessionless launch link opens): Canvas answers an
#: unknown one of these with an HTML page, as the console does, not with the API's JSON.
CANVAS_PAGE_PREFIXES = ("/courses/", "/accounts/")


def is_canvas_page_path(path: str) -> bool:
    return path.startswith(CANVAS_PAGE_PREFIXES)
