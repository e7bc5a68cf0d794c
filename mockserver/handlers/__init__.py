"""One module per API area; each exports ``OPERATIONS``: operationId -> handler.

A handler is ``async (ctx: RequestContext, **params) -> Response``: it parses what it needs,
asks the world, and serializes. The registry below is what the app's resolver serves and what
the spec/handler coverage test compares with the spec.

The console, the demo tool, launches (sessionless launch pages too), deep linking and dynamic registration are imported on their
first request, not when an app is built: no REST or LTI service request needs them, and with what
only they import they were a quarter of the modules ``canvas-lti mock`` loaded (start-up,
``python -m bench.startup``). Their operations
are listed in :data:`DEFERRED` for that; tests/test_startup_imports.py holds each list to its
module's ``OPERATIONS``.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

from .. import control
from . import line_items, names_and_roles, results, scenario, scores, security
from .rest_apis import REST_OPERATIONS  # REST APIs around LTI (issue 4)

Handler = Callable[..., Awaitable[Response]]

#: Modules imported when one of their operations is first requested -> those operations.
DEFERRED: dict[str, tuple[str, ...]] = {
    "mockserver.ui.pages": (
        "getMockLaunchPage", "getMockConsoleHome", "getMockConsoleCourse", "getMockConsoleGradebook",
        "getMockConsoleRoster", "getMockConsoleRequests", "getMockConsoleScenario", "getMockConsoleLaunches",
        "getMockConsoleLaunch", "getMockConsoleLaunchStatus", "getMockConsoleStatic", "getMockConsoleNotFound",
        "getMockConsoleTools", "getMockConsoleTool"),
    "mockserver.demo_tool.handlers": (
        "getDemoToolHome", "getDemoToolJwks", "demoToolLogin", "demoToolLoginPost", "demoToolLaunch", "demoToolScore",
        "demoToolDeepLink", "demoToolRegister", "demoToolAddRegistration"),
    "mockserver.handlers.launch": (
        "startMockLaunch", "rotateMockKeys", "signMockIdToken", "authorizeRedirect", "authorizeRedirectPost",
        "authorizeLaunch", "authorizeLaunchPost"),
    "mockserver.handlers.launch_records": ("listMockLaunches", "getMockLaunch", "deliverMockLaunch"),
    "mockserver.handlers.deep_linking": ("deepLinkingResponse",),
    "mockserver.handlers.dynamic_registration": ("getRegistrationToken", "createRegistration"),
    "mockserver.handlers.sessionless": ("launchCourseExternalTool", "retrieveCourseExternalTool", "launchCourseAssignment"),
}


def deferred(module: str, operation_id: str) -> Handler:
    """The handler of ``operation_id`` in ``module``, which is imported on the first call."""

    @functools.cache
    def real() -> Handler:
        return importlib.import_module(module).OPERATIONS[operation_id]  # type: ignore[no-any-return]

    async def handler(ctx: Any, **params: Any) -> Response:
        return await real()(ctx, **params)

    handler.__name__ = handler.__qualname__ = operation_id
    return handler


HANDLERS: dict[str, Handler] = {}
for _operations in (security.OPERATIONS, line_items.OPERATIONS, scores.OPERATIONS, results.OPERATIONS,
                    names_and_roles.OPERATIONS, control.OPERATIONS, scenario.OPERATIONS, *REST_OPERATIONS,
                    *({op: deferred(module, op) for op in ops} for module, ops in DEFERRED.items())):
    _duplicates = HANDLERS.keys() & _operations.keys()
    if _duplicates:
        raise RuntimeError(f"operationIds handled twice: {sorted(_duplicates)}")
    HANDLERS.update(_operations)

__all__: list[Any] = ["DEFERRED", "HANDLERS", "Handler", "deferred"]
