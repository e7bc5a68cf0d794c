"""One module per API area; each exports ``OPERATIONS``: operationId -> handler.

A handler is ``async (ctx: RequestContext, **params) -> Response``: it parses what it needs,
asks the world, and serializes. The registry below is what the app's resolver serves and what
the spec/handler coverage test compares with the spec.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

from .. import control, ui
from ..demo_tool import handlers as demo_tool
from . import (
    deep_linking,
    dynamic_registration,
    launch,
    launch_records,
    line_items,
    names_and_roles,
    results,
    scenario,
    scores,
    security,
)
from .rest_apis import REST_OPERATIONS  # REST APIs around LTI (issue 4)

Handler = Callable[..., Awaitable[Response]]

HANDLERS: dict[str, Handler] = {}
for _module in (security, line_items, scores, results, names_and_roles, control, scenario, launch, launch_records,
                deep_linking, dynamic_registration, ui, demo_tool):
    _duplicates = HANDLERS.keys() & _module.OPERATIONS.keys()
    if _duplicates:
        raise RuntimeError(f"operationIds handled twice: {sorted(_duplicates)}")
    HANDLERS.update(_module.OPERATIONS)
for _operations in REST_OPERATIONS:  # REST APIs around LTI (issue 4)
    _duplicates = HANDLERS.keys() & _operations.keys()
    if _duplicates:
        raise RuntimeError(f"operationIds handled twice: {sorted(_duplicates)}")
    HANDLERS.update(_operations)

__all__: list[Any] = ["HANDLERS", "Handler"]
