"""External Tools API (§16.1): ``/api/v1/{courses,accounts,groups}/:id/external_tools``.

Tools created here are rows of ``world.tools``, the same rows the LTI service filter chain
resolves tokens to (``World.tool_for_key``): installing a tool with ``client_id`` makes that
developer key's services work in the context. Arguments come as JSON or as Rails nested form
fields (``course_navigation[text]=…``); both are read into one structure and checked alike.
"""

from __future__ import annotations

import copy
import ipaddress
import re
import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.responses import Response

from ..auth.api_tokens import ApiAuth, can_manage_course, unauthorized
from ..canvas import cartridge
from ..canvas.errors import CanvasError, api_error, json_response, not_found
from ..canvas.ids import is_digits
from ..canvas.pagination import Page, int_param, link_header, page_size
from ..canvas.rails_params import RailsParamsError, request_params, to_bool, to_int
from ..canvas.timestamps import api_time
from ..canvas.validation import REST_FAMILIES, REST_TRANSLATORS
from ..context import RequestContext
from ..launch import session_token
from ..world import Tool, World

PLACEMENTS = (
    "account_navigation", "assignment_edit", "assignment_group_menu", "assignment_index_menu",
    "assignment_menu", "assignment_selection", "assignment_view", "collaboration",
    "course_assignments_menu", "course_home_sub_navigation", "course_navigation",
    "course_settings_sub_navigation", "discussion_topic_index_menu", "discussion_topic_menu",
    "file_index_menu", "file_menu", "global_navigation", "homework_submission", "link_selection",
    "migration_selection", "module_group_menu", "module_index_menu", "module_index_menu_modal",
    "module_menu_modal", "module_menu", "post_grades", "quiz_index_menu", "quiz_menu",
    "resource_selection", "similarity_detection", "student_context_card",
    "submission_type_selection", "tool_configuration", "user_navigation", "wiki_index_menu",
    "wiki_page_menu", "editor_button",
)
PRIVACY_LEVELS = ("anonymous", "name_only", "email_only", "public")
STRING_FIELDS = ("name", "description", "url", "domain", "consumer_key", "shared_secret", "icon_url", "text")
URL_OR_DOMAIN = "Either the url or domain should be set."
#: What Ruby's ``URI.parse`` (RFC 3986) accepts: URI characters and well-formed percent escapes.
RUBY_URI = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
DUPLICATE = "The tool is already installed in this context."
INVALID_URL = "Invalid URL"


def iso_now(ctx: RequestContext) -> str:
    return api_time(ctx.now())


def api_auth(ctx: RequestContext) -> ApiAuth:
    auth: Any = ctx.auth
    assert isinstance(auth, ApiAuth)
    return auth


async def read_params(ctx: RequestContext, body: Any = None) -> dict[str, Any]:
    """Query and body arguments as Rails sees them; an unparseable body is a 400."""
    try:
        return await request_params(ctx.request, body)
    except RailsParamsError as exc:
        raise api_error(400, str(exc)) from None


def model_errors(status: int, errors: dict[str, list[tuple[str, str]]]) -> CanvasError:
    """ActiveRecord errors in Api::Errors::Reporter format (``{"errors": {attr: [...]}}``)."""
    body = {attr: [{"attribute": attr, "type": kind, "message": message} for kind, message in items]
            for attr, items in errors.items()}
    return CanvasError(status, {"errors": body})


# -- serialization --------------------------------------------------------------------------

def _context_lti_id(world: World, tool: Tool) -> str:
    if tool.context_type == "Course" and tool.context_id in world.courses:
        return world.courses[tool.context_id].lti_context_id
    account = world.accounts.get(tool.context_id)
    return account.lti_guid.split(":")[0] if account else ""


def placement_json(tool: Tool, name: str) -> dict[str, Any] | None:
    """``extension_setting``: the stored settings with Canvas's fallbacks to tool-level values (the
    url, text, icon) and, for the selection size, to the tool's then 800x400."""
    settings = tool.placements.get(name)
    if settings is None:
        return None
    body: dict[str, Any] = {"enabled": True, "url": tool.url, "text": tool.text or tool.name}
    if tool.icon_url:
        body["icon_url"] = tool.icon_url
    body["selection_width"] = tool.selection_width or 800
    body["selection_height"] = tool.selection_height or 400
    body.update(settings)
    body.setdefault("label", body.get("text"))
    return body


