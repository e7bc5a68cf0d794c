"""LTI Registrations API (beta, §16.3): ``/api/v1/accounts/:account_id/lti_registrations…``.

A registration is the admin-facing face of an LTI developer key: its Canvas-style tool
configuration, an admin overlay (with versions), and the key's account binding. Every developer
key of the world has one (created on first use for keys made elsewhere: fixtures, dynamic
registration), and binding a registration writes ``DeveloperKey.bindings`` — the very field the
LTI service filter chain checks ("Invalid Developer Key").
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
from starlette.responses import Response

from ..auth.api_tokens import first_root_account
from ..canvas.errors import CanvasError, api_error, json_response, not_found
from ..canvas.ids import is_digits
from ..canvas.pagination import Page, int_param, link_header, page_size
from ..canvas.scopes import ALL_LTI_SCOPES
from ..canvas.validation import REST_FAMILIES, REST_TRANSLATORS
from ..context import RequestContext
from ..world import Account, DeveloperKey, Registration, RegistrationUpdateRequest, World
from .external_tools import api_auth, iso_now, read_params, update_tools_from_key

SORTS = ("name", "nickname", "lti_version", "installed", "installed_by", "updated_by", "updated", "on")
INTERNAL_CONFIGURATION = {
    "type": "object",
    "required": ["title", "target_link_uri", "oidc_initiation_url"],
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "description": {"type": ["string", "null"]},
        "target_link_uri": {"type": "string", "pattern": "^https?://"},
        "oidc_initiation_url": {"type": "string", "pattern": "^https?://"},
        "redirect_uris": {"type": "array", "items": {"type": "string"}},
        "domain": {"type": ["string", "null"]},
        "tool_id": {"type": ["string", "null"]},
        "privacy_level": {"enum": ["public", "name_only", "email_only", "anonymous"]},
        "scopes": {"type": "array", "items": {"type": "string"}},
        "custom_fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "public_jwk": {"type": "object"},
        "public_jwk_url": {"type": "string"},
        "launch_settings": {"type": "object"},
        "placements": {"type": "array", "items": {"type": "object", "required": ["placement"],
                                                   "properties": {"placement": {"type": "string"}}}},
        "vendor": {"type": ["string", "null"]},
    },
}
#: ``Schemas::Lti::Overlay``: every field may be null (unset); disabled scopes must be LTI scopes.
OVERLAY = {
    "type": "object",
    "properties": {
        "title": {"type": ["string", "null"]}, "description": {"type": ["string", "null"]},
        "domain": {"type": ["string", "null"]},
        "privacy_level": {"enum": ["public", "name_only", "email_only", "anonymous", None]},
        "custom_fields": {"type": ["object", "null"]},
        "disabled_scopes": {"type": ["array", "null"], "items": {"enum": sorted(ALL_LTI_SCOPES)}},
        "disabled_placements": {"type": ["array", "null"], "items": {"type": "string"}},
        "placements": {"type": ["object", "null"]},
        "target_link_uri": {"type": ["string", "null"]}, "oidc_initiation_url": {"type": ["string", "null"]},
    },
}
#: ``OVERLAY_VERSION_DEFAULT_LIMIT``: an overlay carries its newest versions only.
OVERLAY_VERSIONS_SHOWN = 5


def coded(code: str, message: str, status: int = 422) -> CanvasError:
    return CanvasError(status, {"errors": [{"code": code, "message": message}]})


# -- registrations for every key --------------------------------------------------------------

def _derived_configuration(world: World, key: DeveloperKey) -> dict[str, Any]:
    """A key made outside this API (fixtures, dynamic registration): its configuration from
    the key, its first tool and its IMS registration."""
    tool = next((t for t in sorted(world.tools.values(), key=lambda t: t.id) if t.developer_key_id == key.id), None)
    ims = next((r for r in world.ims_registrations.values() if r.developer_key_id == key.id), None)
    target = (tool.url if tool else None) or (key.redirect_uris[0] if key.redirect_uris else None) \
        or "https://tool.invalid/launch"
    config: dict[str, Any] = {
        "title": key.name, "description": None, "target_link_uri": target,
        "oidc_initiation_url": key.oidc_initiation_url or target, "redirect_uris": list(key.redirect_uris) or [target],
        "domain": tool.domain if tool else None, "scopes": list(key.scopes),
        "privacy_level": tool.privacy_level if tool else (ims.privacy_level if ims else "anonymous"),
        "custom_fields": dict(tool.custom_fields) if tool else {}, "launch_settings": {},
        "placements": [{"placement": p, "enabled": True} for p in ims.placements] if ims else
                      [{"placement": name, **settings} for name, settings in sorted((tool.placements if tool else {}).items())],
    }
    if key.public_jwk_url:
        config["public_jwk_url"] = key.public_jwk_url
    elif key.public_jwk:
        config["public_jwk"] = dict(key.public_jwk)
    return config


def current_configuration(world: World, key: DeveloperKey) -> dict[str, Any]:
    """The key's configuration as the Registrations API shows it (its overlay applied), whether
    or not the API has been asked about it yet."""
    registration = next((r for r in world.registrations.values()
                         if r.developer_key_id == key.id and r.workflow_state != "deleted"), None)
    return overlaid_configuration(registration) if registration else _derived_configuration(world, key)


def sync_registrations(world: World) -> None:
    """Give every developer key a registration (deterministic ids, in key order)."""
    have = {r.developer_key_id for r in world.registrations.values()}
    for key in sorted(world.developer_keys.values(), key=lambda k: int(k.id)):
        if key.id in have:
            continue
        root = first_root_account(world)
        registration = Registration(
            id=world.next_id("registrations"), developer_key_id=key.id,
            account_id=key.account_id or (root.id if root else 1), name=key.name,
            configuration=_derived_configuration(world, key), created_at=key.created_at, updated_at=key.created_at,
            workflow_state="deleted" if key.workflow_state == "deleted" else "active",
        )
        world.registrations[registration.id] = registration


def is_dynamic(world: World, registration: Registration) -> bool:
    return any(r.developer_key_id == registration.developer_key_id for r in world.ims_registrations.values())


def overlaid_configuration(registration: Registration) -> dict[str, Any]:
    """The configuration with the admin overlay applied (disabled scopes and placements
    removed, overridden fields replaced, per-placement settings merged)."""
    config = copy.deepcopy(registration.configuration)
    overlay = registration.overlay or {}
    for key in ("title", "description", "domain", "privacy_level", "target_link_uri", "oidc_initiation_url"):
        if overlay.get(key):
            config[key] = overlay[key]
    if isinstance(overlay.get("custom_fields"), dict):
        config["custom_fields"] = {**config.get("custom_fields", {}), **overlay["custom_fields"]}
    disabled_scopes = set(overlay.get("disabled_scopes") or [])
    config["scopes"] = [s for s in config.get("scopes", []) if s not in disabled_scopes]
    disabled = set(overlay.get("disabled_placements") or [])
    placements = []
    for placement in config.get("placements", []):
        if placement.get("placement") in disabled:
            continue
        extra = (overlay.get("placements") or {}).get(placement.get("placement"), {})
        placements.append({**placement, **extra})
    config["placements"] = placements
    return config


def legacy_configuration(config: dict[str, Any]) -> dict[str, Any]:
    """The LTI 1.3 JSON ("legacy") shape: placements under a Canvas extension."""
    return {
        "title": config.get("title"), "description": config.get("description"),
        "target_link_uri": config.get("target_link_uri"), "oidc_initiation_url": config.get("oidc_initiation_url"),
        "scopes": config.get("scopes", []), "custom_fields": config.get("custom_fields", {}),
        **({"public_jwk": config["public_jwk"]} if "public_jwk" in config else {}),
        **({"public_jwk_url": config["public_jwk_url"]} if "public_jwk_url" in config else {}),
        "extensions": [{
            "platform": "canvas.instructure.com", "domain": config.get("domain"), "tool_id": config.get("tool_id"),
            "privacy_level": config.get("privacy_level", "anonymous"),
            "settings": {"placements": config.get("placements", [])},
        }],
    }


def from_legacy(config: dict[str, Any]) -> dict[str, Any]:
    """``Schemas::InternalLtiConfiguration.from_lti_configuration``: LTI 1.3 JSON with
    ``extensions`` into the internal shape."""
    extension = next((e for e in config.get("extensions", []) if isinstance(e, dict)
                      and e.get("platform") in (None, "canvas.instructure.com")), {})
    settings = extension.get("settings") or {}
    internal = {k: config[k] for k in ("title", "description", "target_link_uri", "oidc_initiation_url", "scopes",
                                       "custom_fields", "public_jwk", "public_jwk_url", "redirect_uris") if k in config}
    internal.update({k: extension[k] for k in ("domain", "tool_id", "privacy_level") if k in extension})
    internal["placements"] = list(settings.get("placements") or [])
    internal.setdefault("launch_settings", {k: v for k, v in settings.items() if k != "placements"})
    return internal


def configuration_errors(config: Any, overlay: Any) -> list[str]:
    errors: list[str] = []
    if config is not None:
        if not isinstance(config, dict):
            return ["configuration must be an object"]
        for error in jsonschema.Draft7Validator(INTERNAL_CONFIGURATION).iter_errors(config):
            where = "/".join(str(p) for p in error.absolute_path) or "configuration"
            errors.append(f"{where}: {error.message}")
        unknown = [s for s in config.get("scopes", []) if isinstance(s, str) and s not in ALL_LTI_SCOPES]
        if unknown:
            errors.append(f"Invalid scopes: {', '.join(unknown)}")
    if overlay is not None:
        if not isinstance(overlay, dict):
            return [*errors, "overlay must be an object"]
        for error in jsonschema.Draft7Validator(OVERLAY).iter_errors(overlay):
            where = "/".join(str(p) for p in error.absolute_path) or "overlay"
            errors.append(f"overlay/{where}: {error.message}")
    return errors


# -- serialization ----------------------------------------------------------------------------

def _user(world: World, user_id: int | None) -> dict[str, Any] | None:
    user = world.users.get(user_id) if user_id is not None else None
    return {"id": user.id, "name": user.name, "short_name": user.name, "sortable_name": f"{user.family_name}, {user.given_name}"} if user else None


def binding_state(world: World, registration: Registration, root_id: int) -> str:
    key = world.developer_keys.get(registration.developer_key_id)
    return (key.bindings.get(str(root_id)) if key else None) or "off"


def binding_json(world: World, registration: Registration, account: Account) -> dict[str, Any]:
    root = world.root_account_id(account.id)
    return {
        "id": registration.id, "account_id": account.id, "registration_id": registration.id,
        "workflow_state": binding_state(world, registration, root), "created_at": registration.binding_created_at,
        "updated_at": registration.binding_updated_at, "created_by": _user(world, registration.created_by),
        "updated_by": _user(world, registration.updated_by), "root_account_id": root,
    }


def has_overlay(registration: Registration) -> bool:
    """An overlay record exists once one was set (a reset empties its data but keeps it)."""
    return bool(registration.overlay) or bool(registration.overlay_versions)


def overlay_json(registration: Registration, account: Account, with_versions: bool = False) -> dict[str, Any]:
    """``lti_overlay_json``; with ``overlay_versions`` requested, its newest versions, newest first."""
    body: dict[str, Any] = {"id": registration.id, "account_id": account.id, "registration_id": registration.id,
                            "root_account_id": account.id, "data": registration.overlay, "updated_at": registration.updated_at}
    if with_versions:
        body["versions"] = list(reversed(registration.overlay_versions))[:OVERLAY_VERSIONS_SHOWN]
    return body


def registration_json(world: World, registration: Registration, account: Account, includes: set[str]) -> dict[str, Any]:
    """``lti_registration_json``: ``dynamic_registration`` appears only on a dynamic registration;
    ``ims_registration_id`` or ``manual_configuration_id`` names where its configuration came from."""
    ims = next((r for r in world.ims_registrations.values() if r.developer_key_id == registration.developer_key_id), None)
    body: dict[str, Any] = {
        "id": registration.id, "name": registration.name, "admin_nickname": registration.admin_nickname,
        "icon_url": registration.icon_url, "vendor": registration.vendor, "description": registration.description,
        "account_id": registration.account_id, "internal_service": False,
        "inherited": registration.account_id != world.root_account_id(account.id), "lti_version": "1.3",
        "developer_key_id": registration.developer_key_id,
        "ims_registration_id": ims.id if ims is not None else None,
        "manual_configuration_id": None if ims is not None else registration.id,
        "workflow_state": registration.workflow_state, "created_at": registration.created_at,
        "updated_at": registration.updated_at, "created_by": _user(world, registration.created_by),
        "updated_by": _user(world, registration.updated_by), "root_account_id": world.root_account_id(registration.account_id),
    }
    if ims is not None:
        body["dynamic_registration"] = True
    if "account_binding" in includes:
        body["account_binding"] = binding_json(world, registration, account)
    if "configuration" in includes:
        body["configuration"] = registration.configuration
    if "overlaid_configuration" in includes:
        body["overlaid_configuration"] = overlaid_configuration(registration)
    if "overlaid_legacy_configuration" in includes:
        body["overlaid_legacy_configuration"] = legacy_configuration(overlaid_configuration(registration))
    if "overlay" in includes and has_overlay(registration):
        body["overlay"] = overlay_json(registration, account, with_versions="overlay_versions" in includes)
    return body


# -- helpers ----------------------------------------------------------------------------------

def _account(ctx: RequestContext) -> Account:
    account = api_auth(ctx).account
    assert account is not None
    return account


def _includes(ctx: RequestContext) -> set[str]:
    query = ctx.request.query_params
    return set(query.getlist("include[]")) | set(query.getlist("include"))


def find_registration(world: World, raw: Any) -> Registration:
    sync_registrations(world)
    text = str(raw)
    registration = world.registrations.get(int(text)) if is_digits(text) and len(text) < 17 else None
    if registration is None or registration.workflow_state != "active":
        raise not_found()
    return registration


def _record(ctx: RequestContext, registration: Registration, update_type: str, before: dict[str, Any], comment: Any = None) -> None:
    """A history entry (and an overlay version when the overlay changed)."""
    now = iso_now(ctx)
    after = {"configuration": registration.configuration, "overlay": registration.overlay,
             "name": registration.name, "admin_nickname": registration.admin_nickname}
    diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    user_id = api_auth(ctx).user_id
    registration.history.append({
        "id": len(registration.history) + 1, "lti_registration_id": registration.id,
        "root_account_id": ctx.world.root_account_id(registration.account_id), "created_at": now, "updated_at": now,
        "diff": copy.deepcopy(diff), "update_type": update_type, "comment": comment if isinstance(comment, str) else None,
        "created_by": _user(ctx.world, user_id),
    })
    if "overlay" in diff:
        registration.overlay_versions.append({
            "id": len(registration.overlay_versions) + 1, "lti_overlay_id": registration.id,
            "account_id": registration.account_id, "root_account_id": ctx.world.root_account_id(registration.account_id),
            "created_at": now, "updated_at": now, "caused_by_reset": update_type == "reset",
            "diff": copy.deepcopy(diff["overlay"]), "created_by": _user(ctx.world, user_id),
        })
    registration.updated_at, registration.updated_by = now, user_id


def _snapshot(registration: Registration) -> dict[str, Any]:
    return copy.deepcopy({"configuration": registration.configuration, "overlay": registration.overlay,
                          "name": registration.name, "admin_nickname": registration.admin_nickname})


def _apply_to_key(key: DeveloperKey, config: dict[str, Any], overlay: dict[str, Any] | None = None) -> None:
    """The developer key follows its registration's configuration, less the scopes the overlay disables."""
    key.name = config.get("title") or key.name
    disabled = set((overlay or {}).get("disabled_scopes") or [])
    key.scopes = [scope for scope in config.get("scopes", key.scopes) if scope not in disabled]
    key.redirect_uris = list(config.get("redirect_uris") or [config.get("target_link_uri")])
    key.oidc_initiation_url = config.get("oidc_initiation_url") or key.oidc_initiation_url
    if config.get("public_jwk"):
        key.public_jwk, key.public_jwk_url = dict(config["public_jwk"]), None
    elif config.get("public_jwk_url"):
        key.public_jwk_url = config["public_jwk_url"]


