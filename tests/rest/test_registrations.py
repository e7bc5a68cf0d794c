"""LTI Registrations API (beta, §16.3) over HTTP: list (sort, dir, query, include[], pagination),
show, by client id, create, update (dynamic registration rule), reset, delete, bind, context
search, overlay history, history and applying update requests — with every documented error."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.world import ImsRegistration, RegistrationUpdateRequest
from tests.rest.helpers import ADMIN, NOT_FOUND, TEACHER, assert_auth_errors, links

BASE = "/api/v1/accounts/1/lti_registrations"
AGS = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem", "https://purl.imsglobal.org/spec/lti-ags/scope/score"]
CONFIG = {"title": "Sample Tool", "description": "A sample LTI tool", "target_link_uri": "https://example.com/launch",
          "oidc_initiation_url": "https://example.com/oidc", "redirect_uris": ["https://example.com/redirect"],
          "scopes": AGS, "placements": [{"placement": "course_navigation", "enabled": True}], "launch_settings": {}}


def create(client: Any, **fields: Any) -> dict[str, Any]:
    response = client.post(BASE, headers=ADMIN, json={"name": "An Example Tool", "configuration": CONFIG, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_list_fixture_keys_sorted_and_paged(client: Any) -> None:
    response = client.get(BASE, headers=ADMIN)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 4 and all("account_binding" in r for r in body["data"])
    assert "configuration" not in body["data"][0]
    by_name = client.get(f"{BASE}?sort=name&dir=asc", headers=ADMIN).json()["data"]
    assert [r["name"] for r in by_name] == ["Demo Tool", "Mock Grading Tool", "Roster Only Tool", "Unbound Tool"]
    by_on = client.get(f"{BASE}?sort=on&dir=asc", headers=ADMIN).json()["data"]
    assert by_on[0]["account_binding"]["workflow_state"] == "off"
    paged = client.get(f"{BASE}?per_page=2&sort=name&dir=asc&include[]=configuration&include[]=overlay", headers=ADMIN)
    assert paged.json()["total"] == 4 and len(paged.json()["data"]) == 2
    assert "configuration" in paged.json()["data"][0] and "overlay" not in paged.json()["data"][0]  # none set
    rels = links(paged)
    assert rels["next"].endswith("page=2&per_page=2") and "include%5B%5D=configuration" in rels["next"]
    assert [r["name"] for r in client.get(rels["next"], headers=ADMIN).json()["data"]] == ["Roster Only Tool", "Unbound Tool"]
    assert client.get(f"{BASE}?query=roster%20only", headers=ADMIN).json()["total"] == 1
    assert client.get(f"{BASE}?query=roster%20nope", headers=ADMIN).json()["total"] == 0
    assert client.get("/api/v1/accounts/1/lti_registrations?per_page=1", headers=ADMIN).json()["total"] == 4


@pytest.mark.parametrize(("query", "code", "message"), [
    ("page=0", "invalid_page", "page param should be an integer"),
    ("page=abc", "invalid_page", "page param should be an integer"),
    ("dir=up", "invalid_dir", "dir param should be asc, desc, or empty"),
    ("sort=color", "invalid_sort", "color is not a valid field for sorting"),
])
def test_list_param_errors(client: Any, query: str, code: str, message: str) -> None:
    response = client.get(f"{BASE}?{query}", headers=ADMIN)
    assert response.status_code == 422
    assert response.json() == {"errors": [{"code": code, "message": message}]}


def test_create_show_and_by_client_id(client: Any) -> None:
    reg = create(client, admin_nickname="A Great LTI Tool", vendor="Example", overlay={"title": "Overlaid"})
    assert reg["name"] == "An Example Tool" and reg["account_binding"]["workflow_state"] == "off"
    assert reg["configuration"]["title"] == "Sample Tool" and reg["overlay"]["data"] == {"title": "Overlaid"}
    assert "dynamic_registration" not in reg and reg["lti_version"] == "1.3" and reg["created_by"]["id"] == 1
    shown = client.get(f"{BASE}/{reg['id']}?include[]=overlaid_configuration&include[]=overlaid_legacy_configuration"
                       "&include[]=overlay&include[]=overlay_versions", headers=ADMIN).json()
    assert shown["overlaid_configuration"]["title"] == "Overlaid" and shown["configuration"]["title"] == "Sample Tool"
    assert shown["overlaid_legacy_configuration"]["extensions"][0]["settings"]["placements"][0]["placement"] == "course_navigation"
    assert len(shown["overlay"]["versions"]) == 1
    by_key = client.get(f"/api/v1/accounts/1/lti_registration_by_client_id/{reg['developer_key_id']}", headers=ADMIN)
    assert by_key.status_code == 200 and by_key.json()["id"] == reg["id"]
    fixture = client.get("/api/v1/accounts/1/lti_registration_by_client_id/10000000000001", headers=ADMIN).json()
    assert fixture["configuration"]["scopes"] and fixture["account_binding"]["workflow_state"] == "on"
    assert client.get("/api/v1/accounts/1/lti_registration_by_client_id/999", headers=ADMIN).json() == NOT_FOUND
    assert client.get(f"{BASE}/9999", headers=ADMIN).json() == NOT_FOUND
    on = create(client, workflow_state="on")
    assert on["account_binding"]["workflow_state"] == "on"


def test_create_errors(client: Any) -> None:
    missing = client.post(BASE, headers=ADMIN, json={"name": "x"})
    assert missing.status_code == 400 and missing.json() == {"errors": [{"message": "configuration is missing"}]}
    invalid = client.post(BASE, headers=ADMIN, json={"configuration": {"title": "t", "scopes": ["nope"]}})
    assert invalid.status_code == 422 and all(isinstance(e, str) for e in invalid.json()["errors"])
    assert any("Invalid scopes: nope" in e for e in invalid.json()["errors"])
    not_object = client.post(BASE, headers=ADMIN, json={"configuration": "x"}).json()
    assert not_object == {"errors": [{"code": "invalid_request", "message": "Invalid 'configuration': 'x' is not of type 'object'"}]}
    allow = client.post(BASE, headers=ADMIN, json={"configuration": CONFIG, "workflow_state": "allow"})
    assert allow.json() == {"errors": [{"code": "invalid_workflow_state", "message": "only site admin registrations can have a state of 'allow'"}]}
    odd = client.post(BASE, headers=ADMIN, json={"configuration": CONFIG, "workflow_state": "maybe"})
    assert odd.json() == {"errors": [{"code": "invalid_workflow_state", "message": "workflow_state must be one of 'on', 'off', or 'allow'"}]}
    assert client.post(BASE, headers=ADMIN, json={"configuration": CONFIG, "description": "x" * 2049}).status_code == 422
    assert client.get(BASE, headers=ADMIN).json()["total"] == 4


def test_create_from_lti_json_with_extensions(client: Any) -> None:
    legacy = {"title": "Legacy", "target_link_uri": "https://legacy.example.com/launch", "oidc_initiation_url": "https://legacy.example.com/oidc",
              "scopes": [], "extensions": [{"platform": "canvas.instructure.com", "domain": "legacy.example.com", "privacy_level": "public",
                                            "settings": {"placements": [{"placement": "link_selection", "message_type": "LtiDeepLinkingRequest"}]}}]}
    reg = create(client, configuration=legacy)
    assert reg["configuration"]["domain"] == "legacy.example.com" and reg["configuration"]["placements"][0]["placement"] == "link_selection"


def test_update_reset_history(client: Any) -> None:
    reg = create(client)
    url = f"{BASE}/{reg['id']}"
    updated = client.put(url, headers=ADMIN, json={"admin_nickname": "Nick", "overlay": {"disabled_scopes": [AGS[1]], "title": "O"},
                                                   "workflow_state": "on", "comment": "why"})
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["admin_nickname"] == "Nick" and body["account_binding"]["workflow_state"] == "on" and len(body["overlay"]["versions"]) == 1
    shown = client.get(f"{url}?include[]=overlaid_configuration", headers=ADMIN).json()
    assert shown["overlaid_configuration"]["scopes"] == [AGS[0]] and shown["overlaid_configuration"]["title"] == "O"
    changed = client.put(url, headers=ADMIN, json={"configuration": {**CONFIG, "title": "New Title"}})
    assert changed.json()["configuration"]["title"] == "New Title"
    reset = client.put(f"{url}/reset", headers=ADMIN)
    assert reset.status_code == 200 and reset.json()["overlay"]["data"] == {}
    assert reset.json()["overlaid_configuration"]["scopes"] == AGS
    versions = client.get(f"{url}/overlay_history", headers=ADMIN).json()
    assert [v["caused_by_reset"] for v in versions] == [True, False]
    assert len(client.get(f"{url}/overlay_history?limit=1", headers=ADMIN).json()) == 1
    history = client.get(f"{url}/history?per_page=2", headers=ADMIN)
    assert [h["update_type"] for h in history.json()] == ["reset", "manual_edit"] and "next" in links(history)
    assert history.json()[1]["comment"] is None and client.get(f"{url}/history", headers=ADMIN).json()[2]["comment"] == "why"
    bad = client.put(url, headers=ADMIN, json={"overlay": {"disabled_scopes": "all"}})
    assert bad.status_code == 422 and isinstance(bad.json()["errors"][0], str)
    assert client.put(f"{BASE}/9999/reset", headers=ADMIN).json() == NOT_FOUND


def test_dynamic_registration_base_configuration_is_locked(app: Any, client: Any) -> None:
    reg = create(client)
    world = app.state.world
    world.ims_registrations[99] = ImsRegistration(id=99, developer_key_id=reg["developer_key_id"], account_id=1, guid="g", client_name="c")
    assert client.get(f"{BASE}/{reg['id']}", headers=ADMIN).json()["dynamic_registration"] is True
    refused = client.put(f"{BASE}/{reg['id']}", headers=ADMIN, json={"configuration": CONFIG})
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "tool_configuration_required"
    overlay = client.put(f"{BASE}/{reg['id']}", headers=ADMIN, json={"overlay": {"title": "fine"}})
    assert overlay.status_code == 200


def test_bind(client: Any) -> None:
    reg = create(client)
    response = client.post(f"{BASE}/{reg['id']}/bind", headers=ADMIN, json={"workflow_state": "on"})
    assert response.status_code == 200 and response.json()["workflow_state"] == "on" and response.json()["registration_id"] == reg["id"]
    form_headers = {**ADMIN, "Content-Type": "application/x-www-form-urlencoded"}
    form = client.post(f"{BASE}/{reg['id']}/bind", headers=form_headers, content="workflow_state=off")
    assert form.json()["workflow_state"] == "off"
    assert client.post(f"{BASE}/{reg['id']}/bind", headers=ADMIN, json={}).json() == {"errors": [{"message": "workflow_state is missing"}]}
    assert client.post(f"{BASE}/{reg['id']}/bind", headers=ADMIN, json={"workflow_state": "x"}).status_code == 422
    assert client.post(f"{BASE}/9999/bind", headers=ADMIN, json={"workflow_state": "on"}).json() == NOT_FOUND


def test_delete(client: Any) -> None:
    reg = create(client)
    deleted = client.delete(f"{BASE}/{reg['id']}", headers=ADMIN)
    assert deleted.status_code == 200 and deleted.json()["workflow_state"] == "deleted"
    assert client.get(f"{BASE}/{reg['id']}", headers=ADMIN).json() == NOT_FOUND
    assert client.delete(f"{BASE}/{reg['id']}", headers=ADMIN).json() == NOT_FOUND


def test_context_search(client: Any) -> None:
    url = f"{BASE}/1/deployments/1/context_search"
    everything = client.get(url, headers=ADMIN).json()
    assert [a["name"] for a in everything["accounts"]] == ["Mock University", "School of Science", "School of Arts"]
    assert everything["accounts"][1]["display_path"] == [] and everything["courses"][0]["display_path"] == ["School of Science"]
    found = client.get(f"{url}?search_term=cs-101", headers=ADMIN).json()
    assert found == {"accounts": [], "courses": [{"id": "101", "name": "Computer Science 101", "sis_id": None, "course_code": "CS-101",
                                                  "display_path": ["School of Science"]}]}
    children = client.get(f"{url}?only_children_of=1", headers=ADMIN).json()
    assert [a["id"] for a in children["accounts"]] == ["2", "3"] and children["courses"] == []
    assert client.get(f"{BASE}/1/deployments/2/context_search", headers=ADMIN).json() == NOT_FOUND  # tool 2 is another key's


def test_apply_update_request(app: Any, client: Any) -> None:
    reg = create(client)
    world = app.state.world
    world.registration_update_requests[1] = RegistrationUpdateRequest(id=1, registration_id=reg["id"], configuration={**CONFIG, "title": "V2"})
    world.registration_update_requests[2] = RegistrationUpdateRequest(id=2, registration_id=reg["id"], configuration={**CONFIG, "title": "V3"})
    url = f"{BASE}/{reg['id']}/update_requests"
    assert client.put(f"{url}/1/apply", headers=ADMIN, json={}).json() == {"errors": [{"message": "accepted is missing"}]}
    applied = client.put(f"{url}/1/apply", headers=ADMIN, json={"accepted": True, "overlay": {"title": "Mine"}, "comment": "ok"})
    assert applied.status_code == 200 and applied.json()["configuration"]["title"] == "V2"
    assert applied.json()["overlay"]["data"] == {"title": "Mine"}
    again = client.put(f"{url}/1/apply", headers=ADMIN, json={"accepted": True})
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "invalid_update_request"
    rejected = client.put(f"{url}/2/apply", headers=ADMIN, json={"accepted": False})
    assert rejected.json()["configuration"]["title"] == "V2" and world.registration_update_requests[2].workflow_state == "rejected"
    assert client.put(f"{url}/77/apply", headers=ADMIN, json={"accepted": True}).json() == NOT_FOUND


def test_permissions_and_root_account_only(client: Any) -> None:
    for method, path, kwargs in [("GET", BASE, {}), ("POST", BASE, {"json": {"configuration": CONFIG}}), ("GET", f"{BASE}/1", {}),
                                 ("PUT", f"{BASE}/1", {"json": {}}), ("DELETE", f"{BASE}/1", {}), ("PUT", f"{BASE}/1/reset", {}),
                                 ("POST", f"{BASE}/1/bind", {"json": {"workflow_state": "on"}}), ("GET", f"{BASE}/1/history", {}),
                                 ("GET", f"{BASE}/1/overlay_history", {}), ("GET", f"{BASE}/1/deployments/1/context_search", {}),
                                 ("PUT", f"{BASE}/1/update_requests/1/apply", {"json": {"accepted": True}}),
                                 ("GET", "/api/v1/accounts/1/lti_registration_by_client_id/10000000000001", {})]:
        assert_auth_errors(client, method, path, forbidden=TEACHER, **kwargs)
    assert client.get("/api/v1/accounts/2/lti_registrations", headers=ADMIN).json() == NOT_FOUND
    assert client.get("/api/v1/accounts/77/lti_registrations", headers=ADMIN).json() == NOT_FOUND
