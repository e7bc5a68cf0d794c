"""External Tools API (§16.1): ``/api/v1/{courses,accounts,groups}/:id/external_tools``.

Tools created here are rows of ``world.tools``, the same rows the LTI service filter chain
resolves tokens to (``World.tool_for_key``): installing a tool with ``client_id`` makes that
developer key's services work in the context. Arguments come as JSON or as Rails nested form
fields (``course_navigation[text]=…``); both are read into one structure and checked alike.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response

from ..auth.api_tokens import ApiAuth
from ..canvas import cartridge
from ..canvas.errors import CanvasError, api_error, json_response, not_found
from ..canvas.ids import is_digits
from ..canvas.pagination import Page, int_param, link_header, page_size
from ..canvas.rails_params import RailsParamsError, request_params, to_bool, to_int
from ..canvas.timestamps import api_time
from ..canvas.validation import REST_FAMILIES, REST_TRANSLATORS
from ..context import RequestContext
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
NOT_BOTH = "Either the url or domain should be set, not both."


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
    """``extension_setting``: the stored settings with Canvas's fallbacks to tool-level values."""
    settings = tool.placements.get(name)
    if settings is None:
        return None
    body: dict[str, Any] = {"enabled": True, "url": tool.url, "text": tool.text or tool.name}
    if tool.icon_url:
        body["icon_url"] = tool.icon_url
    if tool.selection_width is not None:
        body["selection_width"] = tool.selection_width
    if tool.selection_height is not None:
        body["selection_height"] = tool.selection_height
    body.update(settings)
    body.setdefault("label", body.get("text"))
    return body


def tool_json(world: World, tool: Tool) -> dict[str, Any]:
    """Canvas keeps a tool's privacy level in its ``workflow_state`` column, so both report it
    while the tool is active, and both say ``deleted`` once it is deleted. A tool without
    custom fields has ``custom_fields: null``."""
    state = tool.privacy_level if tool.workflow_state == "active" else tool.workflow_state
    body: dict[str, Any] = {
        "id": tool.id, "domain": tool.domain, "url": tool.url, "consumer_key": tool.consumer_key,
        "name": tool.name, "description": tool.description, "created_at": tool.created_at,
        "updated_at": tool.updated_at, "privacy_level": state, "custom_fields": dict(tool.custom_fields) or None,
        "workflow_state": state,
    }
    for name in PLACEMENTS:
        body[name] = placement_json(tool, name)
    body.update({
        "selection_width": tool.selection_width, "selection_height": tool.selection_height,
        "icon_url": tool.icon_url, "not_selectable": tool.not_selectable,
        "version": "1.3" if tool.developer_key_id else "1.1",
        "deployment_id": f"{tool.id}:{_context_lti_id(world, tool)}",
    })
    if tool.developer_key_id:
        body["developer_key_id"] = int(tool.developer_key_id)
    return body


# -- context and lookup ---------------------------------------------------------------------

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


def best_tool(tools: list[Tool], url: str) -> Tool | None:
    """``Lti::ToolFinder.from_url``: a tool whose launch URL is this one (ignoring the query) first,
    then a domain match, each in the given (nearest context first) order."""
    parts = _split(url)
    if parts is None:
        return None
    base = parts._replace(query="", fragment="")
    for tool in tools:
        own = _split(tool.url)
        if own is not None and own._replace(query="", fragment="") == base:
            return tool
    return next((t for t in tools if domain_matches(t, url)), None)


# -- create / update ------------------------------------------------------------------------

