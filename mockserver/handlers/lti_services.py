"""The remaining ``/api/lti/`` endpoints around LTI (§6, §13.1): developer-key tool configurations
(Canvas API token), and the LTI-token services account external tools, account lookup, data
services subscriptions, public JWK update and AGS progress.

Everything acts on the shared world: a tool configuration is the key's registration
configuration, account external tools are ``world.tools`` rows, a public JWK update changes
the key the token endpoint verifies assertions with.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import Response

from ..auth.api_tokens import find_lti_account
from ..canvas.errors import CanvasError, api_error, empty, json_response, lti_error, not_found, simple_error
from ..canvas.ids import is_digits
from ..canvas.pagination import Page, int_param, link_header, page_size
from ..context import RequestContext
from ..world import Account, DeveloperKey, Registration, World
from .external_tools import api_auth, iso_now, read_params, tool_from_key, tool_json
from .registrations import from_legacy, legacy_configuration, sync_registrations

TOOLS_MEDIA = "application/vnd.canvas.contextexternaltools+json"
LOOKUP_MEDIA = "application/vnd.canvas.accountlookup+json"
DATA_MEDIA = "application/vnd.canvas.dataservices+json"
JWK_MEDIA = "application/vnd.ims.lis.v2.publicjwk+json"
JWK_FIELDS = ("kty", "e", "n", "kid", "alg", "use")
CONTEXT_TYPES = ("root_account", "account", "course")
EVENT_TYPES = (
    "asset_accessed", "assignment_created", "assignment_updated", "course_created", "course_updated",
    "discussion_topic_created", "enrollment_created", "enrollment_updated", "grade_change", "submission_created",
    "submission_updated", "user_created", "user_updated", "wiki_page_created",
)


def field_errors(field: str, message: str, status: int = 422) -> CanvasError:
    """``{"errors": [{"field", "message", "error_code"}]}`` of the tool configurations API."""
    return CanvasError(status, {"errors": [{"field": field, "message": message, "error_code": None}]})


# -- developer key tool configurations ----------------------------------------------------------

def developer_key_json(world: World, key: DeveloperKey, account: Account | None) -> dict[str, Any]:
    root = world.root_account_id(account.id) if account else 1
    return {
        "id": int(key.id), "name": key.name or None, "created_at": key.created_at, "workflow_state": key.workflow_state,
        "scopes": list(key.scopes), "require_scopes": True, "redirect_uris": "\n".join(key.redirect_uris),
        "public_jwk": key.public_jwk, "public_jwk_url": key.public_jwk_url, "oidc_initiation_url": key.oidc_initiation_url,
        "is_lti_key": True, "is_lti_registration": False, "visible": True,
        "account_name": account.name if account else None,
        "developer_key_account_binding": {
            "id": int(key.id), "account_id": root, "developer_key_id": int(key.id),
            "workflow_state": key.bindings.get(str(root), "off"), "account_owns_binding": True,
        },
    }


def _registration_of(world: World, key: DeveloperKey) -> Registration:
    sync_registrations(world)
    registration = next((r for r in world.registrations.values() if r.developer_key_id == key.id), None)
    if registration is None or registration.workflow_state != "active" or not registration.configuration:
        raise not_found()
    return registration


def tool_configuration_json(world: World, registration: Registration) -> dict[str, Any]:
    config = registration.configuration
    settings = legacy_configuration(config)
    return {
        "id": registration.id, "developer_key_id": int(registration.developer_key_id), "settings": settings,
        "privacy_level": config.get("privacy_level", "anonymous"),
        "disabled_placements": list(registration.overlay.get("disabled_placements", [])) or None,
        "created_at": registration.created_at, "updated_at": registration.updated_at,
    }


def _settings_problem(settings: Any) -> CanvasError | None:
    if not isinstance(settings, dict):
        return field_errors("configuration", "settings is missing or not an object")
    missing = [k for k in ("title", "target_link_uri", "oidc_initiation_url") if not settings.get(k)]
    if missing:
        return field_errors("configuration", f"The following fields are required: {', '.join(missing)}")
    jwk = settings.get("public_jwk")
    if jwk is not None and (not isinstance(jwk, dict) or any(k not in jwk for k in JWK_FIELDS)):
        return field_errors("configuration", f"The following fields are required: {', '.join(JWK_FIELDS)}")
    return None


def _configuration_from(params: dict[str, Any]) -> dict[str, Any]:
    tool_config = params.get("tool_configuration")
    if not isinstance(tool_config, dict):
        raise api_error(400, "tool_configuration is missing")
    settings = tool_config.get("settings")
    problem = _settings_problem(settings)
    if problem:
        raise problem
    config = from_legacy(settings)
    if tool_config.get("privacy_level"):
        config["privacy_level"] = tool_config["privacy_level"]
    custom = tool_config.get("custom_fields")
    if isinstance(custom, str):  # "a=b\nc=d", merged over the settings' custom fields
        for line in custom.splitlines():
            name, _, value = line.partition("=")
            if name.strip():
                config.setdefault("custom_fields", {})[name.strip()] = value.strip()
    return config


def _key_fields(params: dict[str, Any], key: DeveloperKey) -> None:
    fields = params.get("developer_key")
    if not isinstance(fields, dict):
        return
    if fields.get("name"):
        key.name = str(fields["name"])
    if isinstance(fields.get("scopes"), list):
        key.scopes = [str(s) for s in fields["scopes"]]
    if isinstance(fields.get("redirect_uris"), str):
        key.redirect_uris = [u.strip() for u in fields["redirect_uris"].splitlines() if u.strip()]
    if fields.get("public_jwk_url"):
        key.public_jwk_url = str(fields["public_jwk_url"])


async def create_tool_configuration(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """A new LTI developer key (binding off) with its configuration."""
    world, account = ctx.world, api_auth(ctx).account
    assert account is not None
    params = await read_params(ctx, body)
    fields = params.get("developer_key")
    if not isinstance(fields, dict):
        raise api_error(400, "developer_key is missing")
    if not fields.get("redirect_uris"):
        raise api_error(400, "redirect_uris is missing")
    config = _configuration_from(params)
    now = iso_now(ctx)
    with world.lock:
        sync_registrations(world)
        key_id = world.next_developer_key_id()
        key = DeveloperKey(id=key_id, name="", scopes=[], account_id=account.id,
                           oidc_initiation_url=config.get("oidc_initiation_url"), created_at=now,
                           public_jwk=config.get("public_jwk"), public_jwk_url=config.get("public_jwk_url"),
                           bindings={str(world.root_account_id(account.id)): "off"})
        _key_fields(params, key)
        if not key.public_jwk and not key.public_jwk_url:
            raise field_errors("lti_key", "developer key must have public jwk or public jwk url")
        if not config.get("scopes"):
            config["scopes"] = list(key.scopes)
        key.scopes = list(config.get("scopes") or key.scopes)
        registration = Registration(id=world.next_id("registrations"), developer_key_id=key_id, account_id=account.id,
                                    name=key.name or config.get("title", ""), configuration=config,
                                    created_at=now, updated_at=now,
                                    created_by=api_auth(ctx).user_id, binding_created_at=now, binding_updated_at=now)
        disabled = (params.get("tool_configuration") or {}).get("disabled_placements")
        if isinstance(disabled, list) and disabled:
            registration.overlay = {"disabled_placements": [str(p) for p in disabled]}
        world.developer_keys[key_id] = key
        world.registrations[registration.id] = registration
        return json_response({"tool_configuration": tool_configuration_json(world, registration),
                              "developer_key": developer_key_json(world, key, account)})


async def show_tool_configuration(ctx: RequestContext, **_: Any) -> Response:
    world, account = ctx.world, api_auth(ctx).account
    with world.lock:
        key = world.developer_keys.get(str(ctx.request.path_params.get("developer_key_id")))
        if key is None or key.workflow_state == "deleted":
            raise not_found()
        registration = _registration_of(world, key)
        return json_response({"tool_configuration": tool_configuration_json(world, registration),
                              "developer_key": developer_key_json(world, key, account)})


async def update_tool_configuration(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    auth, world = api_auth(ctx), ctx.world
    key = auth.developer_key
    assert key is not None
    params = await read_params(ctx, body)
    config = _configuration_from(params)
    with world.lock:
        registration = _registration_of(world, key)
        _key_fields(params, key)
        registration.configuration = config
        key.scopes = list(config.get("scopes", key.scopes))
        key.oidc_initiation_url = config.get("oidc_initiation_url") or key.oidc_initiation_url
        if config.get("public_jwk"):
            key.public_jwk = dict(config["public_jwk"])
        registration.updated_at = iso_now(ctx)
        return json_response({"tool_configuration": tool_configuration_json(world, registration),
                              "developer_key": developer_key_json(world, key, auth.account)})


async def delete_tool_configuration(ctx: RequestContext, **_: Any) -> Response:
    world, key = ctx.world, api_auth(ctx).developer_key
    assert key is not None
    with world.lock:
        registration = _registration_of(world, key)
        registration.configuration = {}
        registration.updated_at = iso_now(ctx)
    return Response(status_code=204)


# -- LTI-token services -------------------------------------------------------------------------

def _lti_account(ctx: RequestContext) -> Account:
    account = find_lti_account(ctx.world, str(ctx.request.path_params.get("account_id", "")))
    if account is None:
        raise not_found()
    return account


def _account_tools(world: World, account: Account) -> list[Any]:
    """``Lti::ContextToolFinder.all_tools_for(account)``: active tools of the account and above."""
    chain = [a.id for a in world.account_chain(account.id)]
    tools = [t for t in world.tools.values() if t.workflow_state == "active" and t.context_type == "Account" and t.context_id in chain]
    return sorted(tools, key=lambda t: (chain.index(t.context_id), t.id))


async def list_account_external_tools(ctx: RequestContext, **_: Any) -> Response:
    world, query = ctx.world, ctx.request.query_params
    with world.lock:
        account = _lti_account(ctx)
        tools = _account_tools(world, account)
        size = page_size(int_param(query.get("per_page")), 10, 100)
        page = Page(max(1, int_param(query.get("page")) or 1), size, len(tools))
        body = [tool_json(world, t) for t in tools[page.start:page.start + size]]
    link = link_header(f"{ctx.base_url}{ctx.path}", ctx.query, page)
    return json_response(body, media_type=TOOLS_MEDIA, headers={"Link": link})


async def create_account_external_tool(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """Install the tool of ``client_id``'s developer key in the account."""
    world = ctx.world
    params = await read_params(ctx, body)
    with world.lock:
        account = _lti_account(ctx)
        key = world.developer_keys.get(str(params.get("client_id", "")))
        if key is None or key.workflow_state == "deleted":
            raise not_found()
        if not world.key_active_in(key, account.id):
            raise empty(401)
        if params.get("verify_uniqueness") and any(
                t.developer_key_id == key.id and t.context_type == "Account" and t.context_id == account.id
                for t in world.tools.values() if t.workflow_state == "active"):
            message = "The tool is already installed in this context."
            body = {"errors": {"tool_currently_installed": [
                {"attribute": "tool_currently_installed", "type": message, "message": message}]}}
            return json_response(body, 400, media_type=TOOLS_MEDIA)  # the controller's own error: its type
        tool = tool_from_key(world, key.id, "Account", account.id, iso_now(ctx))
        world.tools[tool.id] = tool
        return json_response(tool_json(world, tool), media_type=TOOLS_MEDIA)


