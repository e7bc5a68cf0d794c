"""Steering: generated cases are pointed at the sandbox (its course, the run's line items, known
tools, links and registrations) unless the very parameter is the one being negated.

Without it nearly every generated id would name nothing and the operation would only ever be
seen answering 404. Every draw has the same shape whatever the pools hold (see :func:`choose`),
so a seed replays exactly.
"""

from __future__ import annotations

from typing import Any

import hypothesis
import hypothesis.strategies as st
from schemathesis import GenerationMode
from schemathesis.generation.meta import negated_parameters

from .auth import ASSERTION_TYPE, client_assertion
from .context import READ_METHODS, RunContext, utc_now
from .scopes import AGS_LINEITEM

#: LTI Registrations answer only on a root account (a sub-account is 404).
REGISTRATION_PATH = "/lti_registrations"
#: Steering draws an index in ``0..POOL_INDEX_MAX`` and takes it modulo the pool's size.
POOL_INDEX_MAX = 1023
#: A negative case that mutates only the path of an operation with a body is kept one time in
#: this many: a mangled course id is one 404 to see, but at the default profile's few examples
#: such cases could take the whole negative budget and leave the body, where validation lives,
#: never mutated (an unvalidated body would pass). Rejected draws send nothing.
PATH_ONLY_NEGATION_KEPT = 4


def choose(data: Any, pool: list[Any], label: str) -> Any:
    """An element of ``pool`` (None if empty), always with one draw of the same shape: the pools
    change during a run (items are created and deleted), and Hypothesis insists that the same
    choices draw the same way when it replays or shrinks (FlakyStrategyDefinition otherwise)."""
    index = data.draw(st.integers(min_value=0, max_value=POOL_INDEX_MAX), label=label)
    return pool[index % len(pool)] if pool else None


def steer(ctx: RunContext, op: dict[str, Any], case: Any, mode: GenerationMode, data: Any) -> bool:
    """Point the case at the sandbox; False drops it (it could only be refused by policy)."""
    located = set(negated_parameters(case.meta))
    negated = {name for name, _location in located}
    path_only = mode == GenerationMode.NEGATIVE and located and all(_in_path(loc) for _, loc in located)
    if path_only and case.operation.body and data.draw(
            st.integers(min_value=0, max_value=PATH_ONLY_NEGATION_KEPT - 1), label="keep path-only negation"):
        hypothesis.reject()
    params = case.path_parameters if case.path_parameters is not None else {}
    writes = op["method"] not in READ_METHODS
    strict = writes and not ctx.target.is_mock  # the gate would refuse anything else
    if strict and negated & set(params):
        return False
    sandbox, pools = ctx.target.sandbox, ctx.pools
    if "course_id" in params and "course_id" not in negated:
        params["course_id"] = ctx.course
    if "line_item_id" in params and "line_item_id" not in negated:
        pool = [i for i in pools.line_items if i in ctx.target.gate.owned] if writes else pools.line_items
        if pool:
            params["line_item_id"] = data.draw(st.sampled_from(pool), label="line_item_id")
        elif strict:
            return False
    if "result_id" in params and "result_id" not in negated and pools.results:
        params["result_id"] = data.draw(st.sampled_from(pools.results), label="result_id")
    if "account_id" in params and "account_id" not in negated and sandbox.account_id:
        params["account_id"] = sandbox.account_for(op["path"])
    if "group_id" in params and "group_id" not in negated:
        params["group_id"] = choose(data, sandbox.group_ids, "group_id") or params["group_id"]
    if not writes or ctx.target.is_mock:
        # Discovered REST and account-level ids are not the run's own: on a real Canvas they are
        # only read (the gate refuses writes outside the sandbox course's line items anyway).
        steer_discovered(ctx, op["path"], params, negated, data)
    body = case.body if isinstance(case.body, dict) else None
    if mode == GenerationMode.POSITIVE and body is not None:
        steer_body(ctx, op["operationId"], body, data)
    return True


def _in_path(location: Any) -> bool:
    return str(getattr(location, "value", location)) == "path"


def steer_body(ctx: RunContext, operation_id: str, body: dict[str, Any], data: Any) -> None:
    """Positive bodies that would otherwise never succeed: an enrolled ``userId`` and a current
    timestamp for scores, no unknown resource link for line items, a real assertion for tokens."""
    students = ctx.target.sandbox.student_ids
    if operation_id == "createScore":
        if students and data.draw(st.booleans(), label="enrolled userId"):
            body["userId"] = data.draw(st.sampled_from(students), label="userId")
        if data.draw(st.booleans(), label="current timestamp"):
            body["timestamp"] = utc_now()
    if operation_id == "createLineItem" and data.draw(st.booleans(), label="drop resourceLinkId"):
        body.pop("resourceLinkId", None)
    if operation_id == "createAccessToken" and data.draw(st.booleans(), label="valid assertion"):
        body.update(token_form(ctx, data))


def steer_discovered(ctx: RunContext, path: str, params: dict[str, Any], negated: set[str], data: Any) -> None:
    """External tools, resource links, registrations, developer keys, deployments and
    subscriptions: the matching path parameters get known ids (unless negated)."""
    pools, sandbox = ctx.pools, ctx.target.sandbox

    def pick(name: str, pool: list[Any]) -> None:
        if name in params and name not in negated:
            chosen = choose(data, pool, name)
            if chosen is not None:
                params[name] = chosen

    if REGISTRATION_PATH in path or "/lti_registration_by_client_id/" in path:
        root = sandbox.root
        if "account_id" in params and "account_id" not in negated and root:
            params["account_id"] = root
        if "registration_id" in params and "deployment_id" in params:
            free = {"registration_id", "deployment_id"} - negated
            pair = choose(data, pools.deployments, "deployment") if free else None
            if pair is not None:
                if "registration_id" in free:
                    params["registration_id"] = pair[0]
                if "deployment_id" in free:
                    params["deployment_id"] = pair[1]
        pick("id", pools.registrations)
        pick("client_id", pools.developer_keys)
    elif "/lti_resource_links/" in path and "id" in params and "id" not in negated:
        forms = choose(data, pools.resource_links, "resource link")
        form = choose(data, list(forms or ()), "id form")
        if form is not None:
            params["id"] = form
    elif "/external_tools/" in path:
        if path.startswith("/api/lti/accounts/"):
            pick("external_tool_id", pools.lti_account_tools)
        elif path.startswith("/api/v1/accounts/"):
            pick("external_tool_id", pools.account_tools)
        elif path.startswith("/api/v1/courses/"):
            pick("external_tool_id", pools.course_tools)
    pick("developer_key_id", pools.developer_keys)
    pick("subscription_id", pools.subscriptions)


def token_form(ctx: RunContext, data: Any) -> dict[str, str]:
    """A genuine client-credentials form for some of the tool's scopes."""
    granted = sorted(ctx.tokens.creds.scopes) or [AGS_LINEITEM]
    scopes = data.draw(st.lists(st.sampled_from(granted), min_size=1, unique=True), label="scopes")
    return {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": client_assertion(ctx.tokens.creds), "scope": " ".join(scopes)}