def _placement_settings(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    settings: dict[str, Any] = {}
    for key, item in value.items():
        if key == "enabled":
            settings[key] = to_bool(item)
        elif key in ("selection_width", "selection_height", "launch_width", "launch_height"):
            number = to_int(item)
            if number is not None:
                settings[key] = number
        elif isinstance(item, (str, int, float, bool)) or item is None or isinstance(item, dict):
            settings[key] = item
    return settings


def tool_attributes(world: World, params: dict[str, Any]) -> dict[str, Any]:
    """What the arguments set: the XML configuration first (``config_type``), the explicit
    arguments on top (so ``name`` overrides the XML's title, as documented)."""
    attrs: dict[str, Any] = {}
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
            xml = world.tool_config_urls.get(url)
            if xml is None:
                raise model_errors(400, {"config_url": [("invalid", "Could not retrieve the configuration, the server response was 404.")]})
        try:
            attrs.update(cartridge.parse(xml))
        except cartridge.CartridgeError as exc:
            key = "config_xml" if config_type == "by_xml" else "config_url"
            raise model_errors(400, {key: [("invalid", str(exc))]}) from None
    for key in (*STRING_FIELDS, "privacy_level"):
        if key in params and (params[key] is None or isinstance(params[key], (str, int, float))):
            attrs[key] = None if params[key] is None else str(params[key])
    for key in ("selection_width", "selection_height"):
        if key in params:
            attrs[key] = to_int(params[key])
    for key in ("not_selectable", "oauth_compliant"):
        if key in params:
            attrs[key] = to_bool(params[key])
    if isinstance(params.get("custom_fields"), dict):
        attrs["custom_fields"] = {str(k): str(v) for k, v in params["custom_fields"].items()}
    placements = dict(attrs.pop("placements", {}))
    for name in PLACEMENTS:
        if name in params:
            placements[name] = params[name]
    if placements:
        attrs["placements"] = {name: _placement_settings(value) for name, value in placements.items()
                               if name in PLACEMENTS and isinstance(value, dict)}
    for key in ("selection_width", "selection_height"):
        if isinstance(attrs.get(key), str):
            attrs[key] = to_int(attrs[key])
    for key in ("not_selectable", "oauth_compliant"):
        if isinstance(attrs.get(key), str):
            attrs[key] = to_bool(attrs[key])
    return attrs


def validate_tool(tool: Tool, lti_1_1: bool) -> None:
    """ContextExternalTool's validations (400, model errors), all reported at once."""
    errors: dict[str, list[tuple[str, str]]] = {}
    if not (tool.name or "").strip():
        errors["name"] = [("blank", "can't be blank")]
    if lti_1_1:
        for key in ("consumer_key", "shared_secret"):
            if not (getattr(tool, key) or "").strip():
                errors[key] = [("blank", "can't be blank")]
    if tool.privacy_level not in PRIVACY_LEVELS:
        errors["privacy_level"] = [("inclusion", "is not included in the list")]
    has_url, has_domain = bool((tool.url or "").strip()), bool((tool.domain or "").strip())
    if not has_url and not has_domain:
        errors["url"] = [("url_or_domain_required", URL_OR_DOMAIN)]
        errors["domain"] = [("url_or_domain_required", URL_OR_DOMAIN)]
    elif has_url and has_domain and not tool.developer_key_id:
        errors["url"] = [("url_or_domain_exclusive", NOT_BOTH)]
    if errors:
        raise model_errors(400, errors)


def _apply(tool: Tool, attrs: dict[str, Any]) -> None:
    for key, value in attrs.items():
        if key == "placements":
            tool.placements.update(value)
        elif hasattr(tool, key):
            setattr(tool, key, value)


def tool_from_key(world: World, key_id: str, kind: str, context_id: int, now: str) -> Tool:
    """An LTI 1.3 tool installed from a developer key's configuration (``client_id``)."""
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
    return Tool(
        id=world.next_id("tools"), developer_key_id=key_id, context_type=kind, context_id=context_id,
        name=config.get("title") or key.name, url=url, domain=config.get("domain") or (urlsplit(url).hostname if url else None),
        privacy_level=config.get("privacy_level") or "anonymous", description=config.get("description"),
        custom_fields=dict(config.get("custom_fields") or {}), consumer_key=key_id, placements=placements,
        created_at=now, updated_at=now,
    )


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
        body = [tool_json(world, t) for t in tools[page.start:page.start + size]]
    link = link_header(f"{ctx.base_url}{ctx.path}", ctx.query, page)
    return json_response(body, headers={"Link": link})


async def show_tool(ctx: RequestContext, external_tool_id: Any = None, **_: Any) -> Response:
    with ctx.world.lock:
        return json_response(tool_json(ctx.world, tool_in_context(ctx.world, api_auth(ctx), external_tool_id)))


async def create_tool(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    auth, world = api_auth(ctx), ctx.world
    params = await read_params(ctx, body)
    kind, context_id = context_of(auth)
    now = iso_now(ctx)
    with world.lock:
        if "client_id" in params:
            key = world.developer_keys.get(str(params["client_id"]))
            if key is None or key.workflow_state == "deleted":
                raise not_found()
            account_id = auth.course.account_id if auth.course is not None else context_id
            if not world.key_active_in(key, account_id):
                raise model_errors(422, {"client_id": [("invalid", "Developer key is not usable in this context")]})
            tool = tool_from_key(world, key.id, kind, context_id, now)
        else:
            attrs = tool_attributes(world, params)
            tool = Tool(id=0, developer_key_id=None, context_type=kind, context_id=context_id,
                        name="", privacy_level=attrs.pop("privacy_level", None) or "", created_at=now, updated_at=now)
            _apply(tool, attrs)
            validate_tool(tool, lti_1_1=True)
            tool.id = world.next_id("tools")
        world.tools[tool.id] = tool
        return json_response(tool_json(world, tool))


async def update_tool(ctx: RequestContext, external_tool_id: Any = None, body: Any = None, **_: Any) -> Response:
    auth, world = api_auth(ctx), ctx.world
    params = await read_params(ctx, body)
    with world.lock:
        tool = tool_in_context(world, auth, external_tool_id)
        attrs = tool_attributes(world, params)
        candidate = Tool(**{**tool.__dict__, "placements": dict(tool.placements), "custom_fields": dict(tool.custom_fields)})
        _apply(candidate, attrs)
        if "url" in params and params.get("url") and "domain" not in params:
            candidate.domain = candidate.domain if tool.developer_key_id else None
        if "domain" in params and params.get("domain") and "url" not in params:
            candidate.url = candidate.url if tool.developer_key_id else None
        validate_tool(candidate, lti_1_1=tool.developer_key_id is None)
        candidate.updated_at = iso_now(ctx)
        world.tools[tool.id] = candidate
        return json_response(tool_json(world, candidate))


async def delete_tool(ctx: RequestContext, external_tool_id: Any = None, **_: Any) -> Response:
    """Soft delete: LTI services stop resolving the key here; resource links keep the id."""
    world = ctx.world
    with world.lock:
        tool = tool_in_context(world, api_auth(ctx), external_tool_id)
        tool.workflow_state = "deleted"
        tool.updated_at = iso_now(ctx)
        return json_response(tool_json(world, tool))


async def sessionless_launch(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    """``{id, name, url}``; the url is a one-time Canvas launch URL with a verifier."""
    auth, world = api_auth(ctx), ctx.world
    params = await read_params(ctx, body)
    launch_type = params.get("launch_type")
    tool_id, url = params.get("id"), params.get("url")
    with world.lock:
        tools = reachable_tools(world, auth, include_parents=True)
        tool: Tool | None = None
        extra: dict[str, str] = {}
        if launch_type == "assessment":
            if not params.get("assignment_id"):
                raise api_error(400, "An assignment id must be provided for assessment LTI launches")
            assignment = world.assignments.get(to_int(params["assignment_id"]) or 0)
            if assignment is None or auth.course is None or assignment.course_id != auth.course.id \
                    or assignment.workflow_state == "deleted":
                raise not_found()
            if assignment.external_tool_id is None:
                raise api_error(400, "The assignment must be an external tool assignment")
            tool = world.tools.get(assignment.external_tool_id)
            extra["assignment_id"] = str(assignment.id)
        elif launch_type == "module_item":
            if not params.get("module_item_id"):
                raise api_error(400, "A module item id must be provided for module item LTI launches")
            raise not_found()  # modules are not modelled: no module item exists
        elif tool_id is not None:
            tool = next((t for t in tools if str(t.id) == str(tool_id)), None)
        elif url:
            tool = best_tool(tools, str(url))
        else:
            raise api_error(400, "A tool id, tool url, or module item id must be provided")
        if launch_type not in (None, "assessment", "module_item") and tool_id is None:
            raise api_error(400, "A tool id must be provided when launching a placement")
        if tool is None or tool.workflow_state != "active":
            raise not_found()
        if launch_type not in (None, "assessment", "module_item") and launch_type not in tool.placements:
            raise api_error(400, f"The tool does not have a {launch_type} placement")
        kind, context_id = context_of(auth)
        prefix = {"Course": "courses", "Account": "accounts", "Group": "groups"}[kind]
        verifier = secrets.token_hex(32)
        launch = f"{ctx.base_url}/{prefix}/{context_id}/external_tools/{tool.id}?display=borderless&verifier={verifier}"
        for key, value in extra.items():
            launch += f"&{key}={value}"
        if launch_type not in (None, "assessment", "module_item"):
            launch += f"&launch_type={launch_type}"
        return json_response({"id": tool.id, "name": tool.name, "url": launch})


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
