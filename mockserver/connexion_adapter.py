"""Everything this project uses of connexion below its public API, in one place.

The mock needs what connexion does not offer publicly: its own request validators (to answer in
Canvas's error shapes), handler arguments planned once instead of decorated on every request
(``arguments.py``), a middleware stack without connexion's security middleware (Canvas's filter
chain replaces it), and no meta-schema check of the curated spec on every app. For speed, the lean
app (``lean_middlewares``) also validates requests with what does not depend on the request made
once per operation, routes through an indexed route table, passes requests that are not for the
served spec around the spec router, and leaves out the layers that would only pass requests on;
``create_app(lean_arguments=False)`` keeps connexion's own, and tests/test_arguments.py holds the
two to the same answers.
Those reach into connexion's internals, which change between minor versions, so this module
checks the installed version first and refuses any other than the one the suite was run with.

It is also the only module that imports connexion, so that it can import it lean: connexion loads,
when imported, its Flask framework, Starlette's test client (with httpx's command-line client),
werkzeug's development server and requests, none of which serving uses; they are put off until
something uses them (``mockserver/lazy_imports.py``), which halves the mock's start-up.
Other modules take connexion's names from here.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .pinned import untested

if TYPE_CHECKING:
    from .inprocess import InProcessClient

#: The connexion versions the test suite was run against (keep in step with pyproject.toml).
TESTED = ((3, 3), (3, 4))  # >= 3.3, < 3.4


class UnsupportedConnexionError(ImportError):
    """The installed connexion is not the version this adapter was written and tested for."""


def check_version(installed: str) -> None:
    """Raise :class:`UnsupportedConnexionError` unless ``installed`` is in :data:`TESTED`."""
    wanted = untested(installed, TESTED)
    if wanted is not None:
        raise UnsupportedConnexionError(
            f"canvas-lti-contract extends connexion's internals and is tested with connexion {wanted}; "
            f"connexion {installed} is installed. Install a tested version: pip install 'connexion[uvicorn]{wanted}'"
        )


def installed_version(name: str) -> str | None:
    """The installed version of package ``name``: ``Version:`` in the METADATA of the one
    ``<name>-<version>.dist-info`` beside it, where pip installs it. importlib.metadata reads the
    same file but costs the mock's start-up about 20 ms of CPU (0.1× a bare Starlette import) for
    this one string, so it is only the fallback, for other layouts. None: not installed."""
    spec = importlib.util.find_spec(name)
    if spec is None:
        return None
    for location in spec.submodule_search_locations or ():
        found = list(Path(location).parent.glob(f"{name}-*.dist-info/METADATA"))
        if len(found) == 1:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                for line in found[0].read_text(encoding="utf-8").splitlines():
                    if line.startswith("Version:"):
                        return line.partition(":")[2].strip()
                    if not line:  # the headers end: no Version
                        break
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


_installed = installed_version("connexion")
if _installed is None:  # pragma: no cover - connexion is a hard dependency
    raise UnsupportedConnexionError("connexion is not installed: pip install 'connexion[uvicorn]>=3.3,<3.4'")
check_version(_installed)

from .lazy_imports import lazy_package, standing_in  # noqa: E402

#: Packages whose ``__init__`` runs when one of its own names is first read, not when connexion
#: imports them: werkzeug's (its development server and test client; connexion needs only its
#: ``local`` module and the ``Request`` name), requests' and httpx's (connexion's remote ``$ref``
#: resolution and OAuth introspection, never used here), Jinja2's (connexion's spec templating; the
#: console loads it for its first page), connexion's own (its Flask app).
LAZY_PACKAGES: dict[str, dict[str, str]] = {
    "connexion": {},
    "jinja2": {},
    "werkzeug": {"Request": "werkzeug.wrappers", "Response": "werkzeug.wrappers"},
    "requests": {},
    "httpx": {},
}
#: Modules connexion takes names from that only features the mock does not use need: Starlette's
#: test client (``AbstractApp.test_client``; :meth:`MockApp.test_client` answers in-process),
#: connexion's Flask framework (its Flask decorators) and werkzeug's WSGI helpers (``LocalManager``).
STAND_INS = {
    "starlette.testclient": ("TestClient",),
    "connexion.frameworks.flask": ("Flask",),
    "werkzeug.wsgi": ("ClosingIterator",),  # werkzeug.local's WSGI middleware (and werkzeug's HTTP utilities)
    "starlette.templating": ("Jinja2Templates",),  # connexion's Swagger UI, which the mock turns off
}
for _package, _names in LAZY_PACKAGES.items():
    lazy_package(_package, _names, libraries=("connexion", "starlette", __name__, *LAZY_PACKAGES))

with standing_in(STAND_INS):
    import connexion.context as connexion_context
    from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncASGIApp, AsyncOperation
    from connexion.datastructures import MediaTypeDict
    from connexion.decorators import StarletteDecorator
    from connexion.decorators.parameter import _get_typed_body_values as get_typed_body_values
    from connexion.exceptions import BadRequestProblem, UnsupportedMediaTypeProblem
    from connexion.json_schema import Draft4RequestValidator
    from connexion.lifecycle import ConnexionRequest, ConnexionResponse
    from connexion.middleware.lifespan import LifespanMiddleware
    from connexion.middleware.main import ConnexionMiddleware, MiddlewarePosition
    from connexion.middleware.request_validation import (
        RequestValidationAPI,
        RequestValidationMiddleware,
        RequestValidationOperation,
    )
    from connexion.middleware.response_validation import ResponseValidationMiddleware
    from connexion.middleware.routing import RoutingAPI, RoutingMiddleware
    from connexion.middleware.security import SecurityMiddleware
    from connexion.middleware.swagger_ui import SwaggerUIMiddleware
    from connexion.options import SwaggerUIOptions
    from connexion.resolver import Resolver
    from connexion.spec import OpenAPISpecification
    from connexion.uri_parsing import OpenAPIURIParser
    from connexion.utils import is_null, is_nullable, make_type, split_content_type
    from connexion.validators import (
        VALIDATOR_MAP,
        FormDataValidator,
        JSONRequestBodyValidator,
        JSONResponseBodyValidator,
        ParameterValidator,
    )
    from connexion.validators.parameter import draft4_format_checker
from starlette.routing import Match, Mount, Route, Router  # noqa: E402

__all__ = [
    "VALIDATOR_MAP",
    "AsyncApp",
    "BadRequestProblem",
    "ConnexionRequest",
    "ConnexionResponse",
    "Draft4RequestValidator",
    "FormDataValidator",
    "JSONRequestBodyValidator",
    "JSONResponseBodyValidator",
    "MediaTypeDict",
    "MiddlewarePosition",
    "MockApp",
    "ParameterValidator",
    "Resolver",
    "SchemasOnceURIParser",
    "SwaggerUIOptions",
    "UnsupportedConnexionError",
    "UnsupportedMediaTypeProblem",
    "check_version",
    "connexion_context",
    "draft4_format_checker",
    "get_typed_body_values",
    "is_null",
    "is_nullable",
    "lean_middlewares",
    "make_type",
    "meta_schema_checked_by_tests",
    "middlewares_without_security",
]


def middlewares_without_security() -> list[Any]:
    """connexion's default middleware stack minus its security middleware."""
    return [m for m in ConnexionMiddleware.default_middlewares if m is not SecurityMiddleware]


