"""What the console's tool pages show: registered LTI 1.3 tools and the registration form.

Read-only, like ``views.py``: the form's values come from each key's LTI registration (its
configuration as Canvas's LTI Registrations API answers it), and the browser saves them through
that API and the External Tools API with the fixtures' TEST-ONLY admin token
(``static/tools.js``) — the calls a test or an admin script makes, nothing private to the console.
"""

from __future__ import annotations

import json
from typing import Any

from ..canvas.scopes import AGS_SCOPES, LTI_HIDDEN_SCOPES, LTI_SCOPES
from ..context import AppState
from ..control import deployment_id
from ..handlers.registrations import current_configuration
from ..launch.placements import DEEP_LINKING
from ..world import World
from .views import tool_context

#: The placements the form offers (Canvas has more; the API takes any of them).
PLACEMENTS = ("course_navigation", "account_navigation", "user_navigation", "assignment_selection", "link_selection",
              "course_assignments_menu", "editor_button", "homework_submission", "module_menu_modal", "assignment_view")
PRIVACY_LEVELS = ("public", "name_only", "email_only", "anonymous")
SCOPES = tuple(dict.fromkeys((*LTI_SCOPES, AGS_SCOPES[4], *LTI_HIDDEN_SCOPES)))
#: What a new registration starts with: grades and rosters, the services most tools use.
DEFAULT_SCOPES = frozenset({*AGS_SCOPES[:4], LTI_SCOPES[4]})


def _admin(world: World) -> dict[str, Any] | None:
    """The first TEST-ONLY API token of a root account's admin: the one the forms act with."""
    for token in world.api_tokens.values():
        if token.admin_of is not None:
            return {"account_id": world.root_account_id(token.admin_of), "token": token.token}
    return None


def form_values(config: dict[str, Any] | None) -> dict[str, Any]:
    """The registration form's fields for ``config`` (None: a new tool)."""
    config = config or {}
    placements = {p.get("placement"): p for p in config.get("placements") or [] if isinstance(p, dict)}
    jwk = config.get("public_jwk")
    return {
        "name": config.get("title", ""), "description": config.get("description") or "",
        "oidc_initiation_url": config.get("oidc_initiation_url", ""), "target_link_uri": config.get("target_link_uri", ""),
        "redirect_uris": "\n".join(config.get("redirect_uris") or []),
        "key_kind": "url" if config.get("public_jwk_url") else "jwk",
        "public_jwk": json.dumps(jwk, indent=2) if isinstance(jwk, dict) else "", "public_jwk_url": config.get("public_jwk_url") or "",
        "scopes": set(config.get("scopes") or []) if config else set(DEFAULT_SCOPES),
        "privacy_level": config.get("privacy_level") or "public",
        "custom_fields": "\n".join(f"{k}={v}" for k, v in (config.get("custom_fields") or {}).items()),
        "placements": {name: {"enabled": name in placements and placements[name].get("enabled", True) is not False,
                              "message_type": placements.get(name, {}).get("message_type") or "LtiResourceLinkRequest",
                              "deep_linking": name in DEEP_LINKING}
                       for name in (*PLACEMENTS, *(p for p in placements if p not in PLACEMENTS and isinstance(p, str)))},
    }


def tools_page(state: AppState, editing: str | None = None) -> dict[str, Any] | None:
    """The tools page; with ``editing`` (a client id), that key's form (None when it is unknown)."""
    world = state.world
    with world.lock:
        keys = []
        for key in world.developer_keys.values():
            if key.workflow_state == "deleted":
                continue
            installs = [{"id": t.id, "context": tool_context(world, t), "context_type": t.context_type,
                         "context_id": t.context_id, "deployment_id": deployment_id(world, t.id),
                         "placements": sorted(t.placements)}
                        for t in world.tools.values() if t.developer_key_id == key.id and t.workflow_state != "deleted"]
            dynamic = any(r.developer_key_id == key.id for r in world.ims_registrations.values())
            keys.append({"id": key.id, "name": key.name, "bindings": dict(key.bindings), "installs": installs,
                         "dynamic": dynamic, "login_url": key.oidc_initiation_url or ""})
        edited = world.developer_keys.get(editing or "") if editing else None
        if editing and (edited is None or edited.workflow_state == "deleted"):
            return None
        values = form_values(current_configuration(world, edited) if edited else None)
        contexts = ([{"value": f"accounts/{a.id}", "label": f"Account: {a.name}"} for a in world.accounts.values()]
                    + [{"value": f"courses/{c.id}", "label": f"Course: {c.name}"}
                       for c in world.courses.values() if c.workflow_state != "deleted"])
        admin = _admin(world)
    return {"section": "tools", "keys": keys, "editing": editing, "edited_name": edited.name if edited else None,
            "values": values, "contexts": contexts, "admin": admin, "scopes": SCOPES,
            "privacy_levels": PRIVACY_LEVELS, "demo_tool": {"login": "/__mock__/demo-tool/login",
                                                          "launch": "/__mock__/demo-tool/launch",
                                                          "jwks": "/__mock__/demo-tool/jwks"}}