def tool_json(world: World, tool: Tool, membership_service: bool = False) -> dict[str, Any]:
    """Canvas keeps a tool's privacy level in its ``workflow_state`` column, so both report it
    while the tool is active, and both say ``deleted`` once it is deleted. A tool without
    custom fields has ``custom_fields: null``; its selection size and icon appear only when set."""
    state = tool.privacy_level if tool.workflow_state == "active" else tool.workflow_state
    body: dict[str, Any] = {
        "id": tool.id, "domain": tool.domain, "url": tool.url, "consumer_key": tool.consumer_key,
        "name": tool.name, "description": tool.description, "created_at": tool.created_at,
        "updated_at": tool.updated_at, "privacy_level": state, "custom_fields": dict(tool.custom_fields) or None,
        "workflow_state": state, "vendor_help_link": None,
    }
    for name in PLACEMENTS:
        body[name] = placement_json(tool, name)
    if membership_service:  # feature flag ``membership_service_for_lti_tools``
        body["allow_membership_service_access"] = tool.allow_membership_service_access
    optional = {"selection_width": tool.selection_width, "selection_height": tool.selection_height,
                "prefer_sis_email": tool.prefer_sis_email, "icon_url": tool.icon_url}
    body.update({key: value for key, value in optional.items() if value is not None})
    body.update({
        "not_selectable": tool.not_selectable, "version": "1.3" if tool.developer_key_id else "1.1",
        "deployment_id": f"{tool.id}:{_context_lti_id(world, tool)}",
    })
    if tool.developer_key_id:
        body["developer_key_id"] = int(tool.developer_key_id)
    if "editor_button" in tool.placements:  # ``can_be_rce_favorite?``; no account-level favourites list here
        body["is_rce_favorite"] = tool.is_rce_favorite
    return body


# -- context and lookup ---------------------------------------------------------------------

def _present(value: Any) -> bool:
    """Ruby's ``present?`` for a parameter: given and not blank (``"false"`` is present)."""
    return value is not None and value is not False and (not isinstance(value, str) or bool(value.strip()))


def context_of(auth: ApiAuth) -> tuple[str, int]:
    if auth.group is not None:
        return "Group", auth.group.id
    if auth.course is not None:
        return "Course", auth.course.id
    assert auth.account is not None
    return "Account", auth.account.id


def reachable_tools(world: World, auth: ApiAuth, include_parents: bool) -> list[Tool]:
    """The context's own active tools; with ``include_parents`` also those of the course (for a
    group) and of every account above, nearest first, then by id."""
    kind, context_id = context_of(auth)
    contexts: list[tuple[str, int]] = [(kind, context_id)]
    if include_parents:
        course = auth.course
        if kind == "Group" and course is not None:
            contexts.append(("Course", course.id))
        account_id = course.account_id if course is not None else context_id
        contexts += [("Account", a.id) for a in world.account_chain(account_id) if (kind, context_id) != ("Account", a.id)]
    active = sorted((t for t in world.tools.values() if t.workflow_state == "active"), key=lambda t: t.id)
    found: list[Tool] = []
    for ctx_kind, ctx_id in contexts:
        found += [t for t in active if (t.context_type, t.context_id) == (ctx_kind, ctx_id)]
    return found


def tool_in_context(world: World, auth: ApiAuth, raw_id: Any) -> Tool:
    """Show/update/delete: an active tool installed in this very context, else 404."""
    kind, context_id = context_of(auth)
    tool = world.tools.get(int(raw_id)) if is_digits(str(raw_id)) else None
    if tool is None or tool.workflow_state != "active" or (tool.context_type, tool.context_id) != (kind, context_id):
        raise not_found()
    return tool


def _split(url: str | None) -> Any:
    try:
        return urlsplit(url) if url else None
    except ValueError:  # e.g. an unclosed IPv6 bracket: nothing to match
        return None


def domain_matches(tool: Tool, url: str | None) -> bool:
    """``matches_tool_domain?``: the url's host (with its port, when it names one) is the tool's
    ``domain`` or under it. A tool without a domain matches no url this way."""
    parts = _split(url)
    if not tool.domain or parts is None or not parts.hostname:
        return False
    try:
        port = parts.port
    except ValueError:
        return False
    host = f".{parts.hostname}" + (f":{port}" if port is not None else "")
    domain = tool.domain.lower().removeprefix("https://").removeprefix("http://")
    return host.endswith(f".{domain}")