def _account_tool(ctx: RequestContext) -> Any:
    account = _lti_account(ctx)
    raw = str(ctx.request.path_params.get("external_tool_id"))
    tool = next((t for t in _account_tools(ctx.world, account) if str(t.id) == raw), None)
    if tool is None:
        raise not_found()
    return tool


async def show_account_external_tool(ctx: RequestContext, **_: Any) -> Response:
    with ctx.world.lock:
        return json_response(tool_json(ctx.world, _account_tool(ctx)), media_type=TOOLS_MEDIA)


async def delete_account_external_tool(ctx: RequestContext, **_: Any) -> Response:
    with ctx.world.lock:
        tool = _account_tool(ctx)
        tool.workflow_state = "deleted"
        tool.updated_at = iso_now(ctx)
        return json_response(tool_json(ctx.world, tool), media_type=TOOLS_MEDIA)


async def account_lookup(ctx: RequestContext, **_: Any) -> Response:
    world = ctx.world
    with world.lock:
        account = _lti_account(ctx)
        root = world.root_account_id(account.id)
        return json_response({
            "id": account.id, "name": account.name, "workflow_state": "active",
            "parent_account_id": account.parent_id, "root_account_id": None if root == account.id else root,
            "uuid": account.uuid, "default_time_zone": "Etc/UTC",
        }, media_type=LOOKUP_MEDIA)