def _workflow_state(params: dict[str, Any], required: bool = False) -> str | None:
    state = params.get("workflow_state")
    if state is None:
        if required:
            raise api_error(400, "workflow_state is missing")
        return None
    if state in ("on", "off"):
        return str(state)
    if state == "allow":
        raise coded("invalid_workflow_state", "only site admin registrations can have a state of 'allow'")
    raise coded("invalid_workflow_state", "workflow_state must be one of 'on', 'off', or 'allow'")


def _bind(ctx: RequestContext, registration: Registration, account: Account, state: str) -> None:
    key = ctx.world.developer_keys[registration.developer_key_id]
    key.bindings[str(ctx.world.root_account_id(account.id))] = state
    registration.binding_updated_at = iso_now(ctx)
    registration.updated_by = api_auth(ctx).user_id


def _configuration_param(params: dict[str, Any]) -> Any:
    config = params.get("configuration")
    if isinstance(config, dict) and config.get("extensions"):
        return from_legacy(config)
    return config


def _description_ok(params: dict[str, Any]) -> None:
    description = params.get("description")
    if isinstance(description, str) and len(description.encode()) > 2048:
        raise CanvasError(422, {"errors": ["description: exceeds the maximum length of 2048 bytes"]})


# -- handlers ---------------------------------------------------------------------------------

