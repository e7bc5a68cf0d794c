"""Discovery: fill the run's pools with ids the sandbox already holds (GETs only, plus one
fixture line item with a score where writes are allowed)."""

from __future__ import annotations

import copy
from typing import Any

from . import fixtures
from .context import RunContext
from .pools import Pools, ids, last_id
from .scopes import (
    ACCOUNT_LOOKUP,
    ACCOUNT_TOOLS_LIST,
    AGS_LINEITEM_RO,
    AGS_RESULT,
    DATA_SERVICES_LIST,
    LEARNER,
    NRPS,
)


def discover(ctx: RunContext) -> None:
    """Every pool, in order: line items, students, the fixture, results, account services, REST."""
    with ctx.tolerant("discovery"):
        response = ctx.target.request("GET", f"/api/lti/courses/{ctx.course}/line_items",
                                      params={"per_page": 100}, headers=ctx.bearer(AGS_LINEITEM_RO))
        if response.status_code == 200:
            ctx.pools.line_items += [i for i in (last_id(li.get("id")) for li in response.json()) if i]
    sandbox = ctx.target.sandbox
    if not sandbox.student_ids:
        with ctx.tolerant("student discovery"):
            response = ctx.target.request("GET", f"/api/lti/courses/{ctx.course}/names_and_roles",
                                          headers=ctx.bearer(NRPS))
            if response.status_code == 200:
                sandbox.student_ids = [m["user_id"] for m in response.json().get("members", [])
                                       if LEARNER in m.get("roles", [])]
    scored_fixture(ctx)
    with ctx.tolerant("result discovery"):
        for item in ctx.pools.line_items[:5]:
            response = ctx.target.request("GET", f"/api/lti/courses/{ctx.course}/line_items/{item}/results",
                                          headers=ctx.bearer(AGS_RESULT))
            if response.status_code == 200:
                ctx.pools.results += [i for i in (last_id(r.get("id")) for r in response.json()) if i]
    discover_account_services(ctx)  # first: it finds the root account registrations live in
    discover_rest(ctx)
    if ctx.baseline is None:
        ctx.baseline = copy.deepcopy(ctx.pools)


def reset_mock(ctx: RunContext) -> None:
    """The mock only: back to its fixtures. Those hold the same ids after every reset, so the pools
    go back to what the first discovery found (less the run's own line items), and the fixture line
    item is made again: a reset costs a few requests, not a discovery."""
    with ctx.tolerant("mock reset"):
        ctx.target.request("POST", "/__mock__/reset")
    owned = set(ctx.target.gate.owned)
    ctx.target.gate.owned.clear()
    ctx.created.clear()
    if ctx.baseline is None:
        ctx.pools = Pools()
        discover(ctx)
        return
    ctx.pools = copy.deepcopy(ctx.baseline)
    ctx.pools.line_items = [i for i in ctx.pools.line_items if i not in owned]
    scored_fixture(ctx)


def scored_fixture(ctx: RunContext) -> None:
    """Where writes are allowed: one line item of the run's own, with a score for a student."""
    if not ctx.may_write():
        return
    with ctx.tolerant("fixture creation"):
        item = fixtures.create_line_item(ctx)
        if item is not None and ctx.target.sandbox.student_ids:
            fixtures.post_score(ctx, item, ctx.target.sandbox.student_ids[0], 5)


def _get(ctx: RunContext, what: str, path: str, headers: dict[str, str], **params: Any) -> Any:
    """The JSON body of a successful GET (None otherwise); failures become notes."""
    with ctx.tolerant(what):
        response = ctx.target.request("GET", path, params=params or None, headers=headers)
        if response.status_code == 200:
            return response.json()
    return None


def discover_rest(ctx: RunContext) -> None:
    """External tools, resource links and registrations, read with the Canvas API token."""
    headers, pools, sandbox, course = ctx.api_headers(), ctx.pools, ctx.target.sandbox, ctx.course
    if headers is None:
        return
    tools = _get(ctx, "course tool discovery", f"/api/v1/courses/{course}/external_tools", headers, per_page=100)
    pools.course_tools = ids(tools)
    reachable = _get(ctx, "tool discovery", f"/api/v1/courses/{course}/external_tools", headers,
                     per_page=100, include_parents="true")
    reachable = reachable if isinstance(reachable, list) else []
    pools.tool_urls += [t["url"] for t in reachable
                        if isinstance(t, dict) and t.get("developer_key_id") and isinstance(t.get("url"), str)]
    account_tools = None
    if sandbox.account_id:
        account_tools = _get(ctx, "account tool discovery", f"/api/v1/accounts/{sandbox.account_id}/external_tools",
                             headers, per_page=100)
        pools.account_tools = ids(account_tools)
    links = _get(ctx, "resource link discovery", f"/api/v1/courses/{course}/lti_resource_links", headers, per_page=100)
    for link in links if isinstance(links, list) else []:
        pools.add_link(link)
    root = sandbox.root
    if root:
        listed = _get(ctx, "registration discovery", f"/api/v1/accounts/{root}/lti_registrations", headers, per_page=100)
        registrations = listed.get("data", []) if isinstance(listed, dict) else []
        pools.registrations = ids(registrations)
        pools.developer_keys = [str(r["developer_key_id"]) for r in registrations
                                if isinstance(r, dict) and r.get("developer_key_id")]
        by_key = {str(r.get("developer_key_id")): r["id"] for r in registrations
                  if isinstance(r, dict) and isinstance(r.get("id"), int)}
        for tool in [*reachable, *(account_tools if isinstance(account_tools, list) else [])]:
            if not isinstance(tool, dict):
                continue
            pair = (by_key.get(str(tool.get("developer_key_id"))), tool.get("id"))
            if isinstance(pair[0], int) and isinstance(pair[1], int) and pair not in pools.deployments:
                pools.deployments.append((pair[0], pair[1]))


def discover_account_services(ctx: RunContext) -> None:
    """Account-level LTI services (the tool's own LTI tokens): root account, tools, subscriptions."""
    sandbox, pools = ctx.target.sandbox, ctx.pools
    if not sandbox.account_id:
        return
    base = f"/api/lti/accounts/{sandbox.account_id}"
    if sandbox.root_account_id is None and ctx.granted(ACCOUNT_LOOKUP):
        account = _get(ctx, "account lookup", base, ctx.bearer(ACCOUNT_LOOKUP))
        if isinstance(account, dict):
            root = account.get("root_account_id")
            sandbox.root_account_id = root if isinstance(root, int) else sandbox.account_id
    if ctx.granted(ACCOUNT_TOOLS_LIST):
        pools.lti_account_tools = ids(_get(ctx, "LTI account tool discovery", f"{base}/external_tools",
                                           ctx.bearer(ACCOUNT_TOOLS_LIST), per_page=100))
    if ctx.granted(DATA_SERVICES_LIST):
        subscriptions = _get(ctx, "subscription discovery", f"/api/lti/accounts/{sandbox.root}/data_services",
                             ctx.bearer(DATA_SERVICES_LIST))
        pools.subscriptions = [str(s["Id"]) for s in subscriptions or [] if isinstance(s, dict) and s.get("Id")]
