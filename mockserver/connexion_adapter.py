"""Everything this project uses of connexion below its public API, in one place.

The mock needs three things connexion does not offer publicly: its own request validators (to
answer in Canvas's error shapes), handlers decorated once instead of on every request, and a
middleware stack without connexion's security middleware (Canvas's filter chain replaces it).
Those reach into connexion's internals, which change between minor versions, so this module
checks the installed version first and refuses any other than the one the suite was run with.
"""

from __future__ import annotations

import functools
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
from connexion.json_schema import Draft4RequestValidator  # noqa: E402
from connexion.middleware.security import SecurityMiddleware  # noqa: E402
from connexion.utils import is_null, is_nullable  # noqa: E402
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
    "is_null",
    "is_nullable",
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
    @functools.cached_property
    def fn(self) -> Any:  # type: ignore[override]
        return _OnceDecorator(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)


class _Api(AsyncApi):
    def make_operation(self, operation: Any) -> AsyncOperation:
        return _DecorateOnce.from_operation(operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)


class _ASGIApp(AsyncASGIApp):
    api_cls = _Api


class MockApp(connexion.AsyncApp):
    """connexion's AsyncApp with handlers decorated once (see :class:`_DecorateOnce`)."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        super().__init__(import_name, **kwargs)
        self._middleware_app = _ASGIApp()
        self.middleware.app = self._middleware_app  # before any add_api: the stack is built lazily