async def list_registrations(ctx: RequestContext, **_: Any) -> Response:
    world, account, query = ctx.world, _account(ctx), ctx.request.query_params
    page_raw, direction, sort = query.get("page"), query.get("dir"), query.get("sort")
    if page_raw is not None and (int_param(page_raw) or 0) <= 0:
        raise coded("invalid_page", "page param should be an integer")
    if direction not in (None, "asc", "desc"):
        raise coded("invalid_dir", "dir param should be asc, desc, or empty")
    if sort is not None and sort not in SORTS:
        raise coded("invalid_sort", f"{sort} is not a valid field for sorting")
    terms = (query.get("query") or "").lower().split()
    includes = {"account_binding"} | (_includes(ctx) - {"overlay_versions"})
    root = world.root_account_id(account.id)
    with world.lock:
        sync_registrations(world)
        regs = [r for r in world.registrations.values() if r.workflow_state == "active" and r.account_id == account.id]
        regs = [r for r in regs if all(any(t in (v or "").lower() for v in (r.name, r.admin_nickname, r.vendor)) for t in terms)]

        def user_name(user_id: int | None) -> str:
            return world.users[user_id].name.lower() if user_id in world.users else ""

        keys = {
            "name": lambda r: r.name.lower(), "nickname": lambda r: (r.admin_nickname or "").lower(),
            "lti_version": lambda r: "1.3", "installed": lambda r: r.created_at,
            "installed_by": lambda r: user_name(r.created_by), "updated_by": lambda r: user_name(r.updated_by),
            "updated": lambda r: r.updated_at, "on": lambda r: binding_state(world, r, root),
        }
        key = keys[sort or "installed"]
        regs.sort(key=lambda r: (key(r), r.id), reverse=(direction or "desc") == "desc")
        size = page_size(int_param(query.get("per_page")), 15, 100)
        page = Page(max(1, int_param(page_raw) or 1), size, len(regs))
        data = [registration_json(world, r, account, includes) for r in regs[page.start:page.start + size]]
    link = link_header(f"{ctx.base_url}{ctx.path}", ctx.query, page)
    return json_response({"total": len(regs), "data": data}, headers={"Link": link})


