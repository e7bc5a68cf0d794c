"""Developer-key tool configurations (the Tool Configuration API): what is written reads back, a
deleted configuration is gone.

Each check makes a developer key of its own through ``createToolConfiguration`` (a test-only
public JWK, a unique title) and deletes the key's registration again when it ends. Canvas shows a
configuration only while the key is bound ``on`` in the account, so the reading check turns its
own key's binding on first (through the Registrations API, which finds the key by its client id).
"""

from __future__ import annotations

import uuid
from typing import Any

from mockserver.auth.keys import public_jwk

from ..scopes import AGS_LINEITEM, AGS_LINEITEM_RO
from . import semantic_check
from .probe import Probe, Skip
from .rest import differences

TOOL_URL = "https://conform.example.com/configured"
#: Scope and placement of the configuration as created, then as updated.
CREATED = (AGS_LINEITEM_RO, "course_navigation")
UPDATED = (AGS_LINEITEM, "account_navigation")


def _settings(title: str, url: str, scope: str, placement: str) -> dict[str, Any]:
    """LTI 1.3 JSON of a tool whose public key is a test-only one (no launch ever reaches it)."""
    from .assertions import foreign_key

    return {"title": title, "target_link_uri": url, "oidc_initiation_url": "https://conform.example.com/login",
            "public_jwk": public_jwk(foreign_key().public_key(), "canvas-lti-conform-configured"), "scopes": [scope],
            "extensions": [{"platform": "canvas.instructure.com", "domain": "conform.example.com",
                            "privacy_level": "public", "settings": {"placements": [
                                {"placement": placement, "message_type": "LtiResourceLinkRequest"}]}}]}


def promised(settings: dict[str, Any]) -> dict[str, Any]:
    """What a configuration must read back as: title, URLs, scopes and placement names as sent."""
    return {"title": settings.get("title"), "target_link_uri": settings.get("target_link_uri"),
            "oidc_initiation_url": settings.get("oidc_initiation_url"), "scopes": settings.get("scopes"),
            "placements": _placements(settings)}


def _placements(settings: Any) -> list[str] | None:
    if not isinstance(settings, dict):
        return None
    extension = next((e for e in settings.get("extensions") or [] if isinstance(e, dict)
                      and e.get("platform") in (None, "canvas.instructure.com")), {})
    found = (extension.get("settings") or {}).get("placements") or []
    return sorted(str(p.get("placement")) for p in found if isinstance(p, dict))


def _configuration(answer: Any) -> Any:
    """The ``tool_configuration.settings`` of an answer, as :func:`promised` sees it."""
    settings = ((answer or {}).get("tool_configuration") or {}).get("settings") if isinstance(answer, dict) else None
    return promised(settings) if isinstance(settings, dict) else settings


def _new_configuration(probe: Probe, label: str) -> tuple[int, dict[str, Any]]:
    """A new developer key with its configuration: (its id, the settings sent). Its registration
    (key and all) is deleted when the check ends, or the configuration alone where no
    registration shows it."""
    root = probe.root_account()
    settings = _settings(f"canvas-lti conform {label} {uuid.uuid4().hex[:8]}", TOOL_URL, *CREATED)
    body = {"developer_key": {"name": settings["title"], "redirect_uris": TOOL_URL, "scopes": [CREATED[0]]},
            "tool_configuration": {"settings": settings}}
    response = probe.api("POST", f"/api/lti/accounts/{root}/developer_keys/tool_configuration", json_body=body)
    answer = probe.json(response)
    key = ((answer or {}).get("developer_key") or {}).get("id") if isinstance(answer, dict) else None
    if response.status_code != 200 or key is None:
        probe.fail("createToolConfiguration", f"a valid configuration was refused: {response.status_code} {response.text[:200]}")
        raise Skip("nothing created")
    probe.undo(f"delete developer key {key}", lambda: _delete_key(probe, root, key))
    problems = differences(promised(settings), _configuration(answer))
    if problems:
        probe.fail("createToolConfiguration", "the created configuration is not answered as sent: " + "; ".join(problems))
    return int(key), settings


def _registration_path(probe: Probe, root: int, key: int) -> str | None:
    """The key's registration (Registrations API), or None where Canvas shows none."""
    found = probe.json(probe.api("GET", f"/api/v1/accounts/{root}/lti_registration_by_client_id/{key}"))
    registration = found.get("id") if isinstance(found, dict) else None
    return None if registration is None else f"/api/v1/accounts/{root}/lti_registrations/{registration}"


def _delete_key(probe: Probe, root: int, key: int) -> None:
    path = _registration_path(probe, root, key)
    if path is not None:
        probe.api("DELETE", path)
    else:
        probe.api("DELETE", f"/api/lti/developer_keys/{key}/tool_configuration")


def _config_path(probe: Probe, key: int) -> str:
    return f"/api/lti/accounts/{probe.root_account()}/developer_keys/{key}/tool_configuration"


@semantic_check("§16.3", "createToolConfiguration", "getToolConfiguration", "updateToolConfiguration", writes=True)
def tool_configuration_reads_back(probe: Probe) -> None:
    """A created, then updated, configuration reads back as sent (title, URLs, scopes, placements)."""
    key, settings = _new_configuration(probe, "configured")
    path = _registration_path(probe, probe.root_account(), key)
    if path is not None:  # Canvas shows the configuration of a key bound on in the account only
        probe.expect_status("getToolConfiguration", probe.api("POST", f"{path}/bind", json_body={"workflow_state": "on"}),
                            (200,), "binding the check's own key on")
    problems = differences(promised(settings), _configuration(probe.json(probe.api("GET", _config_path(probe, key)))))
    if problems:
        probe.fail("getToolConfiguration", "the created configuration does not read back as created: " + "; ".join(problems))
    changed = _settings(f"{settings['title']} updated", f"{TOOL_URL}/updated", *UPDATED)
    response = probe.api("PUT", f"/api/lti/developer_keys/{key}/tool_configuration",
                         json_body={"developer_key": {"scopes": [UPDATED[0]]}, "tool_configuration": {"settings": changed}})
    if not probe.expect_status("updateToolConfiguration", response, (200,), "updating the check's own configuration"):
        return
    for operation, answer in (("updateToolConfiguration", probe.json(response)),
                              ("getToolConfiguration", probe.json(probe.api("GET", _config_path(probe, key))))):
        problems = differences(promised(changed), _configuration(answer))
        if problems:
            probe.fail(operation, "the configuration does not read back as updated: " + "; ".join(problems))


@semantic_check("§16.3", "deleteToolConfiguration", "getToolConfiguration", writes=True)
def tool_configuration_delete_removes(probe: Probe) -> None:
    """A deleted configuration answers 404 afterwards, and so does deleting it again."""
    key, _settings_sent = _new_configuration(probe, "deleted")
    path = f"/api/lti/developer_keys/{key}/tool_configuration"
    if not probe.expect_status("deleteToolConfiguration", probe.api("DELETE", path), (204,),
                               "deleting the check's own configuration"):
        return
    probe.expect_status("getToolConfiguration", probe.api("GET", _config_path(probe, key)), (404,),
                        "the configuration was deleted")
    probe.expect_status("deleteToolConfiguration", probe.api("DELETE", path), (404,), "the configuration was deleted")
