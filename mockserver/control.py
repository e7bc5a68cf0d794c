"""``/__mock__/`` control endpoints: configuration for tools, reset, state dump and load; and ``/``,
which points a person who opens the mock's bare URL to them."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from . import scenario
from .canvas.errors import api_error, json_response
from .context import RequestContext
from .world import Tool, World, opaque_id


def deployment_id(world: World, tool_id: int) -> str:
    """``<tool id>:<opaque id of the tool's context>`` (§8.4)."""
    tool = world.tools[tool_id]
    kind = "course" if tool.context_type == "Course" else "account"
    return f"{tool.id}:{opaque_id(kind, tool.context_id)}"


def _root_of(world: World, tool: Tool) -> int:
    account_id = world.courses[tool.context_id].account_id if tool.context_type == "Course" else tool.context_id
    return world.root_account_id(account_id)


async def get_mock_config(ctx: RequestContext, **_: Any) -> Response:
    world, base = ctx.world, ctx.base_url
    with world.lock:
        tools = []
        for key in world.developer_keys.values():
            installs = [t for t in world.tools.values() if t.developer_key_id == key.id and t.workflow_state == "active"]
            first = installs[0] if installs else None
            tools.append({
                "name": key.name,
                "client_id": key.id,
                "deployment_id": deployment_id(world, first.id) if first else "",
                "deployment_ids": [deployment_id(world, t.id) for t in installs],
                "tool_id": first.id if first else None,
                "installed_in": {"type": first.context_type, "id": first.context_id} if first else {},
                "kid": key.kid,
                "private_key_pem": key.private_key_pem or "",
                "scopes": list(key.scopes),
                "binding": key.bindings.get(str(_root_of(world, first)), "off") if first else "off",
                "workflow_state": key.workflow_state,
            })
        body = {
            "base_url": base,
            "issuer": world.issuer,
            "token_url": f"{base}/login/oauth2/token",
            "jwks_url": f"{base}/api/lti/security/jwks",
            "authorize_url": f"{base}/api/lti/authorize_redirect",
            "openid_configuration_url": f"{base}/api/lti/security/openid-configuration",
            "tools": tools,
            "api_tokens": [{"token": t.token, "user_id": t.user_id} for t in world.api_tokens.values()],
            "courses": [
                {"id": c.id, "name": c.name, "account_id": c.account_id, "workflow_state": c.workflow_state,
                 "lti_context_id": c.lti_context_id}
                for c in world.courses.values()
            ],
            "users": [
                {"id": u.id, "name": u.name, "lti_id": u.lti_id,
                 "enrollments": [{"course_id": e.course_id, "type": e.type, "state": e.state}
                                 for e in world.enrollments.values() if e.user_id == u.id]}
                for u in world.users.values()
            ],
            "groups": [{"id": g.id, "course_id": g.course_id, "name": g.name} for g in world.groups.values()],
        }
    return json_response(body)


async def reset_mock(ctx: RequestContext, **_: Any) -> Response:
    ctx.state.reset()
    return Response(status_code=204)


async def get_mock_state(ctx: RequestContext, journal: bool = False, **_: Any) -> Response:
    if journal:  # settle the entries in a worker thread (see ``list_requests``); the dump then only copies them
        await run_in_threadpool(ctx.state.journal.entries)
    return json_response({**ctx.world.snapshot(), scenario.DUMP_KEY: scenario.dump(ctx.state, journal=journal)})


async def put_mock_state(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    try:
        loaded = World.from_snapshot(body)
        if isinstance(body, dict) and scenario.DUMP_KEY in body:
            scenario.load(ctx.state, body[scenario.DUMP_KEY])
    except ValueError as exc:
        raise api_error(400, f"Invalid state dump: {exc}") from None
    ctx.world.replace_with(loaded)
    return Response(status_code=204)


#: What ``GET /`` answers besides its redirect, for a client that does not follow redirects.
ROOT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Canvas LTI mock</title></head>
<body><h1>Canvas LTI mock</h1>
<p>This is a mock of Canvas LMS's LTI 1.3 APIs. The web console is at <a href="/__mock__/ui/">/__mock__/ui/</a>;
what a tool needs (client ids, TEST-ONLY keys, URLs, ids) is at <a href="/__mock__/config">/__mock__/config</a>.</p>
</body></html>
"""


async def get_mock_root(ctx: RequestContext, **_: Any) -> Response:
    """``GET /``: Canvas shows its dashboard there; the mock sends the browser to its console."""
    return Response(ROOT_PAGE, status_code=302, media_type="text/html",
                    headers={"Location": "/__mock__/ui/", "Cache-Control": "no-store"})


OPERATIONS = {
    "getMockRoot": get_mock_root,
    "getMockConfig": get_mock_config,
    "resetMock": reset_mock,
    "getMockState": get_mock_state,
    "putMockState": put_mock_state,
}