async def show_registration(ctx: RequestContext, **_: Any) -> Response:
    world, account = ctx.world, _account(ctx)
    with world.lock:
        registration = find_registration(world, ctx.request.path_params.get("id"))
        includes = {"account_binding", "configuration"} | _includes(ctx)
        return json_response(registration_json(world, registration, account, includes))


async def show_by_client_id(ctx: RequestContext, **_: Any) -> Response:
    world, account = ctx.world, _account(ctx)
    with world.lock:
        sync_registrations(world)
        key = world.developer_keys.get(str(ctx.request.path_params.get("client_id")))
        if key is None:
            raise not_found()
        registration = next((r for r in world.registrations.values() if r.developer_key_id == key.id and r.workflow_state == "active"), None)
        if registration is None:
            raise CanvasError(404, {"errors": "LTI registration not found"})
        return json_response(registration_json(world, registration, account, {"account_binding", "configuration"}))


async def _registration_input(ctx: RequestContext, body: Any) -> tuple[dict[str, Any], Any, Any, Any]:
    """Create and update read the same arguments and check the configuration the same way."""
    params = await read_params(ctx, body)
    state = _workflow_state(params)
    config, overlay = _configuration_param(params), params.get("overlay")
    errors = configuration_errors(config, overlay)
    if errors:
        raise CanvasError(422, {"errors": errors})
    return params, state, config, overlay


