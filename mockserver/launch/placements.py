"""Placements a launch may name, and the deep linking settings Canvas sends for each (§10.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..world import Tool

LTILINK = "application/vnd.ims.lti.v1.ltilink"


@dataclass(frozen=True)
class DeepLinkingSettings:
    accept_types: tuple[str, ...]
    document_targets: tuple[str, ...]
    media_types: tuple[str, ...]
    auto_create: bool
    accept_multiple: bool


_LINK_IW = DeepLinkingSettings(("ltiResourceLink",), ("iframe", "window"), (LTILINK,), False, False)

DEEP_LINKING: dict[str, DeepLinkingSettings] = {
    "assignment_selection": _LINK_IW,
    "collaboration": DeepLinkingSettings(("ltiResourceLink",), ("iframe",), (LTILINK,), True, False),
    "conference_selection": DeepLinkingSettings(("link", "html"), ("iframe", "window"), ("text/html", "*/*"), True, False),
    "course_assignments_menu": DeepLinkingSettings(("ltiResourceLink",), ("iframe", "window"), (LTILINK,), False, True),
    "editor_button": DeepLinkingSettings(("link", "file", "html", "ltiResourceLink", "image"), ("embed", "iframe", "window"),
                                         ("image/*", "text/html", LTILINK, "*/*"), False, True),
    "homework_submission": DeepLinkingSettings(("file", "ltiResourceLink"), ("iframe",), ("*/*",), False, False),
    "link_selection": DeepLinkingSettings(("ltiResourceLink",), ("iframe", "window"), (LTILINK,), False, True),
    "migration_selection": DeepLinkingSettings(("file",), ("iframe",), (
        "application/vnd.ims.imsccv1p1", "application/vnd.ims.imsccv1p2", "application/vnd.ims.imsccv1p3",
        "application/zip", "application/xml"), False, False),
    "module_index_menu_modal": DeepLinkingSettings(("ltiResourceLink",), ("iframe", "window"), (LTILINK,), True, True),
    "module_menu_modal": DeepLinkingSettings(("ltiResourceLink",), ("iframe", "window"), (LTILINK,), True, True),
    "submission_type_selection": _LINK_IW,
}

#: Resource link launch placements (the openid-configuration list plus a few course ones).
RESOURCE_LINK = frozenset({
    "account_navigation", "assignment_selection", "course_assignments_menu", "course_navigation",
    "editor_button", "homework_submission", "link_selection", "migration_selection",
    "module_menu_modal", "module_index_menu_modal", "resource_selection", "submission_type_selection",
    "user_navigation", "assignment_view", "assignment_menu", "course_home_sub_navigation",
    "course_settings_sub_navigation", "global_navigation", "module_menu", "collaboration",
    "conference_selection", "student_context_card", "top_navigation",
})

#: Placements whose ``lineItem`` content items create assignments (course assignments menu and
#: the module flows; the mock treats ``link_selection`` as the module "add item" flow).
CREATES_ASSIGNMENTS = frozenset({"course_assignments_menu", "module_index_menu_modal", "module_menu_modal",
                                 "link_selection"})

#: ``ContextExternalTool#extension_default_value`` for the settings a launch reads.
EXTENSION_DEFAULTS = {"selection_width": 800, "selection_height": 400}


def extension_setting(tool: Tool, placement: str | None, name: str) -> Any:
    """``ContextExternalTool#extension_setting``: a placement the tool has reads its own setting, then
    the tool's, then Canvas's default (the tool's URL for ``target_link_uri``); a placement the tool
    does not have gives ``None``."""
    settings = tool.placements.get(placement) if placement else None
    if settings is None:
        return None
    value = settings.get(name)
    if value is None or value == "":
        value = getattr(tool, name, None)
    if value is None or value == "":
        value = tool.url if name == "target_link_uri" else EXTENSION_DEFAULTS.get(name)
    return value