def _subscription_json(sub: Any) -> dict[str, Any]:
    return {**sub.data, "Id": sub.id, "OwnerId": sub.developer_key_id, "OwnerType": "DeveloperKey",
            "Active": sub.workflow_state == "active", "CreatedAt": sub.created_at, "UpdatedAt": sub.updated_at}


def _subscription_params(params: dict[str, Any], partial: bool) -> dict[str, Any]:
    subscription = params.get("subscription")
    if not isinstance(subscription, dict):
        raise api_error(400, "subscription is missing")
    context_type = subscription.get("ContextType")
    if (context_type is not None or not partial) and context_type not in CONTEXT_TYPES:
        raise simple_error(400, "Invalid context type for subscription")
    allowed = ("ContextId", "ContextType", "EventTypes", "Format", "TransportMetadata", "TransportType",
               "SystemEventTypes", "AssociatedIntegrationId")
    return {k: v for k, v in subscription.items() if k in allowed}


def _subscription(ctx: RequestContext) -> Any:
    auth = ctx.auth
    assert auth is not None
    account = _lti_account(ctx)
    sub = ctx.world.data_subscriptions.get(str(ctx.request.path_params.get("subscription_id")))
    if sub is None or sub.workflow_state != "active" or sub.account_id != account.id or sub.developer_key_id != auth.key.id:
        raise not_found()
    return sub