def url_matches(tool: Tool, url: str | None) -> bool:
    """``matches_host?``: a domain match, or the same host (any port or path) as the tool's url."""
    parts, own = _split(url), _split(tool.url)
    if parts is None:
        return False
    return domain_matches(tool, url) or bool(own is not None and own.hostname and own.hostname == parts.hostname)


def _precedence(tool: Tool) -> int:
    """``ContextExternalTool#precedence``: a tool with a more specific domain comes first."""
    if tool.domain:
        return 25 - len(tool.domain.split("."))
    return 25 if tool.url else 26


def standard_url(url: str | None) -> tuple[str, str, int | None, str, tuple[str, ...]] | None:
    """``ContextExternalTool.standardize_url``: blanks removed, ``http://`` added when the url has no
    scheme, normalized as Addressable does (lower-case scheme and host, no default port, ``/`` for an
    empty path) and the query's parameters sorted."""
    if not url or not url.strip():
        return None
    url = "".join(url.split())
    parts = _split(url if "://" in url else f"http://{url}")
    if parts is None or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if port == {"http": 80, "https": 443}.get(scheme):
        port = None
    query = tuple(sorted(p for p in parts.query.split("&") if p))
    return scheme, parts.hostname.lower(), port, parts.path or "/", query


def url_matches_exactly(tool: Tool, url: str) -> bool:
    own = standard_url(tool.url)
    return own is not None and standard_url(url) == own


def url_matches_loosely(tool: Tool, url: str) -> bool:
    """``matches_url?(url, false)``: the same url once the search url keeps only the query parameters
    the tool's url has (so every one of those must be there, with its value)."""
    own, other = standard_url(tool.url), standard_url(url)
    if own is None or other is None:
        return False
    return (*other[:4], tuple(p for p in other[4] if p in own[4])) == own


def best_tool(tools: list[Tool], url: str) -> Tool | None:
    """``Lti::ToolFinder``'s matching over ``find_and_order_tools``' order (LTI 1.3 first, then the
    nearest context, then the most specific domain): the launch URL itself (query parameters sorted),
    then the launch URL ignoring query parameters the tool's url does not have, then a domain match."""
    if _split(url) is None:
        return None
    contexts: dict[tuple[str, int], int] = {}
    for tool in tools:
        contexts.setdefault((tool.context_type, tool.context_id), len(contexts))
    ordered = sorted(tools, key=lambda t: (t.developer_key_id is None, contexts[(t.context_type, t.context_id)], _precedence(t)))
    return (next((t for t in ordered if url_matches_exactly(t, url)), None)
            or next((t for t in ordered if url_matches_loosely(t, url)), None)
            or next((t for t in ordered if domain_matches(t, url)), None))


def tool_from_url(tools: list[Tool], url: str | None, preferred_id: Any = None) -> Tool | None:
    """``Lti::ToolFinder.from_url(url, context, preferred_tool_id:)`` over the context's ``tools``:
    without a url the preferred tool; else the preferred tool when the url is on its host
    (``matches_host?``), unless it is LTI 1.1 and the match LTI 1.3; else the best match."""
    preferred = next((t for t in tools if preferred_id is not None and str(t.id) == str(preferred_id)), None)
    if not url:
        return preferred
    match = best_tool(tools, url)
    if preferred is not None and url_matches(preferred, url):
        if match is not None and match.developer_key_id and not preferred.developer_key_id:
            return match
        return preferred
    return match


# -- create / update ------------------------------------------------------------------------

#: ``ContextExternalTool::STANDARD_EXTENSION_KEYS`` and the keys some placements add
#: (``CUSTOM_EXTENSION_KEYS``): a placement keeps only these.
PLACEMENT_KEYS = frozenset((
    "canvas_icon_class", "custom_fields", "default", "display_type", "enabled", "icon_svg_path_64", "icon_url",
    "message_type", "prefer_sis_email", "required_permissions", "launch_height", "launch_width", "launch_method",
    "selection_height", "selection_width", "text", "labels", "windowTarget", "url", "target_link_uri",
    "root_account_only", "visibility"))
CUSTOM_PLACEMENT_KEYS = {"file_menu": ("accept_media_types",), "editor_button": ("use_tray",),
                         "submission_type_selection": ("description", "require_resource_selection")}
VISIBILITIES = ("members", "admins", "public", None)


