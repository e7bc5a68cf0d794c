"""Keeping the pools current as answers come in: what a case created joins them, what it deleted
leaves (so later cases are steered to ids that still exist)."""

from __future__ import annotations

import contextlib
from typing import Any

from .context import READ_METHODS, RunContext

#: Paths under which a write can delete, unbind or re-key the developer key the suite itself uses.
CREDENTIAL_PATHS = ("lti_registrations", "developer_key", "tool_configuration", "external_tools")


def revokes_credentials(op: dict[str, Any]) -> bool:
    """On the mock, such operations are followed by a reset, after every successful case."""
    return op["method"] not in READ_METHODS and any(part in op["path"] for part in CREDENTIAL_PATHS)


def track(ctx: RunContext, operation_id: str, case: Any, response: Any) -> None:
    """Line items on any target; on the mock also resource links and subscriptions (external
    tools and registrations are reset after every write instead)."""
    if not 200 <= response.status_code < 300:
        return
    params = case.path_parameters or {}
    with contextlib.suppress(Exception):
        if operation_id == "createLineItem" and response.status_code == 201:
            ctx.own(response.json().get("id"))
        elif operation_id == "deleteLineItem" and response.status_code == 204:
            # It stays in ``created``: clean-up tolerates 404.
            ctx.pools.forget_line_item(params.get("line_item_id"))
        if not ctx.target.is_mock:
            return
        if operation_id == "createLtiResourceLink":
            ctx.pools.add_link(response.json())
        elif operation_id == "deleteLtiResourceLink":
            ctx.pools.forget_link(params.get("id"))
        elif operation_id == "createDataServiceSubscription" and response.json().get("Id"):
            ctx.pools.subscriptions.append(str(response.json()["Id"]))
        elif operation_id == "deleteDataServiceSubscription":
            ctx.pools.forget_subscription(params.get("subscription_id"))