class _OnceDecorator(StarletteDecorator):
    """connexion's decorator wraps the handler in its parameter and response decorators, and
    builds a URI parser, on every request (``update_wrapper``, a signature inspection …). None
    of it depends on the request, so do it once; per request only the request is built."""

    def __call__(self, function: Any) -> Any:
        decorated = self.decorate(function)
        uri_parser = self.uri_parser

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = self.framework.get_request(uri_parser=uri_parser, scope=connexion_context.scope,
                                                 receive=connexion_context.receive)
            return await decorated(request)

        return wrapper


class _DecorateOnce(AsyncOperation):
    """An operation whose handler arguments come from an :class:`ArgumentPlan` made once; requests
    the plan does not cover (form and multipart bodies) take connexion's decorator."""

    @functools.cached_property
    def fn(self) -> Any:  # type: ignore[override]
        return _OnceDecorator(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)

    @functools.cached_property
    def plan(self) -> Any:
        from .arguments import ArgumentPlan  # imported late: arguments.py uses this module's re-exports

        return ArgumentPlan(connexion_context.operation._get_current_object())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> Any:
        kwargs = self.plan.arguments(scope) if self.lean else None
        response = await (self._fn(**kwargs) if kwargs is not None else self.fn())
        return await response(scope, receive, send)


