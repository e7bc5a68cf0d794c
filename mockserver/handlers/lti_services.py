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

from ..auth.api_tokens import GLOBAL_ID_BASE, SHARD, find_lti_account, local_id, unauthorized
from ..canvas.errors import CanvasError, api_error, empty, json_response, json_text, lti_error, not_found, simple_error
from ..canvas.ids import is_digits
from ..canvas.pagination import Page, int_param, link_header, page_size
from ..canvas.rails_params import to_bool
from ..canvas.scopes import ALL_LTI_SCOPES
from ..context import RequestContext
from ..world import Account, DeveloperKey, Registration, World
from .external_tools import api_auth, iso_now, read_params, tool_from_key, tool_json
from .registrations import from_legacy, legacy_configuration, sync_registrations

TOOLS_MEDIA = "application/vnd.canvas.contextexternaltools+json"
LOOKUP_MEDIA = "application/vnd.canvas.accountlookup+json"
DATA_MEDIA = "application/vnd.canvas.dataservices+json"
JWK_MEDIA = "application/vnd.ims.lis.v2.publicjwk+json"
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
        "email": key.email, "notes": key.notes, "test_cluster_only": key.test_cluster_only,
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
    if jwk is not None:
        problem = jwk_schema_error(jwk) if isinstance(jwk, dict) else f"The following fields are required: {', '.join(JWK_REQUIRED)}"
        if problem:
            return field_errors("configuration", problem)
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
    """The ``developer_key`` arguments: its scopes must be Canvas scopes ("cannot contain …", 422);
    ``require_scopes`` stays true, as Canvas forces it for keys with a public JWK or JWK URL."""
    fields = params.get("developer_key")
    if not isinstance(fields, dict):
        return
    if isinstance(fields.get("scopes"), list):
        invalid = [str(s) for s in fields["scopes"] if str(s) not in ALL_LTI_SCOPES and not str(s).startswith("url:")]
        if invalid:
            raise field_errors("scopes", f"cannot contain {', '.join(invalid)}")
        key.scopes = [str(s) for s in fields["scopes"]]
    if fields.get("name"):
        key.name = str(fields["name"])
    for name in ("email", "notes"):
        if name in fields:
            setattr(key, name, None if fields[name] is None else str(fields[name]))
    if "test_cluster_only" in fields:
        key.test_cluster_only = to_bool(fields["test_cluster_only"])
    if isinstance(fields.get("redirect_uris"), str):
        key.redirect_uris = [u.strip() for u in fields["redirect_uris"].splitlines() if u.strip()]
    if fields.get("public_jwk_url"):
        key.public_jwk_url = str(fields["public_jwk_url"])


def _developer_key_scopes(params: dict[str, Any]) -> bool:
    fields = params.get("developer_key")
    return isinstance(fields, dict) and isinstance(fields.get("scopes"), list)


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
        if not _developer_key_scopes(params):
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
        if account is not None and not world.key_active_in(key, account.id):
            raise unauthorized()  # the key is not enabled (bound on) in this context
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
        if not _developer_key_scopes(params):
            key.scopes = list(config.get("scopes", key.scopes))
        for tool in world.tools.values():  # installed tools follow the configuration's privacy level
            if tool.developer_key_id == key.id and tool.workflow_state == "active":
                tool.privacy_level = config.get("privacy_level") or tool.privacy_level
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
    """What the subscription service answers: the stored subscription (owner and last updater
    included) with its id, state and times."""
    return {"OwnerId": sub.developer_key_id, "OwnerType": "internal_service", **sub.data, "Id": sub.id,
            "Active": sub.workflow_state == "active", "CreatedAt": sub.created_at, "UpdatedAt": sub.updated_at}


def _subscription_params(params: dict[str, Any], partial: bool) -> dict[str, Any]:
    subscription = params.get("subscription")
    if not isinstance(subscription, dict):
        raise api_error(400, "subscription is missing")
    context_type = subscription.get("ContextType")
    if (context_type is not None or not partial) and context_type not in CONTEXT_TYPES:
        raise simple_error(400, "Invalid context type for subscription")
    allowed = ("ContextId", "ContextType", "EventTypes", "Format", "TransportMetadata", "TransportType",
               "SystemEventTypes", "AssociatedIntegrationId", "State")
    return {k: v for k, v in subscription.items() if k in allowed}