async def list_subscriptions(ctx: RequestContext, **_: Any) -> Response:
    auth, world = ctx.auth, ctx.world
    assert auth is not None
    with world.lock:
        account = _lti_account(ctx)
        subs = [s for s in world.data_subscriptions.values()
                if s.account_id == account.id and s.developer_key_id == auth.key.id and s.workflow_state == "active"]
        return json_response([_subscription_json(s) for s in sorted(subs, key=lambda s: (s.created_at, s.id))], media_type=DATA_MEDIA)


async def create_subscription(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    from ..world import DataSubscription

    auth, world = ctx.auth, ctx.world
    assert auth is not None
    data = _subscription_params(await read_params(ctx, body), partial=False)
    now = iso_now(ctx)
    with world.lock:
        account = _lti_account(ctx)
        sub = DataSubscription(id=str(uuid.uuid4()), account_id=account.id, developer_key_id=auth.key.id, data=data,
                               created_at=now, updated_at=now)
        world.data_subscriptions[sub.id] = sub
        return json_response(_subscription_json(sub), media_type=DATA_MEDIA)


async def show_subscription(ctx: RequestContext, **_: Any) -> Response:
    with ctx.world.lock:
        return json_response(_subscription_json(_subscription(ctx)), media_type=DATA_MEDIA)


async def update_subscription(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    data = _subscription_params(await read_params(ctx, body), partial=True)
    with ctx.world.lock:
        sub = _subscription(ctx)
        sub.data.update(data)
        sub.updated_at = iso_now(ctx)
        return json_response(_subscription_json(sub), media_type=DATA_MEDIA)


async def delete_subscription(ctx: RequestContext, **_: Any) -> Response:
    with ctx.world.lock:
        sub = _subscription(ctx)
        sub.workflow_state = "deleted"
        sub.updated_at = iso_now(ctx)
        return json_response(_subscription_json(sub), media_type=DATA_MEDIA)


async def list_event_types(ctx: RequestContext, **_: Any) -> Response:
    with ctx.world.lock:
        _lti_account(ctx)
    return json_response([{"EventType": name, "Category": name.split("_")[0]} for name in EVENT_TYPES], media_type=DATA_MEDIA)


async def update_public_jwk(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """The calling tool replaces its own key's public JWK (assertions must then use it)."""
    auth, world = ctx.auth, ctx.world
    assert auth is not None
    params = await read_params(ctx, body)
    fields = params.get("developer_key")
    jwk = fields.get("public_jwk") if isinstance(fields, dict) else None
    if not isinstance(jwk, dict):
        raise api_error(400, "developer_key is missing" if not isinstance(fields, dict) else "public_jwk is missing")
    missing = [k for k in JWK_FIELDS if not isinstance(jwk.get(k), str) or not jwk.get(k)]
    if missing or jwk.get("kty") != "RSA":
        message = f"The following fields are required: {', '.join(JWK_FIELDS)}" if missing else "kty must be RSA"
        raise CanvasError(422, {"errors": {"public_jwk": [{"attribute": "public_jwk", "type": "invalid", "message": message}]}})
    with world.lock:
        key = auth.key
        key.public_jwk, key.public_jwk_url, key.kid = {k: jwk[k] for k in JWK_FIELDS}, None, jwk["kid"]
        return json_response(developer_key_json(world, key, None), media_type=JWK_MEDIA)


async def show_progress(ctx: RequestContext, **_: Any) -> Response:
    auth, world = ctx.auth, ctx.world
    assert auth is not None and auth.course is not None
    with world.lock:
        raw = str(ctx.request.path_params.get("progress_id"))
        progress = world.progresses.get(int(raw)) if is_digits(raw) and len(raw) < 17 else None
        if progress is None or progress.course_id != auth.course.id:
            raise not_found()
        if progress.context_type != "Assignment":
            raise lti_error(403, "Tool does not have permission to view a Progress not associated with an Assignment")
        assignment = world.assignments.get(progress.context_id)
        if assignment is None or auth.tool is None or assignment.external_tool_id != auth.tool.id:
            raise lti_error(422, "Progress associated with Assignment that isn't linked to this Tool")
        progress.settle(ctx.now())
        body = {
            "id": progress.id, "context_id": progress.context_id, "context_type": progress.context_type,
            "user_id": progress.user_id, "tag": progress.tag, "completion": progress.completion,
            "workflow_state": progress.workflow_state, "created_at": progress.created_at,
            "updated_at": progress.updated_at, "message": progress.message,
            "url": f"{ctx.base_url}/api/lti/courses/{auth.course.id}/progress/{progress.id}",
        }
        if progress.workflow_state in ("completed", "failed"):
            body["results"] = progress.results
        return json_response(body)


OPERATIONS = {
    "createToolConfiguration": create_tool_configuration,
    "getToolConfiguration": show_tool_configuration,
    "updateToolConfiguration": update_tool_configuration,
    "deleteToolConfiguration": delete_tool_configuration,
    "listLtiAccountExternalTools": list_account_external_tools,
    "createLtiAccountExternalTool": create_account_external_tool,
    "getLtiAccountExternalTool": show_account_external_tool,
    "deleteLtiAccountExternalTool": delete_account_external_tool,
    "getLtiAccountLookup": account_lookup,
    "listDataServiceSubscriptions": list_subscriptions,
    "createDataServiceSubscription": create_subscription,
    "getDataServiceSubscription": show_subscription,
    "updateDataServiceSubscription": update_subscription,
    "deleteDataServiceSubscription": delete_subscription,
    "listDataServiceEventTypes": list_event_types,
    "updatePublicJwk": update_public_jwk,
    "getAgsProgress": show_progress,
}