def _placement_settings(name: str, value: dict[str, Any]) -> dict[str, Any]:
    """``set_extension_setting``: the placement's known keys (a ``visibility`` only when valid),
    ``enabled`` as a boolean and the sizes as integers."""
    allowed = PLACEMENT_KEYS | set(CUSTOM_PLACEMENT_KEYS.get(name, ()))
    settings: dict[str, Any] = {}
    for key, item in value.items():
        if key not in allowed or (key == "visibility" and item not in VISIBILITIES):
            continue
        if key == "enabled":
            settings[key] = to_bool(item)
        elif key in ("selection_width", "selection_height", "launch_width", "launch_height"):
            number = to_int(item)
            if number is not None:
                settings[key] = number
        elif isinstance(item, (str, int, float, bool)) or item is None or isinstance(item, dict):
            settings[key] = item
    return settings


def _retrievable(url: str) -> bool:
    """``process_extended_configuration``: a config URL without a host, or whose host CanvasHttp
    refuses as insecure (``localhost``, loopback, private and link-local addresses), is
    ``Invalid URL`` before anything is fetched."""
    host = (_split(url.strip()) or urlsplit("")).hostname
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True
    return not (address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified)


def tool_params(params: dict[str, Any]) -> dict[str, Any]:
    """``(params[:external_tool] || params)``: Canvas's own UI nests a tool's settings under
    ``external_tool``; the API documents them at the top level. Either is read."""
    nested = params.get("external_tool")
    return nested if isinstance(nested, dict) else params


def _membership_service(ctx: RequestContext) -> bool:
    return ctx.state.settings.membership_service_for_lti_tools


def tool_attributes(world: World, params: dict[str, Any], membership_service: bool = False) -> dict[str, Any]:
    """What the arguments set. Canvas assigns them in ``set_tool_attributes``' order, the cartridge
    (``config_type`` + ``config_xml``/``config_url``) last, so what the XML says wins over the
    explicit arguments, except a given ``name``, which Canvas puts back over the XML's title."""
    attrs: dict[str, Any] = {}
    configured: dict[str, Any] = {}
    config_type = params.get("config_type")
    if config_type in ("by_xml", "by_url"):
        if config_type == "by_xml":
            xml = params.get("config_xml")
            if not isinstance(xml, str) or not xml.strip():
                raise model_errors(400, {"config_xml": [("blank", "can't be blank")]})
        else:
            url = params.get("config_url")
            if not isinstance(url, str) or not url.strip():
                raise model_errors(400, {"config_url": [("blank", "can't be blank")]})
            if not _retrievable(url):
                raise model_errors(400, {"config_url": [(INVALID_URL, INVALID_URL)]})
            xml = world.tool_config_urls.get(url)
            if xml is None:
                raise model_errors(400, {"config_url": [("invalid", "Could not retrieve the configuration, the server response was 404.")]})
        try:
            configured = cartridge.parse(xml)
        except cartridge.CartridgeError as exc:
            key = "config_xml" if config_type == "by_xml" else "config_url"
            raise model_errors(400, {key: [("invalid", str(exc))]}) from None
    for key in (*STRING_FIELDS, "privacy_level"):
        if key in params and (params[key] is None or isinstance(params[key], (str, int, float))):
            attrs[key] = None if params[key] is None else str(params[key])
    for key in ("selection_width", "selection_height"):
        if key in params:
            attrs[key] = to_int(params[key])
    flags = ("not_selectable", "oauth_compliant", "is_rce_favorite") + (
        ("allow_membership_service_access",) if membership_service else ())
    for key in flags:
        if key in params:
            attrs[key] = to_bool(params[key])
    if isinstance(params.get("custom_fields"), dict):
        attrs["custom_fields"] = {str(k): str(v) for k, v in params["custom_fields"].items()}
    placements: dict[str, Any] = {name: params[name] for name in PLACEMENTS if name in params}
    placements.update(configured.pop("placements", {}))
    if (attrs.get("name") or "").strip():
        configured.pop("name", None)
    attrs.update(configured)
    if placements:
        # ``set_extension_setting``: anything but a hash (``null``, ``"null"``) removes the placement
        attrs["placements"] = {name: _placement_settings(name, value) if isinstance(value, dict) else None
                               for name, value in placements.items() if name in PLACEMENTS}
    for key in ("selection_width", "selection_height"):
        if isinstance(attrs.get(key), str):
            attrs[key] = to_int(attrs[key])
    for key in ("not_selectable", "oauth_compliant"):
        if isinstance(attrs.get(key), str):
            attrs[key] = to_bool(attrs[key])
    return attrs


