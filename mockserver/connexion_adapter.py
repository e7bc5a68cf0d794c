"""Everything this project uses of connexion below its public API, in one place.

The mock needs what connexion does not offer publicly: its own request validators (to answer in
Canvas's error shapes), handler arguments planned once instead of decorated on every request
(``arguments.py``), a middleware stack without connexion's security middleware (Canvas's filter
chain replaces it), and no meta-schema check of the curated spec on every app.
Those reach into connexion's internals, which change between minor versions, so this module
checks the installed version first and refuses any other than the one the suite was run with.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any

#: The connexion versions the test suite was run against (keep in step with pyproject.toml).
TESTED = ((3, 3), (3, 4))  # >= 3.3, < 3.4


class UnsupportedConnexionError(ImportError):
    """The installed connexion is not the version this adapter was written and tested for."""


def check_version(installed: str) -> None:
    """Raise :class:`UnsupportedConnexionError` unless ``installed`` is in :data:`TESTED`."""
    try:
        major_minor = tuple(int(part) for part in installed.split(".")[:2])
    except ValueError:
        major_minor = ()
    low, high = TESTED
    if not (low <= major_minor < high):
        raise UnsupportedConnexionError(
            f"canvas-lti-contract extends connexion's internals and is tested with connexion "
            f">={'.'.join(map(str, low))},<{'.'.join(map(str, high))}; connexion {installed} is installed. "
            f"Install a tested version: pip install 'connexion[uvicorn]>={'.'.join(map(str, low))},"
            f"<{'.'.join(map(str, high))}'"
        )


try:
    check_version(version("connexion"))
except PackageNotFoundError:  # pragma: no cover - connexion is a hard dependency
    raise UnsupportedConnexionError("connexion is not installed: pip install 'connexion[uvicorn]>=3.3,<3.4'") from None

import connexion  # noqa: E402
from connexion import context as connexion_context  # noqa: E402
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation  # noqa: E402
from connexion.datastructures import MediaTypeDict  # noqa: E402
from connexion.decorators import StarletteDecorator  # noqa: E402
from connexion.decorators.parameter import _get_typed_body_values as get_typed_body_values  # noqa: E402
from connexion.json_schema import Draft4RequestValidator  # noqa: E402
from connexion.middleware.security import SecurityMiddleware  # noqa: E402
from connexion.spec import OpenAPISpecification  # noqa: E402
from connexion.utils import is_null, is_nullable, make_type  # noqa: E402
from connexion.validators import (  # noqa: E402
    VALIDATOR_MAP,
    FormDataValidator,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
)
from connexion.validators.parameter import draft4_format_checker  # noqa: E402

__all__ = [
    "VALIDATOR_MAP",
    "Draft4RequestValidator",
    "FormDataValidator",
    "JSONRequestBodyValidator",
    "JSONResponseBodyValidator",
    "MediaTypeDict",
    "MockApp",
    "ParameterValidator",
    "UnsupportedConnexionError",
    "check_version",
    "draft4_format_checker",
    "get_typed_body_values",
    "is_null",
    "is_nullable",
    "make_type",
    "meta_schema_checked_by_tests",
    "middlewares_without_security",
]


def middlewares_without_security() -> list[Any]:
    """connexion's default middleware stack minus its security middleware."""
    return [m for m in connexion.ConnexionMiddleware.default_middlewares if m is not SecurityMiddleware]


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


class MockApp(connexion.AsyncApp):
    """connexion's AsyncApp with handler arguments planned once (see :class:`_DecorateOnce`)."""

    def __init__(self, import_name: str, *, lean_arguments: bool = True, **kwargs: Any) -> None:
        super().__init__(import_name, **kwargs)
        self._middleware_app = _ASGIApp()
        if not lean_arguments:
            self._middleware_app.api_cls = _GeneralApi
        self.middleware.app = self._middleware_app  # before any add_api: the stack is built lazily


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