class _Api(AsyncApi):
    lean = True

    def make_operation(self, operation: Any) -> AsyncOperation:
        made = _DecorateOnce.from_operation(operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)
        made.lean = self.lean
        return made


class _GeneralApi(_Api):
    """Every request through connexion's decorator: the reference the argument plan is tested against."""

    lean = False


class _ASGIApp(AsyncASGIApp):
    api_cls = _Api


class MockApp(AsyncApp):
    """connexion's AsyncApp with handler arguments planned once (see :class:`_DecorateOnce`)."""

    def __init__(self, import_name: str, *, lean_arguments: bool = True, **kwargs: Any) -> None:
        super().__init__(import_name, **kwargs)
        self._middleware_app = _ASGIApp()
        if not lean_arguments:
            self._middleware_app.api_cls = _GeneralApi
        self.middleware.app = self._middleware_app  # before any add_api: the stack is built lazily

    def test_client(self, **kwargs: Any) -> InProcessClient:
        """An httpx client answered in the calling thread (see :mod:`mockserver.inprocess`), with
        Starlette's TestClient defaults; connexion's TestClient costs 10× more per request."""
        from .inprocess import InProcessClient  # httpx and requests: for tests, not for serving

        return InProcessClient(self, **kwargs)


#: Media types remembered per operation (a client chooses the header, so the memory is bounded).
_MEDIA_TYPES_KEPT = 32


@functools.lru_cache(maxsize=256)
def _mime_and_encoding(content_type: str | None) -> tuple[str | None, str | None]:
    return split_content_type(content_type)


def distinct_parameters(parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each (location, name) once, the first definition kept. connexion's OpenAPIOperation extends
    the resolved spec's own list with the path-level parameters every time it is built, once per
    middleware, so a path parameter is listed (and was checked) four times; the operation's own
    definitions come first and override the path's, as OpenAPI has it."""
    seen: set[tuple[Any, Any]] = set()
    kept = []
    for parameter in parameters:
        key = (parameter.get("in"), parameter.get("name"))
        if key not in seen:
            seen.add(key)
            kept.append(parameter)
    return kept


class _ValidateOnce(RequestValidationOperation):
    """connexion's request validation with what does not depend on the request made once per
    operation: its URI parser, its parameter validator and, per media type, the body schema and
    validator arguments (connexion rebuilds all of them on every request, copying schemas and
    parsing the parameter definitions again). The checks and their order are connexion's."""

    @functools.cached_property
    def _parameter_validator(self) -> Any:
        operation = self._operation
        parameters = distinct_parameters(operation.parameters)
        return self._validator_map["parameter"](
            parameters, uri_parser=operation._uri_parser_class(parameters, operation.body_definition()),
            strict_validation=self.strict_validation, security_query_params=self.security_query_params)

    @functools.cached_property
    def _bodies(self) -> dict[str, tuple[Any, dict[str, Any]] | None]:
        return {}

    def _body_validation(self, mime_type: str) -> tuple[Any, dict[str, Any]] | None:
        """The body validator class and its arguments for ``mime_type`` (None: nothing to validate).
        Raises connexion's UnsupportedMediaTypeProblem for a media type the operation does not take."""
        if mime_type in self._bodies:
            return self._bodies[mime_type]
        self.validate_mime_type(mime_type)
        operation, plan = self._operation, None
        schema = operation.body_schema(mime_type)
        if schema:
            try:
                validator_cls = self._validator_map["body"][mime_type]
            except KeyError:
                pass
            else:
                plan = (validator_cls, {
                    "schema": schema, "required": operation.request_body.get("required", False),
                    "nullable": is_nullable(operation.body_definition(mime_type)),
                    "strict_validation": self.strict_validation,
                    "uri_parser": operation.uri_parser_class(operation.parameters, operation.body_definition()),
                })
        if len(self._bodies) < _MEDIA_TYPES_KEPT:
            self._bodies[mime_type] = plan
        return plan

    def extract_content_type(self, headers: list[tuple[bytes, bytes]]) -> tuple[str, str]:  # type: ignore[override]
        content_type = next((value.decode("latin-1") for key, value in headers if key.lower() == b"content-type"), None)
        mime_type, encoding = _mime_and_encoding(content_type)
        if mime_type is None:
            mime_type = self._operation.consumes[0] if self._operation.consumes else "application/octet-stream"
        return mime_type, encoding or "utf-8"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self._parameter_validator.validate(scope)
        mime_type, encoding = self.extract_content_type(scope["headers"])
        plan = self._body_validation(mime_type)
        if plan is not None:
            validator_cls, arguments = plan
            receive, scope = await validator_cls(encoding=encoding, **arguments).wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)