def _has_placement_url(tool: Tool) -> bool:
    return any(settings.get("url") or settings.get("target_link_uri") for settings in tool.placements.values())


def validate_tool(tool: Tool, lti_1_1: bool) -> None:
    """ContextExternalTool's validations (400, model errors), all reported at once. A url, a domain
    or a placement's own url is needed (``url_or_domain_is_set``); both a url and a domain are fine."""
    errors: dict[str, list[tuple[str, str]]] = {}
    if not (tool.name or "").strip():
        errors["name"] = [("blank", "can't be blank")]
    if lti_1_1:
        for key in ("consumer_key", "shared_secret"):
            if not (getattr(tool, key) or "").strip():
                errors[key] = [("blank", "can't be blank")]
    if tool.privacy_level not in PRIVACY_LEVELS:
        errors["privacy_level"] = [("inclusion", "is not included in the list")]
    if not (tool.url or "").strip() and not (tool.domain or "").strip() and not _has_placement_url(tool):
        errors["url"] = [("url_or_domain_required", URL_OR_DOMAIN)]
        errors["domain"] = [("url_or_domain_required", URL_OR_DOMAIN)]
    for url in [tool.url, *(p.get("url") or p.get("target_link_uri") for p in tool.placements.values())]:
        if isinstance(url, str) and not RUBY_URI.fullmatch(url):  # ``validate_urls``: ``URI.parse`` fails
            message = f"Incorrect url for {url}"
            errors.setdefault("url", []).append((message, message))
    if errors:
        raise model_errors(400, errors)


def _apply(tool: Tool, attrs: dict[str, Any]) -> None:
    """Set what the arguments give; a placement's settings merge into the ones it has."""
    for key, value in attrs.items():
        if key == "placements":
            for name, settings in value.items():
                if settings is None:
                    tool.placements.pop(name, None)
                else:
                    tool.placements[name] = {**tool.placements.get(name, {}), **settings}
        elif hasattr(tool, key):
            setattr(tool, key, value)


def infer_defaults(tool: Tool) -> None:
    """``ContextExternalTool#infer_defaults`` on save: blank url/domain are nil, a placement that sets
    no ``enabled`` and has no url to launch (its own or the tool's) is dropped, and only a tool with
    an editor button can be an RCE favorite."""
    tool.url = tool.url or None
    tool.domain = tool.domain or None
    if not tool.url:
        tool.placements = {name: settings for name, settings in tool.placements.items()
                           if "enabled" in settings or settings.get("url")}
    tool.is_rce_favorite = tool.is_rce_favorite and "editor_button" in tool.placements


def _check_duplicate(world: World, auth: ApiAuth, tool: Tool) -> None:
    """``check_for_duplication`` (``verify_uniqueness``): a tool of this context or an account above
    already matches the new tool's url (``Lti::ToolFinder.from_url``), or has its domain."""
    others = reachable_tools(world, auth, include_parents=True)
    same_url = bool(tool.url) and best_tool(others, tool.url or "") is not None
    same_domain = bool(tool.domain) and any(t.domain == tool.domain for t in others)
    if same_url or same_domain:
        raise model_errors(400, {"tool_currently_installed": [(DUPLICATE, DUPLICATE)]})


def key_tool_attributes(world: World, key_id: str) -> dict[str, Any]:
    """What a tool installed from a developer key takes from the key's configuration."""
    key = world.developer_keys[key_id]
    config: dict[str, Any] = {}
    for registration in world.registrations.values():
        if registration.developer_key_id == key_id and registration.workflow_state == "active":
            from .registrations import overlaid_configuration  # late: registrations imports us
            config = overlaid_configuration(registration)
    url = config.get("target_link_uri") or (key.redirect_uris[0] if key.redirect_uris else None)
    placements = {
        p["placement"]: {k: v for k, v in p.items() if k not in ("placement", "target_link_uri")}
        | ({"url": p["target_link_uri"]} if p.get("target_link_uri") else {})
        for p in config.get("placements", []) if isinstance(p, dict) and p.get("placement") in PLACEMENTS
    }
    return {"name": config.get("title") or key.name, "url": url,
            "domain": config.get("domain") or (urlsplit(url).hostname if url else None),
            "privacy_level": config.get("privacy_level") or "anonymous", "description": config.get("description"),
            "custom_fields": dict(config.get("custom_fields") or {}), "placements": placements}


