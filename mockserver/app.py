"""Build the connexion app: spec in, Canvas-faithful ASGI app out.

The middleware stack is connexion's, with its security middleware replaced by Canvas's filter
chain (``auth/pipeline.py``), and validators that keep failures structured so the error
handlers can answer in Canvas's shapes instead of ``application/problem+json``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response

from .auth.pipeline import FilterChainMiddleware
from .auth.tokens import new_secret
from .browser_guard import AllowedHosts, BrowserGuardMiddleware
from .canvas.errors import CanvasError, api_error, generic_error
from .canvas.request_media_type import LowercaseMediaTypeMiddleware
from .canvas.text import echo
from .canvas.validation import (
    CanvasFormValidator,
    CanvasJSONBodyValidator,
    CanvasJSONResponseValidator,
    CanvasMultipartValidator,
    CanvasParameterValidator,
    FieldError,
    InvalidRequest,
    translate,
    unsupported_media_type,
)
from .connexion_adapter import (
    VALIDATOR_MAP,
    AsyncApp,
    BadRequestProblem,
    ConnexionRequest,
    ConnexionResponse,
    MediaTypeDict,
    MiddlewarePosition,
    MockApp,
    Resolver,
    SchemasOnceURIParser,
    SwaggerUIOptions,
    UnsupportedMediaTypeProblem,
    connexion_context,
    lean_middlewares,
    meta_schema_checked_by_tests,
    middlewares_without_security,
)
from .context import SCOPE_KEY, AppState, CanvasRequest, RequestContext
from .fixtures import IN_PROCESS_ORIGIN, load_fixture_file
from .handlers import HANDLERS
from .scenario import install as install_scenario
from .spec import load_spec, operations
from .ui import error_pages

VALIDATORS = {
    "parameter": CanvasParameterValidator,
    "body": MediaTypeDict({
        "*/*json": CanvasJSONBodyValidator,
        "application/x-www-form-urlencoded": CanvasFormValidator,
        "multipart/form-data": CanvasMultipartValidator,
    }),
    "response": MediaTypeDict({**VALIDATOR_MAP["response"], "*/*json": CanvasJSONResponseValidator}),
}


# connexion warns "this operation accepts multiple content types" several times per request to
# an operation that accepts both the IMS type and JSON — by design here. Raising the level (not
# filtering records) also saves building those records on every request.
logging.getLogger("connexion.operations.openapi3").setLevel(logging.ERROR)
logger = logging.getLogger("mockserver")


def _bind(state: AppState, operation_id: str) -> Any:
    """The callable connexion routes ``operation_id`` to: the handler, given its context."""
    handler = HANDLERS.get(operation_id)
    if handler is None:
        raise AttributeError(f"no handler for operationId {operation_id!r}")

    async def endpoint(**params: Any) -> Response:
        scope = connexion_context.scope._get_current_object()
        ctx = RequestContext(state, CanvasRequest(scope), scope.get("extensions", {}).get(SCOPE_KEY))
        try:
            return await handler(ctx, **params)
        except CanvasError as error:
            return error.response()

    endpoint.__name__ = operation_id
    return endpoint


def _operation_id(request: ConnexionRequest) -> str | None:
    return request.scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")


def _path(request: ConnexionRequest) -> str:
    """The request path, read from the scope: ``request.url`` decodes the query string as UTF-8
    and raises for one that is not, which would fail the error handler itself."""
    return str(request.scope.get("path", ""))


def _as_connexion(response: Response) -> ConnexionResponse:
    """A Starlette page in the type connexion's error handlers return."""
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
    return ConnexionResponse(status_code=response.status_code, mimetype=response.media_type or "text/html",
                             body=bytes(response.body), headers=headers)


