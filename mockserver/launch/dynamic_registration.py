"""LTI dynamic registration (§12): registration tokens, and tools registering themselves.

A registration token is an HS256 JWT signed with the app's secret (what the openid-configuration
handler in ``handlers/security.py`` decodes), valid one hour. Registering creates what Canvas
creates — a developer key (``public_jwk_url`` = the tool's ``jwks_uri``), its IMS registration
record — plus, so the tool can call services at once, an ``on`` binding for the root account and
an active deployment (tool) in it. ``jwks_uri`` must be a loopback URL (the mock fetches it) or a
key set the mock serves itself (the demo tool's: ``tool_keys.own_key_set``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jsonschema

from ..canvas.errors import CanvasError, generic_body
from ..canvas.scopes import LTI_SCOPES
from ..canvas.timestamps import api_time
from ..lazy_imports import LazyModule
from ..world import DeveloperKey, ImsRegistration, Tool, World
from .tool_keys import may_fetch

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

TOKEN_LIFETIME = 3600
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
CANVAS = "https://canvas.instructure.com/lti/"
EXPECTED_CLAIMS = ("user_id", "initiated_at", "root_account_global_id", "root_account_domain", "exp", "uuid",
                   "registration_url")
IMS_PLACEMENTS = {"ContentArea": "link_selection", "RichTextEditor": "editor_button"}
PRIVACY_LEVELS = ("public", "name_only", "email_only", "anonymous")

_STRING = {"type": "string"}
_URIS = {"type": "array", "items": _STRING}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "application_type": _STRING, "grant_types": _URIS, "response_types": _URIS, "redirect_uris": _URIS,
        "initiate_login_uri": _STRING, "client_name": _STRING, "jwks_uri": _STRING, "logo_uri": _STRING,
        "client_uri": _STRING, "tos_uri": _STRING, "policy_uri": _STRING, "token_endpoint_auth_method": _STRING,
        "scope": _STRING,
        TOOL_CONFIGURATION: {
            "type": "object",
            "properties": {
                "domain": _STRING, "target_link_uri": _STRING, "description": _STRING,
                "custom_parameters": {"type": "object", "additionalProperties": _STRING},
                "claims": _URIS,
                "messages": {"type": "array", "items": {"type": "object", "required": ["type"], "properties": {
                    "type": _STRING, "target_link_uri": _STRING, "label": _STRING, "icon_uri": _STRING,
                    "custom_parameters": {"type": "object", "additionalProperties": _STRING},
                    "roles": _URIS, "placements": _URIS}}},
                CANVAS + "privacy_level": {"enum": list(PRIVACY_LEVELS)},
            },
        },
    },
}


class RegistrationError(CanvasError):
    """A refused registration (or registration token), in the body Canvas answers with."""


# -- registration token ----------------------------------------------------------------------------


def issue_token(secret: str, *, account_id: int, user_id: int, domain: str, base_url: str, now: float,
                unified_tool_id: str | None = None, registration_url: str | None = None) -> dict[str, Any]:
    token_uuid = str(uuid.uuid4())
    claims: dict[str, Any] = {
        "uuid": token_uuid, "initiated_at": api_time(now), "user_id": user_id, "root_account_global_id": account_id,
        "root_account_domain": domain, "registration_url": registration_url or "", "exp": int(now) + TOKEN_LIFETIME,
    }
    if unified_tool_id:
        claims["unified_tool_id"] = unified_tool_id
    token = jwt.encode(claims, secret, algorithm="HS256")
    return {"uuid": token_uuid, "token": token,
            "oidc_configuration_url": f"{base_url}/api/lti/security/openid-configuration?registration_token={token}"}


def read_token(secret: str, token: str | None, now: float) -> dict[str, Any]:
    """``Canvas::Security.decode_jwt``: the claims of a registration token this mock issued and
    that has not expired by the mock clock. Anything else raises what Canvas's exception
    handling renders for it: 401 in the generic shape (``"error_code": "unauthorized"``)."""
    try:
        if not token:
            raise ValueError("no token")
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        raise RegistrationError(401, generic_body(401)) from None
    exp = claims.get("exp")
    if "exp" in claims and (not isinstance(exp, int | float) or isinstance(exp, bool) or exp <= now):
        raise RegistrationError(401, generic_body(401))
    return claims


def decode_token(secret: str, authorization: str | None, now: float) -> dict[str, Any]:
    """The bearer registration token of ``POST /api/lti/registrations``, with every claim the
    registration needs (else Canvas's own ``errorMessage``)."""
    scheme, _, token = (authorization or "").partition(" ")
    claims = read_token(secret, token.strip() if scheme.lower() == "bearer" else None, now)
    if any(name not in claims for name in EXPECTED_CLAIMS):
        raise RegistrationError(401, {"errorMessage": "JWT did not include expected contents"})
    return claims


# -- the registration ------------------------------------------------------------------------------


def _valid_uri(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def field_error(field: str, message: str) -> dict[str, Any]:
    """One entry of Canvas's 422 ``{"errors": [{"field", "message", "error_code"}]}``."""
    return {"field": field, "message": message, "error_code": None}


def _model_errors(body: dict[str, Any], config: Any, scopes: list[str], origins: Collection[str]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []

    def add(field: str, message: str) -> None:
        errors.append(field_error(field, message))

    for name in ("redirect_uris", "initiate_login_uri", "client_name", "jwks_uri"):
        if not body.get(name):
            add(name, "can't be blank")
    if config is None:
        add("lti_tool_configuration", "can't be blank")
    if body.get("redirect_uris") and not all(_valid_uri(u) for u in body["redirect_uris"]):
        add("redirect_uris", "Must only contain valid URIs")
    for name in ("initiate_login_uri", "jwks_uri", "logo_uri", "client_uri", "tos_uri", "policy_uri"):
        if body.get(name) and not _valid_uri(body[name]):
            add(name, "is not a valid URI")
    if body.get("jwks_uri") and _valid_uri(body["jwks_uri"]) and not may_fetch(body["jwks_uri"], origins):
        add("jwks_uri", "must be a loopback URL (the mock fetches only localhost/127.0.0.0/8/::1 key sets) or the demo tool's")
    invalid = [s for s in scopes if s not in LTI_SCOPES]
    if invalid:
        add("scopes", f"Invalid scopes: {', '.join(invalid)}")
    # Lti::IMS::Registration: what a registration must allow (checked when the tool sends the lists)
    if isinstance(body.get("grant_types"), list) and not {"client_credentials", "implicit"} <= set(body["grant_types"]):
        add("grant_types", "Must include client_credentials, implicit")
    if isinstance(body.get("response_types"), list) and "id_token" not in body["response_types"]:
        add("response_types", "Must include id_token")
    return errors


def placement_settings(config: dict[str, Any], label: str) -> dict[str, dict[str, Any]]:
    """Each Canvas placement the tool's messages name (IMS ``ContentArea``/``RichTextEditor`` and
    Canvas-prefixed names mapped), with what its first message sets: message type, label, URL."""
    found: dict[str, dict[str, Any]] = {}
    for message in config.get("messages") or []:
        names = message.get("placements") or ["ContentArea"]
        for name in names:
            placement = IMS_PLACEMENTS.get(name) or (name[len(CANVAS):] if name.startswith(CANVAS) else name)
            if placement and "/" not in placement and ":" not in placement and placement not in found:
                settings: dict[str, Any] = {"message_type": message["type"], "text": message.get("label") or label}
                if message.get("target_link_uri"):
                    settings["url"] = message["target_link_uri"]
                if message.get("icon_uri"):
                    settings["icon_url"] = message["icon_uri"]
                if message.get("custom_parameters"):
                    settings["custom_fields"] = dict(message["custom_parameters"])
                found[placement] = settings
    return found


def placements_of(config: dict[str, Any]) -> list[str]:
    """The Canvas placements the tool's messages name, in order."""
    return list(placement_settings(config, ""))


def privacy_of(config: dict[str, Any]) -> str:
    explicit = config.get(CANVAS + "privacy_level")
    if explicit in PRIVACY_LEVELS:
        return explicit
    claims = set(config.get("claims") or [])
    if "picture" in claims or {"name", "email"} <= claims:
        return "public"
    if "name" in claims:
        return "name_only"
    return "email_only" if "email" in claims else "anonymous"


@dataclass
class Registered:
    key: DeveloperKey
    registration: ImsRegistration
    tool: Tool


def register(world: World, token: dict[str, Any], body: Any, now: float, origins: Collection[str] = ()) -> Registered:
    """Validate and create; raises :class:`RegistrationError` with Canvas's status and body
    (``origins``: where the mock is reached, whose own key sets a ``jwks_uri`` may name)."""
    account_id = token.get("root_account_global_id")
    account = world.accounts.get(account_id) if isinstance(account_id, int) else None
    if account is None or account.parent_id is not None:
        raise RegistrationError(404, {"errorMessage": "Specified account does not exist"})
    if not isinstance(body, dict):
        raise RegistrationError(422, {"errors": [field_error("body", "The request body must be a JSON object")]})
    schema_errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(body), key=lambda e: list(e.path))
    if schema_errors:
        raise RegistrationError(422, {"errors": [
            field_error("/".join(str(p) for p in e.path) or "body", e.message) for e in schema_errors]})
    config = body.get(TOOL_CONFIGURATION)
    scopes = [s for s in str(body.get("scope") or "").split(" ") if s]
    errors = _model_errors(body, config, scopes, origins)
    if errors:
        raise RegistrationError(422, {"errors": errors})
    assert isinstance(config, dict)
    key_id = world.next_developer_key_id()
    stamp = api_time(now)
    key = DeveloperKey(id=key_id, name=body["client_name"], scopes=scopes, public_jwk_url=body["jwks_uri"],
                       redirect_uris=list(body["redirect_uris"]), oidc_initiation_url=body["initiate_login_uri"],
                       bindings={str(account.id): "on"}, account_id=account.id, created_at=stamp)
    privacy = privacy_of(config)
    tool = Tool(id=world.next_id("tools"), developer_key_id=key_id, context_type="Account", context_id=account.id,
                name=body["client_name"], url=config.get("target_link_uri"), domain=config.get("domain"),
                privacy_level=privacy, custom_fields=dict(config.get("custom_parameters") or {}),
                placements=placement_settings(config, body["client_name"]), created_at=stamp, updated_at=stamp)
    metadata = {k: body[k] for k in ("logo_uri", "client_uri", "tos_uri", "policy_uri", "application_type",
                                     "grant_types", "response_types", "token_endpoint_auth_method") if k in body}
    registration = ImsRegistration(
        id=world.next_id("ims_registrations"), developer_key_id=key_id, account_id=account.id,
        guid=str(token.get("uuid")), client_name=body["client_name"], redirect_uris=list(body["redirect_uris"]),
        initiate_login_uri=body["initiate_login_uri"], jwks_uri=body["jwks_uri"], scopes=scopes,
        tool_configuration=dict(config), metadata=metadata, privacy_level=privacy, placements=placements_of(config),
        user_id=token.get("user_id") if isinstance(token.get("user_id"), int) else None, created_at=api_time(now))
    world.developer_keys[key.id] = key
    world.tools[tool.id] = tool
    world.ims_registrations[registration.id] = registration
    return Registered(key, registration, tool)


def registered_scope(scopes: list[str]) -> list[str]:
    """What Canvas answers as ``scope`` (§12.2): the registered scopes, then ``openid``."""
    return [*scopes, *([] if "openid" in scopes else ["openid"])]


def response_body(reg: Registered, base_url: str, deployment_id: str) -> dict[str, Any]:
    r = reg.registration
    config = {**r.tool_configuration,
              CANVAS + "registration_config_url": f"{base_url}/api/lti/registrations/{r.id}/view"}
    body = {
        "client_id": reg.key.id, "application_type": "web", "grant_types": ["client_credentials", "implicit"],
        "initiate_login_uri": r.initiate_login_uri, "redirect_uris": r.redirect_uris,
        "response_types": ["id_token"], "client_name": r.client_name, "jwks_uri": r.jwks_uri,
        "logo_uri": r.metadata.get("logo_uri"), "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(registered_scope(r.scopes)), TOOL_CONFIGURATION: config,
        "registration_client_uri": f"{base_url}/api/lti/registrations/{r.id}",
        "deployment_id": deployment_id,
    }
    return {k: v for k, v in body.items() if v is not None}