def tool_from_key(world: World, key_id: str, kind: str, context_id: int, now: str) -> Tool:
    """An LTI 1.3 tool installed from a developer key's configuration (``client_id``)."""
    return Tool(id=world.next_id("tools"), developer_key_id=key_id, context_type=kind, context_id=context_id,
                consumer_key=key_id, created_at=now, updated_at=now, **key_tool_attributes(world, key_id))


def update_tools_from_key(world: World, key_id: str, now: str) -> None:
    """Canvas's ``DeveloperKey#update_external_tools!``: when a key's configuration changes, every
    tool installed from it takes the new one."""
    attributes = key_tool_attributes(world, key_id)
    for tool in world.tools.values():
        if tool.developer_key_id == key_id and tool.workflow_state != "deleted":
            for name, value in attributes.items():
                setattr(tool, name, copy.deepcopy(value))
            tool.updated_at = now


# -- handlers -------------------------------------------------------------------------------

async def list_tools(ctx: RequestContext, **_: Any) -> Response:
    auth, world, query = api_auth(ctx), ctx.world, ctx.request.query_params
    include_parents = to_bool(query.get("include_parents", "false"))
    search = (query.get("search_term") or "").lower()
    selectable = to_bool(query.get("selectable", "false"))
    placement = query.get("placement")
    with world.lock:
        tools = [
            t for t in reachable_tools(world, auth, include_parents)
            if (not search or search in t.name.lower())
            and (not selectable or not t.not_selectable)
            and (not placement or (placement in t.placements and t.placements[placement].get("enabled", True)))
        ]
        size = page_size(int_param(query.get("per_page")), 10, 100)
        page = Page(max(1, int_param(query.get("page")) or 1), size, len(tools))
        body = [tool_json(world, t, _membership_service(ctx)) for t in tools[page.start:page.start + size]]
    link = link_header(f"{ctx.base_url}{ctx.path}", ctx.query, page)
    return json_response(body, headers={"Link": link})


async def show_tool(ctx: RequestContext, external_tool_id: Any = None, **_: Any) -> Response:
    with ctx.world.lock:
        return json_response(tool_json(ctx.world, tool_in_context(ctx.world, api_auth(ctx), external_tool_id), _membership_service(ctx)))