class _ValidateOnceAPI(RequestValidationAPI):
    def make_operation(self, operation: Any) -> Any:
        return _ValidateOnce(self.next_app, operation=operation, strict_validation=self.strict_validation,
                             validator_map=self.validator_map)


class _ValidateOnceMiddleware(RequestValidationMiddleware):
    api_cls = _ValidateOnceAPI


class _SpecWhereServed(SwaggerUIMiddleware):
    """connexion's spec-serving middleware routes every request through two Starlette routers
    to find that it is not ``/openapi.json``; only paths it serves (or would redirect to, with
    or without a trailing slash) take its router. Others go on as its router's default sends
    them: with a copy of the scope as it came in."""

    @functools.cached_property
    def _served(self) -> frozenset[str]:
        mounts = [route for route in self.router.routes if hasattr(route, "routes")]
        return frozenset(mount.path + route.path for mount in mounts for route in mount.routes)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and not scope.get("root_path") and path not in self._served \
                and path.rstrip("/") not in self._served and path + "/" not in self._served:
            await self.app(scope.copy(), receive, send)
            return
        await super().__call__(scope, receive, send)


#: Leading path segments a route table is indexed by (``/api/lti/courses/…``).
_INDEX_DEPTH = 3


def _index_key(route: Any) -> tuple[int, tuple[str, ...]] | None:
    """What every path ``route`` matches has: its number of ``/`` (a parameter other than a
    ``:path`` one matches within a segment) and its first literal segments. None when the
    route has fewer literal segments than the index depth, a ``:path`` parameter, or is not a
    plain route: such routes are tried for every path."""
    if not isinstance(route, Route) or ":path}" in route.path:
        return None
    path = route.path
    segments = path.split("/")[1:] if "{" not in path else path.split("{", 1)[0].split("/")[1:-1]
    return (path.count("/"), tuple(segments[:_INDEX_DEPTH])) if len(segments) >= _INDEX_DEPTH else None


class _IndexedRouter(Router):
    """A Starlette router that tries only the routes a path can match. Starlette tries every route
    in turn (a regex and two Python calls each: 22 routes for an External Tools list); here the
    routes are bucketed by their number of segments and first literal segments, in their order. When none of a
    bucket's routes matches in full, the general scan runs, so 405s, trailing-slash redirects and
    the default answer as before."""

    def __init__(self, router: Router) -> None:
        super().__init__(routes=router.routes, redirect_slashes=router.redirect_slashes, default=router.default)
        self._index: tuple[int, dict[Any, list[Any]], list[Any]] = (-1, {}, [])

    def _buckets(self) -> tuple[dict[Any, list[Any]], list[Any]]:
        if self._index[0] != len(self.routes):
            keys = [_index_key(route) for route in self.routes]
            always = [route for route, key in zip(self.routes, keys, strict=True) if key is None]
            buckets = {key: [route for route, other in zip(self.routes, keys, strict=True) if other in (key, None)]
                       for key in set(keys) if key is not None}
            self._index = (len(self.routes), buckets, always)
        return self._index[1], self._index[2]

    def candidates(self, scope: Any) -> list[Any] | None:
        """The routes, in order, that may match ``scope`` in full; None: try them all."""
        if scope["type"] != "http" or scope.get("root_path"):
            return None
        path = scope["path"]
        parts = path.split("/", _INDEX_DEPTH + 1)
        if len(parts) <= _INDEX_DEPTH:
            return None
        buckets, always = self._buckets()
        return buckets.get((path.count("/"), tuple(parts[1:_INDEX_DEPTH + 1])), always)

    async def app(self, scope: Any, receive: Any, send: Any) -> None:
        for route in self.candidates(scope) or ():
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope.setdefault("router", self)
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
        await super().app(scope, receive, send)


