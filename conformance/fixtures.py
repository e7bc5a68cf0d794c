"""What the run creates for itself, and deletes again at the end.

On a real Canvas only line items are created (in the sandbox course, registered before use so
that clean-up finds them even after a failure); on the mock, resource links and data-service
subscriptions too, so that operations reading, changing or deleting one have something to act on.
"""

from __future__ import annotations

from typing import Any

from .context import RunContext, utc_now
from .scopes import AGS_LINEITEM, AGS_SCORE, DATA_SERVICES_CREATE, LINE_ITEM_TYPE, SCORE_TYPE

FIXTURE_LABEL = "canvas-lti conform fixture"


def create_line_item(ctx: RunContext, label: str = FIXTURE_LABEL) -> int | None:
    """A line item owned by this run (registered for clean-up before it is even used)."""
    response = ctx.target.request(
        "POST", f"/api/lti/courses/{ctx.course}/line_items",
        json={"label": label, "scoreMaximum": 10, "tag": "canvas-lti-conform"},
        headers={**ctx.bearer(AGS_LINEITEM), "Content-Type": LINE_ITEM_TYPE})
    if response.status_code != 201:
        ctx.result.notes.append(f"could not create a fixture line item: {response.status_code} {response.text[:200]}")
        return None
    return ctx.own(response.json().get("id"))


def post_score(ctx: RunContext, item: int, user_id: str, given: float, when: str | None = None) -> Any:
    body = {"userId": user_id, "scoreGiven": given, "scoreMaximum": 10, "activityProgress": "Completed",
            "gradingProgress": "FullyGraded", "timestamp": when or utc_now()}
    return ctx.target.request("POST", f"/api/lti/courses/{ctx.course}/line_items/{item}/scores", json=body,
                              headers={**ctx.bearer(AGS_SCORE), "Content-Type": SCORE_TYPE})


def ensure_line_items(ctx: RunContext, count: int) -> None:
    """At least ``count`` line items of the run's own to write to."""
    owned = [i for i in ctx.pools.line_items if i in ctx.target.gate.owned]
    for _ in range(count - len(owned)):
        with ctx.tolerant("fixture creation"):
            create_line_item(ctx)


def create_subscription(ctx: RunContext) -> None:
    account = ctx.target.sandbox.root
    body = {"subscription": {"ContextId": str(account), "ContextType": "account", "EventTypes": ["asset_accessed"],
                             "Format": "live-event", "TransportType": "https",
                             "TransportMetadata": {"Url": "https://example.com/live-events"}}}
    response = ctx.target.request("POST", f"/api/lti/accounts/{account}/data_services", json=body,
                                  headers=ctx.bearer(DATA_SERVICES_CREATE))
    if response.status_code == 200 and response.json().get("Id"):
        ctx.pools.subscriptions.append(str(response.json()["Id"]))


def ensure_rest_fixtures(ctx: RunContext, op: dict[str, Any]) -> None:
    """On the mock only: rich-content resource links and data-service subscriptions for the
    operations that read, change or delete one (nothing pre-exists of the latter)."""
    if not ctx.target.is_mock or not ctx.may_write():
        return
    wanted = 3 if op["method"] == "DELETE" else 1
    if "{subscription_id}" in op["path"] and ctx.granted(DATA_SERVICES_CREATE):
        for _ in range(wanted - len(ctx.pools.subscriptions)):
            with ctx.tolerant("subscription fixture"):
                create_subscription(ctx)
    if "/lti_resource_links/{id}" in op["path"] and ctx.pools.tool_urls and ctx.target.api_token:
        for _ in range(wanted - len(ctx.pools.resource_links)):
            with ctx.tolerant("resource link fixture"):
                response = ctx.target.request(
                    "POST", f"/api/v1/courses/{ctx.course}/lti_resource_links",
                    json={"url": ctx.pools.tool_urls[0], "title": FIXTURE_LABEL}, headers=ctx.api_headers())
                if response.status_code == 201:
                    ctx.pools.add_link(response.json())


def cleanup(ctx: RunContext) -> None:
    """Delete every line item this run created (budgets do not apply)."""
    ctx.target.gate.cleanup_mode()
    leftovers = []
    for item in list(ctx.created):
        try:
            response = ctx.target.request("DELETE", f"/api/lti/courses/{ctx.course}/line_items/{item}",
                                          headers=ctx.bearer(AGS_LINEITEM))
            if response.status_code not in (204, 404):
                leftovers.append(f"{item} ({response.status_code})")
        except Exception as exc:
            leftovers.append(f"{item} ({type(exc).__name__}: {exc})")
    if leftovers:
        ctx.result.notes.append("could not delete line items created by the run: " + ", ".join(leftovers))
    elif ctx.created:
        ctx.result.notes.append(f"deleted the {len(ctx.created)} line item(s) the run created")
    ctx.created.clear()