def _acting(ctx: RequestContext, account: Account, named: Any) -> tuple[str, str]:
    """``add_owner``/``add_updater``: the admin named by global id (``person``; an unknown user is the
    generic 404, a user without the permission a 422), else the key's tool installed in the root account
    (``external_tool``, its global id), else the developer key (``internal_service``)."""
    auth, world = ctx.auth, ctx.world
    assert auth is not None
    if named:
        user_id = local_id(str(named))
        if user_id is None or user_id not in world.users:
            raise not_found()
        if not any(t.user_id == user_id and t.admin_of is not None and t.admin_of in [a.id for a in world.account_chain(account.id)]
                   for t in world.api_tokens.values()):
            raise CanvasError(422, {"errors": [{"message": "Record invalid"}]})
        return str(named), "person"
    tool = next((t for t in sorted(world.tools.values(), key=lambda t: t.id) if t.developer_key_id == auth.key.id
                 and t.workflow_state == "active" and (t.context_type, t.context_id) == ("Account", account.id)), None)
    if tool is not None:
        return str(SHARD * GLOBAL_ID_BASE + tool.id), "external_tool"
    return auth.key.id, "internal_service"


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
    params = await read_params(ctx, body)
    data = _subscription_params(params, partial=False)
    now = iso_now(ctx)
    with world.lock:
        account = _lti_account(ctx)
        data["OwnerId"], data["OwnerType"] = _acting(ctx, account, params["subscription"].get("OwnerId"))
        sub = DataSubscription(id=str(uuid.uuid4()), account_id=account.id, developer_key_id=auth.key.id, data=data,
                               created_at=now, updated_at=now)
        world.data_subscriptions[sub.id] = sub
        return json_response(_subscription_json(sub), media_type=DATA_MEDIA)


async def show_subscription(ctx: RequestContext, **_: Any) -> Response:
    with ctx.world.lock:
        return json_response(_subscription_json(_subscription(ctx)), media_type=DATA_MEDIA)


async def update_subscription(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    params = await read_params(ctx, body)
    data = _subscription_params(params, partial=True)
    with ctx.world.lock:
        sub = _subscription(ctx)
        data["UpdatedBy"], data["UpdatedByType"] = _acting(ctx, _lti_account(ctx), params["subscription"].get("UpdatedBy"))
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


#: ``Schemas::Lti::PublicJwk``: what Canvas checks of a developer key's JWK (nothing of ``n``/``e``
#: beyond being strings), in the order JSONSchemer reports it.
JWK_REQUIRED = ("kty", "e", "n", "kid", "alg", "use")
JWK_SCHEMA: dict[str, dict[str, str]] = {
    "kty": {"type": "string", "const": "RSA"}, "alg": {"type": "string", "const": "RS256"},
    "e": {"type": "string"}, "n": {"type": "string"}, "kid": {"type": "string"}, "use": {"type": "string"},
}


def _schema_text(rule: dict[str, str]) -> str:
    """A schema as Ruby's ``Hash#inspect`` prints it: ``{"type"=>"string", "const"=>"RSA"}``."""
    return "{" + ", ".join(f'"{key}"=>"{value}"' for key, value in rule.items()) + "}"


def jwk_schema_error(jwk: dict[str, Any]) -> str | None:
    """``Schemas::Base.simple_validation_errors`` of the JWK: the missing fields, else the first
    field of the wrong type or value, as ``"<value> /<field>. Schema: <its schema>"``."""
    if any(name not in jwk for name in JWK_REQUIRED):
        return f"The following fields are required: {', '.join(JWK_REQUIRED)}"
    for name, rule in JWK_SCHEMA.items():
        value = jwk[name]
        if not isinstance(value, str) or value != rule.get("const", value):
            shown = json_text(value) if isinstance(value, (dict, list)) else str(value).lower() if isinstance(value, bool) else value
            return f"{'' if value is None else shown} /{name}. Schema: {_schema_text(rule)}"
    return None


async def update_public_jwk(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """The calling tool replaces its own key's public JWK (assertions must then use it). Canvas
    stores the JWK as sent once its schema passes; a JWK it cannot verify with is stored too."""
    auth, world = ctx.auth, ctx.world
    assert auth is not None
    params = await read_params(ctx, body)
    fields = params.get("developer_key")
    jwk = fields.get("public_jwk") if isinstance(fields, dict) else None
    if not isinstance(jwk, dict) or not jwk:
        raise api_error(400, "developer_key is missing" if not isinstance(fields, dict) else "public_jwk is missing")
    problem = jwk_schema_error(jwk)
    if problem:
        raise CanvasError(422, {"errors": {"public_jwk": [{"attribute": "public_jwk", "type": problem, "message": problem}]}})
    with world.lock:
        key = auth.key
        key.public_jwk, key.public_jwk_url, key.kid = dict(jwk), None, jwk["kid"]
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