async def create_tool(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    auth, world = api_auth(ctx), ctx.world
    params = await read_params(ctx, body)
    kind, context_id = context_of(auth)
    now = iso_now(ctx)
    nested = params.get("external_tool")
    verify_uniqueness = isinstance(nested, dict) and _present(nested.get("verify_uniqueness"))
    with world.lock:
        if "client_id" in params:
            key = world.developer_keys.get(str(params["client_id"]))
            if key is None or key.workflow_state == "deleted":
                raise not_found()
            account_id = auth.course.account_id if auth.course is not None else context_id
            if key.workflow_state != "active" or not world.key_active_in(key, account_id):  # ``usable_in_context?``
                raise model_errors(422, {"client_id": [("invalid", "Developer key is not usable in this context")]})
            tool = tool_from_key(world, key.id, kind, context_id, now)
        else:
            attrs = tool_attributes(world, tool_params(params), _membership_service(ctx))
            tool = Tool(id=0, developer_key_id=None, context_type=kind, context_id=context_id,
                        name="", privacy_level=attrs.pop("privacy_level", "anonymous") or "", created_at=now, updated_at=now)
            _apply(tool, attrs)
            validate_tool(tool, lti_1_1=True)
            infer_defaults(tool)
        if verify_uniqueness:
            _check_duplicate(world, auth, tool)
        if not tool.id:
            tool.id = world.next_id("tools")
        world.tools[tool.id] = tool
        return json_response(tool_json(world, tool, _membership_service(ctx)))


async def update_tool(ctx: RequestContext, external_tool_id: Any = None, body: Any = None, **_: Any) -> Response:
    auth, world = api_auth(ctx), ctx.world
    params = await read_params(ctx, body)
    with world.lock:
        tool = tool_in_context(world, auth, external_tool_id)
        attrs = tool_attributes(world, tool_params(params), _membership_service(ctx))
        candidate = Tool(**{**tool.__dict__, "placements": copy.deepcopy(tool.placements), "custom_fields": dict(tool.custom_fields)})
        _apply(candidate, attrs)
        validate_tool(candidate, lti_1_1=tool.developer_key_id is None)
        infer_defaults(candidate)
        candidate.updated_at = iso_now(ctx)
        world.tools[tool.id] = candidate
        return json_response(tool_json(world, candidate, _membership_service(ctx)))


async def delete_tool(ctx: RequestContext, external_tool_id: Any = None, **_: Any) -> Response:
    """Soft delete: LTI services stop resolving the key here; resource links keep the id."""
    world = ctx.world
    with world.lock:
        tool = tool_in_context(world, api_auth(ctx), external_tool_id)
        tool.workflow_state = "deleted"
        tool.updated_at = iso_now(ctx)
        return json_response(tool_json(world, tool, _membership_service(ctx)))


# -- sessionless launch (``generate_sessionless_launch``) ---------------------------------------

NOTHING_TO_LAUNCH = "A tool id, tool url, module item id, or resource link lookup uuid must be provided"
NO_MATCHING_TOOL = {"errors": {"external_tool": "Unable to find a matching external tool"}}
CONTEXT_PATHS = {"Course": "courses", "Account": "accounts", "Group": "groups"}


def context_errors(**messages: str) -> CanvasError:
    """``render json: @context.errors, status: :bad_request`` after ``errors.add(attr, "text")``:
    the model-errors shape, the text standing as the error's type too."""
    return model_errors(400, {attr: [(text, text)] for attr, text in messages.items()})


def _context_url(ctx: RequestContext, auth: ApiAuth) -> str:
    kind, context_id = context_of(auth)
    return f"{ctx.base_url}/{CONTEXT_PATHS[kind]}/{context_id}"


def _link_to(base: str, **query: Any) -> str:
    """A Rails URL helper's query: keys sorted (``to_query``), absent values left out."""
    return f"{base}?{urlencode(sorted((k, str(v)) for k, v in query.items() if v is not None))}"


def _find_tool(world: World, auth: ApiAuth, tool_id: Any, launch_type: Any) -> Tool | None:
    """``find_tool``: a reachable tool by id, having ``launch_type``'s placement when one is named."""
    if launch_type is not None and launch_type not in PLACEMENTS:
        return None
    tool = next((t for t in reachable_tools(world, auth, include_parents=True) if str(t.id) == str(tool_id)), None)
    if tool is not None and launch_type is not None and not tool.placements.get(launch_type, {}).get("enabled", True):
        return None
    return tool if tool is None or launch_type is None or launch_type in tool.placements else None


def _tool_from_url(world: World, auth: ApiAuth, url: str, preferred_id: Any) -> Tool | None:
    return tool_from_url(reachable_tools(world, auth, include_parents=True), url, preferred_id)


def _launch_link(ctx: RequestContext, auth: ApiAuth, tool: Tool, params: dict[str, Any], launch_url: Any,
                 lookup: Any, assignment_id: int | None) -> str:
    """``sessionless_launch_link`` for an LTI 1.3 tool (a ``session_token`` signs the user in),
    else the 1.1 ``sessionless_launch`` page with a one-time ``verifier``."""
    kind, context_id = context_of(auth)
    context = f"{ctx.base_url}/{CONTEXT_PATHS[kind]}/{context_id}"
    token = session_token.issue(ctx.state.secret, auth.user_id or 0, ctx.now())
    if tool.developer_key_id is None:
        return _link_to(f"{context}/external_tools/sessionless_launch", verifier=secrets.token_hex(32), session_token=token)
    tool_id, launch_type = params.get("id"), params.get("launch_type")
    if assignment_id is not None:
        return _link_to(f"{ctx.base_url}/courses/{context_id}/assignments/{assignment_id}", display="borderless", session_token=token)
    if (launch_url or lookup) and not tool_id and not launch_type:
        return _link_to(f"{context}/external_tools/retrieve", url=launch_url, display="borderless", session_token=token,
                        resource_link_lookup_uuid=lookup)
    return _link_to(f"{context}/external_tools/{tool.id}", display="borderless", session_token=token,
                    launch_url=launch_url, launch_type=launch_type)


def _common_launch(ctx: RequestContext, auth: ApiAuth, params: dict[str, Any], launch_url: Any = None,
                   lookup: Any = None, assignment_id: int | None = None) -> Response:
    """``generate_common_sessionless_launch``: find the tool, then answer its launch link. No tool
    by id redirects to the context (302, as ``find_tool`` does); no tool by url is a 200 carrying
    ``errors.external_tool``, as the controller renders it for JSON."""
    world = ctx.world
    tool_id, launch_type = params.get("id"), params.get("launch_type")
    launch_url = params.get("url") or launch_url
    if not (tool_id or launch_url or lookup):
        raise context_errors(**dict.fromkeys(("id", "url", "module_item_id", "resource_link_lookup_uuid"), NOTHING_TO_LAUNCH))
    tool: Tool | None
    if lookup:
        link = next((rl for rl in world.resource_links.values() if rl.lookup_uuid == str(lookup)
                     and rl.context_type == "Course" and auth.course is not None and rl.context_id == auth.course.id
                     and rl.workflow_state == "active"), None)
        linked = world.tools.get(link.tool_id) if link is not None and link.url and link.tool_id is not None else None
        tool = linked if linked is not None and linked.workflow_state == "active" else \
            _tool_from_url(world, auth, str(link.url if link is not None and link.url else launch_url or ""), None)
    elif launch_url:
        tool = _tool_from_url(world, auth, str(launch_url), tool_id)
    else:
        tool = _find_tool(world, auth, tool_id, launch_type)
        if tool is None:
            return Response(status_code=302, headers={"Location": _context_url(ctx, auth)})
    placement_url = tool.placements.get(str(launch_type), {}).get("url") if tool is not None else None
    if tool is None or not (tool.url or placement_url or launch_url):
        return json_response(NO_MATCHING_TOOL)
    url = _launch_link(ctx, auth, tool, params, launch_url, lookup, assignment_id)
    return json_response({"id": tool.id, "name": tool.name, "url": url})


async def sessionless_launch(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """``generate_sessionless_launch``: by resource link lookup uuid, module item, assignment
    (``launch_type=assessment``), or tool id / url (optionally for a placement)."""
    auth, world = api_auth(ctx), ctx.world
    params = await read_params(ctx, body)
    launch_type = params.get("launch_type")
    with world.lock:
        if params.get("resource_link_lookup_uuid"):
            return _common_launch(ctx, auth, params, lookup=params["resource_link_lookup_uuid"])
        if launch_type == "module_item":
            if not params.get("module_item_id"):
                raise context_errors(module_item_id="A module item id must be provided for module item LTI launch")
            raise not_found()  # ContentTag.find: modules are not modelled, so no module item exists
        if launch_type == "assessment":
            if not params.get("assignment_id"):
                raise context_errors(assignment_id="An assignment id must be provided for assessment LTI launch")
            assignment = world.assignments.get(to_int(params["assignment_id"]) or 0)
            if assignment is None or auth.course is None or assignment.course_id != auth.course.id \
                    or assignment.workflow_state == "deleted":
                raise not_found()
            if assignment.workflow_state != "published" and not can_manage_course(world, auth, auth.course):
                raise unauthorized()
            if assignment.external_tool_id is None:
                raise context_errors(assignment_id="The assignment must have an external tool tag")
            tag_tool = world.tools.get(assignment.external_tool_id)
            tag_url = assignment.external_tool_url or (tag_tool.url if tag_tool is not None else None)
            return _common_launch(ctx, auth, params, launch_url=tag_url, assignment_id=assignment.id)
        return _common_launch(ctx, auth, params)


REST_TRANSLATORS.update({op: REST_FAMILIES["model"] for op in (
    "createCourseExternalTool", "createAccountExternalTool", "updateCourseExternalTool", "updateAccountExternalTool")})

OPERATIONS = {
    "listCourseExternalTools": list_tools,
    "listAccountExternalTools": list_tools,
    "listGroupExternalTools": list_tools,
    "getCourseExternalTool": show_tool,
    "getAccountExternalTool": show_tool,
    "createCourseExternalTool": create_tool,
    "createAccountExternalTool": create_tool,
    "updateCourseExternalTool": update_tool,
    "updateAccountExternalTool": update_tool,
    "deleteCourseExternalTool": delete_tool,
    "deleteAccountExternalTool": delete_tool,
    "getCourseSessionlessLaunch": sessionless_launch,
    "getAccountSessionlessLaunch": sessionless_launch,
    "postCourseSessionlessLaunch": sessionless_launch,
    "postAccountSessionlessLaunch": sessionless_launch,
}
