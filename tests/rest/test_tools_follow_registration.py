"""Installed tools follow their registration, as Canvas's ``Lti::ToolConfiguration`` after-update hook
(``update_external_tools!`` → ``DeveloperKey#update_external_tools!``) makes them: what the
console's Tools page relies on to edit a tool. And a fixture key's registration shows its tool's
placements, so that editing it keeps them."""

from __future__ import annotations

from typing import Any

from tests.rest.helpers import ADMIN

from .test_registrations import BASE, CONFIG

COURSE_TOOLS = "/api/v1/courses/101/external_tools"


def test_an_installed_tool_takes_the_new_configuration_and_the_reset_overlay(client: Any) -> None:
    registration = client.post(BASE, headers=ADMIN, json={"name": "Sample Tool", "workflow_state": "on",
                                                          "configuration": CONFIG}).json()
    installed = client.post(COURSE_TOOLS, headers=ADMIN, json={"client_id": registration["developer_key_id"]})
    assert installed.status_code == 200, installed.text
    tool_url = f"{COURSE_TOOLS}/{installed.json()['id']}"
    assert client.get(tool_url, headers=ADMIN).json()["name"] == "Sample Tool"

    changed = {**CONFIG, "title": "Renamed Tool", "custom_fields": {"greeting": "hello"}, "privacy_level": "name_only",
               "placements": [{"placement": "course_navigation", "enabled": True},
                              {"placement": "link_selection", "message_type": "LtiDeepLinkingRequest", "text": "Pick"}]}
    assert client.put(f"{BASE}/{registration['id']}", headers=ADMIN, json={"configuration": changed}).status_code == 200
    tool = client.get(tool_url, headers=ADMIN).json()
    assert (tool["name"], tool["custom_fields"], tool["privacy_level"]) == ("Renamed Tool", {"greeting": "hello"}, "name_only")
    assert tool["link_selection"]["message_type"] == "LtiDeepLinkingRequest" and tool["link_selection"]["text"] == "Pick"

    overlay = {"disabled_placements": ["link_selection"]}
    assert client.put(f"{BASE}/{registration['id']}", headers=ADMIN, json={"overlay": overlay}).status_code == 200
    assert client.get(tool_url, headers=ADMIN).json()["link_selection"] is None
    assert client.put(f"{BASE}/{registration['id']}/reset", headers=ADMIN).status_code == 200
    assert client.get(tool_url, headers=ADMIN).json()["link_selection"]["text"] == "Pick"


def test_a_fixture_keys_configuration_carries_its_tools_placements(client: Any) -> None:
    shown = client.get("/api/v1/accounts/1/lti_registration_by_client_id/10000000000004", headers=ADMIN,
                       params={"include[]": "configuration"})
    assert shown.status_code == 200, shown.text
    placements = {p["placement"]: p for p in shown.json()["configuration"]["placements"]}
    assert set(placements) == {"course_navigation", "course_assignments_menu", "link_selection"}
    assert placements["course_assignments_menu"]["message_type"] == "LtiDeepLinkingRequest"