class _ErrorAnswers:
    """Requests refused before a handler runs, in the shape their operation's spec gives: a page
    for the console's (and the demo tool's) pages (``ui/error_pages.py``), Canvas's JSON for the APIs."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.pages = error_pages.PageAddresses(state.operations.values())

    def _refused(self, request: ConnexionRequest, errors: list[FieldError]) -> ConnexionResponse:
        page = self.pages.match(request.method, _path(request))
        if page is not None:
            return _as_connexion(error_pages.bad_request(self.state, request, page, errors))
        launch_page = error_pages.launch_form_refused(self.state, request, errors)
        if launch_page is not None:
            return _as_connexion(launch_page)
        return translate(_operation_id(request), _path(request), errors).connexion_response()

    async def invalid(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, InvalidRequest)
        return self._refused(request, exc.errors)

    async def bad_request(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Connexion's own 400s (a required body that is absent)."""
        detail = getattr(exc, "detail", None) or "Bad request"
        error = FieldError("body", "", "missing", "request body is missing" if "required" in detail else detail)
        return self._refused(request, [error])

    async def http_bad_request(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Starlette's own 400s (a body its form parsers cannot read) in the family's shape.
        Starlette looks status handlers up before class handlers, so connexion's own
        ``BadRequestProblem`` (an HTTPException) arrives here too."""
        if isinstance(exc, BadRequestProblem):
            return await self.bad_request(request, exc)
        error = FieldError("body", "", "parse", f"unreadable request body ({getattr(exc, 'detail', '') or exc})")
        return self._refused(request, [error])

    async def media_type(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        return unsupported_media_type(_path(request), getattr(exc, "detail", "") or "").connexion_response()

    async def not_found(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Unknown routes: Canvas answers API paths with its generic 404; a console address (or a
        method a console page does not take), or a GET of a Canvas page address (``/courses/…``),
        gets the not-found page."""
        path = _path(request)
        if error_pages.is_console_path(path):
            reason = None if request.method in ("GET", "HEAD") else (
                f"The console's pages are read with GET; nothing answers {request.method} {echo(path)}.")
            return _as_connexion(error_pages.not_found(self.state, request, f"console page {echo(path)}", reason))
        if request.method in ("GET", "HEAD") and error_pages.is_canvas_page_path(path):
            return _as_connexion(error_pages.not_found(self.state, request, f"page {echo(path)}", None))
        return api_error(404, "The specified resource does not exist.").connexion_response()


def _on_unexpected(state: AppState) -> Any:
    """Canvas's generic 500 body with an ``error_report_id``: a bug in the mock, but never a
    traceback on the wire. The traceback goes to the log under the same id."""

    async def handler(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        report_id = next(state.error_reports)
        logger.error("error_report_id=%d: %s %s", report_id, request.method, _path(request), exc_info=exc)
        return generic_error(500, report_id).connexion_response()

    return handler


def build_app(state: AppState, *, validate_responses: bool = False, lean_arguments: bool = True,
              allowed_hosts: AllowedHosts | None = None) -> AsyncApp:
    app = MockApp(__name__, middlewares=middlewares_without_security(), lean_arguments=lean_arguments)
    with meta_schema_checked_by_tests():
        _add_api(app, state, load_spec(), validate_responses, lean_arguments)
    install_scenario(app, state)  # journal, faults, throttle: outside the filter chain
    # Inside the journal (a refused request to a Canvas path is recorded, with its 403).
    app.add_middleware(BrowserGuardMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       allowed_hosts=allowed_hosts or AllowedHosts(), state=state)
    app.add_middleware(FilterChainMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION, state=state)
    app.add_middleware(LowercaseMediaTypeMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION)
    answers = _ErrorAnswers(state)
    app.add_error_handler(InvalidRequest, answers.invalid)
    app.add_error_handler(BadRequestProblem, answers.bad_request)
    app.add_error_handler(UnsupportedMediaTypeProblem, answers.media_type)
    app.add_error_handler(400, answers.http_bad_request)
    app.add_error_handler(404, answers.not_found)
    app.add_error_handler(405, answers.not_found)
    app.add_error_handler(Exception, _on_unexpected(state))
    if lean_arguments:
        lean_middlewares(app, validate_responses=validate_responses)
    return app


def _add_api(app: AsyncApp, state: AppState, spec: dict[str, Any], validate_responses: bool,
             lean: bool) -> None:
    app.add_api(
        spec,
        resolver=Resolver(function_resolver=lambda operation_id: _bind(state, operation_id)),
        validator_map=VALIDATORS,
        validate_responses=validate_responses,
        strict_validation=False,
        uri_parser_class=SchemasOnceURIParser if lean else None,
        swagger_ui_options=SwaggerUIOptions(swagger_ui=False, serve_spec=True, spec_path="/openapi.json"),
    )


def create_app(fixtures: str | Path | None = None, *, validate_responses: bool = False,
               lean_arguments: bool = True, allowed_hosts: Iterable[str] = (),
               base_url: str | None = None) -> AsyncApp:
    """A fresh mock as an ASGI app, with a world, platform keys and token secret of its own.

    Apps never share state, so a test suite may build as many as it likes; serve one with
    uvicorn, :func:`mockserver.testing.run_mock`, or call it in-process with ``app.test_client()``
    (an ``httpx.Client``). The app's ``state`` holds its world, keys and scenario settings.

    :param fixtures: a YAML world shaped like ``fixtures/default.yaml``; None for the default one.
        A file that cannot be used raises :class:`mockserver.FixtureError` naming file and line.
    :param validate_responses: also check every response against the spec (slower; the test
        suite turns it on, to catch a mock that answers off-contract).
    :param lean_arguments: False sends every request through connexion's own spec router,
        request validation and parameter decorator: the reference the tests hold the lean paths to.
    :param allowed_hosts: names a request's Host may carry besides loopback names and IP addresses
        (``browser_guard.AllowedHosts``; ``canvas-lti mock`` passes ``--host`` and ``--allow-host``).
    :param base_url: where the app is served (default ``http://testserver``, in process); the
        fixtures' ``${MOCK_URL}`` (the Demo Tool's URLs) is written as it, and its host is allowed.
    """
    origin = (base_url or IN_PROCESS_ORIGIN).rstrip("/")
    world, keys = load_fixture_file(fixtures, origin=origin)
    state = AppState(
        world=world, keys=keys, fixtures_path=Path(fixtures) if fixtures else None,
        operations=operations(load_spec()), secret=new_secret(), origin=origin,
    )
    app = build_app(state, validate_responses=validate_responses, lean_arguments=lean_arguments,
                    allowed_hosts=AllowedHosts.of([*allowed_hosts, urlsplit(origin).hostname or ""]))
    app.state = state  # type: ignore[attr-defined]
    state.demo_tool.app = app  # the demo tool reaches its platform through the whole app
    return app
