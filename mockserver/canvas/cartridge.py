"""LTI 1.1 tool configuration XML (``cartridge_basiclti_link``), as ``config_type=by_xml`` sends it.

Canvas reads the ``blti:`` elements and the ``canvas.instructure.com`` extension's properties and
placement options (``CC::Importer::BLTIConverter``). The XML is untrusted input: a document type
declaration or entity is refused before parsing (no entity expansion, no external fetches), as
defusedxml would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

CANVAS_PLATFORM = "canvas.instructure.com"
MAX_BYTES = 1_000_000


class CartridgeError(ValueError):
    """Not a readable tool configuration; the message is what Canvas puts on ``config_xml``."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: ET.Element, name: str) -> str | None:
    found = _children(element, name)
    if not found or found[0].text is None:
        return None
    return found[0].text.strip()


def _properties(element: ET.Element) -> dict[str, Any]:
    """``lticm:property`` and nested ``lticm:options`` of an element, as a dict."""
    values: dict[str, Any] = {}
    for child in element:
        name = child.get("name")
        if not name:
            continue
        if _local(child.tag) == "property":
            values[name] = (child.text or "").strip()
        elif _local(child.tag) == "options":
            values[name] = _properties(child)
    return values


def parse(xml_text: str) -> dict[str, Any]:
    """The tool attributes a cartridge describes: ``name, description, url, domain, icon_url,
    privacy_level, custom_fields, text, selection_width, selection_height, not_selectable,
    placements`` (only the keys the XML sets)."""
    if len(xml_text.encode("utf-8", "replace")) > MAX_BYTES:
        raise CartridgeError("Invalid xml syntax")
    upper = xml_text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise CartridgeError("Invalid xml syntax")
    import xml.etree.ElementTree as ET  # here: a by_xml configuration is rare, and the mock starts without it

    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError:
        raise CartridgeError("Invalid xml syntax") from None
    if _local(root.tag) != "cartridge_basiclti_link":
        raise CartridgeError("Invalid xml syntax")
    tool: dict[str, Any] = {}
    for key, element in (("name", "title"), ("description", "description"), ("icon_url", "icon")):
        value = _text(root, element)
        if value:
            tool[key] = value
    url = _text(root, "secure_launch_url") or _text(root, "launch_url")
    if url:
        tool["url"] = url
    for custom in _children(root, "custom"):
        tool["custom_fields"] = {k: v for k, v in _properties(custom).items() if isinstance(v, str)}
    for extension in _children(root, "extensions"):
        if extension.get("platform") != CANVAS_PLATFORM:
            continue
        settings = _properties(extension)
        placements = {k: v for k, v in settings.items() if isinstance(v, dict) and k != "custom_fields"}
        if isinstance(settings.get("custom_fields"), dict):
            tool.setdefault("custom_fields", {}).update(settings["custom_fields"])
        for key in ("privacy_level", "domain", "text", "selection_width", "selection_height",
                    "not_selectable", "oauth_compliant", "icon_url"):
            if key in settings and isinstance(settings[key], str):
                tool[key] = settings[key]
        if "url" not in tool and isinstance(settings.get("url"), str):
            tool["url"] = settings["url"]
        if placements:
            tool["placements"] = placements
    if not tool.get("name"):
        raise CartridgeError("Invalid xml syntax")
    return tool