async def create_registration(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """A new developer key, its configuration and its binding (``off`` unless asked)."""
    world, account = ctx.world, _account(ctx)
    params, state, config, overlay = await _registration_input(ctx, body)
    if config is None:
        raise api_error(400, "configuration is missing")
    _description_ok(params)
    now, user_id = iso_now(ctx), api_auth(ctx).user_id
    with world.lock:
        sync_registrations(world)
        key_id = world.next_developer_key_id()
        key = DeveloperKey(id=key_id, name=str(params.get("name") or config["title"]), scopes=[], account_id=account.id,
                           bindings={str(world.root_account_id(account.id)): state or "off"}, created_at=now)
        _apply_to_key(key, config, overlay)
        key.name = str(params.get("name") or config["title"])
        registration = Registration(
            id=world.next_id("registrations"), developer_key_id=key_id, account_id=account.id, name=key.name,
            admin_nickname=params.get("admin_nickname"), vendor=params.get("vendor"), description=params.get("description"),
            configuration=config, unified_tool_id=params.get("unified_tool_id"), created_by=user_id, updated_by=user_id,
            created_at=now, updated_at=now, binding_created_at=now, binding_updated_at=now,
        )
        before = _snapshot(registration) | {"overlay": {}}
        registration.overlay = dict(overlay or {})
        world.developer_keys[key_id] = key
        world.registrations[registration.id] = registration
        if registration.overlay:
            _record(ctx, registration, "manual_edit", before)
        return json_response(registration_json(world, registration, account, {"account_binding", "configuration", "overlay"}), status=201)


async def update_registration(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    world, account = ctx.world, _account(ctx)
    params, state, config, overlay = await _registration_input(ctx, body)
    _description_ok(params)
    with world.lock:
        registration = find_registration(world, ctx.request.path_params.get("id"))
        if config and is_dynamic(world, registration):
            raise coded("tool_configuration_required", "Only manual configurations can be updated. Please create a new "
                        "registration if you need to update the base tool configuration of a Dynamic Registration.")
        before = _snapshot(registration)
        for field_name in ("name", "admin_nickname", "vendor", "description"):
            if field_name in params:
                setattr(registration, field_name, params[field_name])
        if config:
            registration.configuration = config
        if overlay is not None:
            registration.overlay = dict(overlay)
        if config or overlay is not None:
            _apply_to_key(world.developer_keys[registration.developer_key_id], registration.configuration, registration.overlay)
            update_tools_from_key(world, registration.developer_key_id, iso_now(ctx))
        if state:
            _bind(ctx, registration, account, state)
        _record(ctx, registration, "manual_edit", before, params.get("comment"))
        includes = {"account_binding", "configuration", "overlay", "overlay_versions"}
        return json_response(registration_json(world, registration, account, includes))


async def reset_registration(ctx: RequestContext, **_: Any) -> Response:
    world, account = ctx.world, _account(ctx)
    with world.lock:
        registration = find_registration(world, ctx.request.path_params.get("id"))
        before = _snapshot(registration)
        registration.overlay = {}
        update_tools_from_key(world, registration.developer_key_id, iso_now(ctx))
        _record(ctx, registration, "reset", before)
        return json_response(registration_json(world, registration, account, {"overlaid_configuration", "overlay", "overlay_versions"}))


async def delete_registration(ctx: RequestContext, **_: Any) -> Response:
    """The registration, its developer key and the key's tools are deleted."""
    world, account = ctx.world, _account(ctx)
    with world.lock:
        registration = find_registration(world, ctx.request.path_params.get("id"))
        if registration.account_id != account.id:
            raise CanvasError(400, {"errors": "registration does not belong to account"})
        registration.workflow_state = "deleted"
        key = world.developer_keys.get(registration.developer_key_id)
        if key is not None:
            key.workflow_state = "deleted"
        for tool in world.tools.values():
            if tool.developer_key_id == registration.developer_key_id:
                tool.workflow_state = "deleted"
        registration.updated_at = iso_now(ctx)
        return json_response(registration_json(world, registration, account, {"account_binding", "configuration", "overlay"}))


async def bind_registration(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    world, account = ctx.world, _account(ctx)
    params = await read_params(ctx, body)
    state = _workflow_state(params, required=True)
    assert state is not None
    with world.lock:
        registration = find_registration(world, ctx.request.path_params.get("id"))
        _bind(ctx, registration, account, state)
        return json_response(binding_json(world, registration, account))


async def context_search(ctx: RequestContext, **_: Any) -> Response:
    """Accounts and courses of the root account matching ``search_term`` (20 of each)."""
    world, account, query = ctx.world, _account(ctx), ctx.request.query_params
    term = (query.get("search_term") or "").strip().lower()
    with world.lock:
        registration = find_registration(world, ctx.request.path_params.get("registration_id"))
        deployment = world.tools.get(int_param(str(ctx.request.path_params.get("deployment_id"))) or 0)
        if deployment is None or deployment.developer_key_id != registration.developer_key_id or deployment.workflow_state != "active":
            raise not_found()
        root = world.root_account_id(account.id)
        accounts = sorted((a for a in world.accounts.values() if world.root_account_id(a.id) == root), key=lambda a: a.id)
        parent = int_param(query.get("only_children_of"))
        if parent is not None:
            accounts = [a for a in accounts if a.parent_id == parent]
            courses = [c for c in world.courses.values() if c.account_id == parent]
        else:
            courses = [c for c in world.courses.values() if world.root_account_id(c.account_id) == root]
        courses = sorted((c for c in courses if c.workflow_state != "deleted"), key=lambda c: c.id)
        if term:
            accounts = [a for a in accounts if term in a.name.lower()]
            courses = [c for c in courses if term in c.name.lower() or term in (c.course_code or "").lower()
                       or term in (c.sis_source_id or "").lower()]

        def path(account_id: int) -> list[str]:
            """Account names from below the root down to ``account_id``."""
            return [a.name for a in reversed(list(world.account_chain(account_id)))][1:]

        return json_response({
            "accounts": [{"id": str(a.id), "name": a.name, "sis_id": None, "display_path": path(a.id)[:-1]} for a in accounts[:20]],
            "courses": [{"id": str(c.id), "name": c.name, "sis_id": c.sis_source_id, "course_code": c.course_code,
                         "display_path": path(c.account_id)} for c in courses[:20]],
        })


async def overlay_history(ctx: RequestContext, **_: Any) -> Response:
    world, query = ctx.world, ctx.request.query_params
    limit = max(1, min(int_param(query.get("limit")) or 10, 100))
    with world.lock:
        registration = find_registration(world, ctx.request.path_params.get("id"))
        return json_response(list(reversed(registration.overlay_versions))[:limit])


async def registration_history(ctx: RequestContext, **_: Any) -> Response:
    world, query = ctx.world, ctx.request.query_params
    with world.lock:
        registration = find_registration(world, ctx.request.path_params.get("id"))
        entries = list(reversed(registration.history))
        size = page_size(int_param(query.get("per_page")), 10, 100)
        page = Page(max(1, int_param(query.get("page")) or 1), size, len(entries))
        body = entries[page.start:page.start + size]
    return json_response(body, headers={"Link": link_header(f"{ctx.base_url}{ctx.path}", ctx.query, page)})


async def apply_update_request(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """Accept (configuration and overlay replaced) or reject a pending update request."""
    world, account = ctx.world, _account(ctx)
    params = await read_params(ctx, body)
    if "accepted" not in params:
        raise api_error(400, "accepted is missing")
    accepted = params["accepted"] in (True, "true", "1", 1)
    overlay = params.get("overlay")
    errors = configuration_errors(None, overlay)
    if errors:
        raise CanvasError(422, {"errors": errors})
    with world.lock:
        registration = find_registration(world, ctx.request.path_params.get("id"))
        raw = str(ctx.request.path_params.get("update_request_id"))
        request: RegistrationUpdateRequest | None = world.registration_update_requests.get(int(raw)) if is_digits(raw) else None
        if request is None or request.registration_id != registration.id:
            raise not_found()
        if request.workflow_state != "pending":
            raise coded("invalid_update_request", "This update request has already been applied or rejected")
        if accepted:
            before = _snapshot(registration)
            registration.configuration = copy.deepcopy(request.configuration)
            new_overlay = overlay if overlay is not None else request.overlay
            if new_overlay is not None:
                registration.overlay = dict(new_overlay)
            _apply_to_key(world.developer_keys[registration.developer_key_id], registration.configuration, registration.overlay)
            request.workflow_state = "accepted"
            _record(ctx, registration, "registration_update", before, params.get("comment"))
        else:
            request.workflow_state = "rejected"
        return json_response(registration_json(world, registration, account, {"account_binding", "configuration", "overlay"}))


REST_TRANSLATORS.update({op: REST_FAMILIES["coded"] for op in (
    "createLtiRegistration", "updateLtiRegistration", "bindLtiRegistration", "applyLtiRegistrationUpdateRequest")})

OPERATIONS = {
    "listLtiRegistrations": list_registrations,
    "createLtiRegistration": create_registration,
    "getLtiRegistration": show_registration,
    "getLtiRegistrationByClientId": show_by_client_id,
    "updateLtiRegistration": update_registration,
    "resetLtiRegistration": reset_registration,
    "deleteLtiRegistration": delete_registration,
    "bindLtiRegistration": bind_registration,
    "searchLtiRegistrationContexts": context_search,
    "listLtiRegistrationOverlayHistory": overlay_history,
    "listLtiRegistrationHistory": registration_history,
    "applyLtiRegistrationUpdateRequest": apply_update_request,
}