class _IndexedRoutingAPI(RoutingAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.router = _IndexedRouter(self.router)


class _RootMountRouter(Router):
    """connexion's outer router: one Mount per API base path, before each API's own router. The
    mock serves one API, at ``""``, whose Mount matches every path that starts with ``/`` and holds
    no newline (``^/(?P<path>.*)$``). Such a path goes straight to that API's router with the
    scope Starlette's Mount would give it; any other path or set of mounts takes the general scan."""

    async def app(self, scope: Any, receive: Any, send: Any) -> None:
        routes, path = self.routes, scope.get("path", "")
        if len(routes) == 1 and type(routes[0]) is Mount and routes[0].path == "" and scope["type"] == "http" \
                and not scope.get("root_path") and path[:1] == "/" and "\n" not in path:
            mount = routes[0]
            scope.setdefault("router", self)
            scope["route"] = mount
            scope.update(path_params=dict(scope.get("path_params", {})), app_root_path=scope.get("app_root_path", ""),
                         root_path="", endpoint=mount.app)
            await mount.app(scope, receive, send)
            return
        await super().app(scope, receive, send)


class _IndexedRoutingMiddleware(RoutingMiddleware):
    """connexion's routing middleware with each API's route table indexed (:class:`_IndexedRouter`)
    and its lone API mounted without a scan (:class:`_RootMountRouter`)."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.router = _RootMountRouter(default=self.router.default)

    def add_api(self, specification: Any, base_path: str | None = None, arguments: dict | None = None,
                **kwargs: Any) -> None:
        # connexion's RoutingMiddleware.add_api with the indexed API.
        api = _IndexedRoutingAPI(specification, base_path=base_path, arguments=arguments, next_app=self.app, **kwargs)
        for route in self.router.routes:
            if isinstance(route, Mount) and route.path == api.base_path:
                route.app.default = api.router
        self.router.mount(api.base_path, app=api.router)


class SchemasOnceURIParser(OpenAPIURIParser):
    """connexion's URI parser with its parameter and form schema maps built once: they are
    properties that rebuild a dict of every parameter on each access, two or three times per
    query parameter of every request. Both depend only on the definitions it was made with."""

    @functools.cached_property
    def param_schemas(self) -> dict[str, Any]:  # type: ignore[override]
        return super().param_schemas

    @functools.cached_property
    def form_defns(self) -> dict[str, Any]:  # type: ignore[override]
        return super().form_defns


def lean_middlewares(app: MockApp, *, validate_responses: bool) -> None:
    """Swap connexion's request validation, spec-serving and routing middlewares for the lean ones
    above, and leave out the two that would only pass requests on: response validation when it
    is off (its operations are then the next app itself) and the lifespan middleware when the
    app has no lifespan handler. Called once every middleware is in place (the others are
    positioned relative to connexion's classes)."""
    middlewares = app.middleware.middlewares
    for general, lean in ((RequestValidationMiddleware, _ValidateOnceMiddleware), (SwaggerUIMiddleware, _SpecWhereServed),
                          (RoutingMiddleware, _IndexedRoutingMiddleware)):
        middlewares[middlewares.index(general)] = lean
    if not validate_responses:
        middlewares.remove(ResponseValidationMiddleware)
    if app.middleware.lifespan is None:
        middlewares.remove(LifespanMiddleware)


_SPEC_PATCH = threading.Lock()


@contextlib.contextmanager
def meta_schema_checked_by_tests() -> Iterator[None]:
    """connexion checks a spec against the OpenAPI meta-schema in every ``add_api``: 70% of the
    mock's start-up, and of every test's app. The curated spec is checked by tests/test_spec.py
    (openapi-spec-validator), so the mock skips it; other connexion apps keep it."""
    with _SPEC_PATCH:
        OpenAPISpecification._validate_spec = classmethod(lambda cls, spec: None)  # type: ignore[method-assign]
        try:
            yield
        finally:
            del OpenAPISpecification._validate_spec  # back to connexion's inherited check
