"""External Tools API (§16.1) over HTTP: CRUD, placements as JSON and Rails form fields, XML
configurations, listing rules, pagination, sessionless launches and every error answer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rest.helpers import ADMIN, NOT_FOUND, STUDENT, TEACHER, assert_auth_errors, links

BASE = "/api/v1/courses/101/external_tools"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TOOL = {"name": "Quizzer", "consumer_key": "ck", "shared_secret": "TEST-ONLY-secret", "url": "https://quiz.example.com/lti",
        "privacy_level": "public"}


def create(client: Any, url: str = BASE, headers: dict[str, str] = TEACHER, **fields: Any) -> dict[str, Any]:
    response = client.post(url, headers=headers, json={**TOOL, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def test_create_json_with_every_documented_placement(client: Any) -> None:
    placements = ["account_navigation", "course_navigation", "editor_button", "homework_submission", "link_selection",
                  "migration_selection", "resource_selection", "tool_configuration", "user_navigation",
                  "course_home_sub_navigation", "assignment_selection"]
    body = create(client, **{p: {"text": p.title(), "enabled": True, "selection_width": "640"} for p in placements},
                  custom_fields={"a": "b"}, description="d", icon_url="https://quiz.example.com/i.png",
                  selection_width=500, selection_height="400", not_selectable="true")
    for p in placements:
        assert body[p]["text"] == p.title() and body[p]["enabled"] is True and body[p]["selection_width"] == 640
    assert body["link_selection"]["url"] == TOOL["url"]
    assert body["custom_fields"] == {"a": "b"} and body["selection_width"] == 500 and body["selection_height"] == 400
    assert body["not_selectable"] is True and body["version"] == "1.1" and body["workflow_state"] == "public"
    assert "shared_secret" not in body and body["quiz_menu"] is None
    assert body["deployment_id"].startswith(f"{body['id']}:")
    shown = client.get(f"{BASE}/{body['id']}", headers=STUDENT).json()
    assert shown == body


def test_create_form_encoded_nested_fields(client: Any) -> None:
    form = ("name=Form+Tool&consumer_key=k&shared_secret=s&domain=form.example.com&privacy_level=anonymous"
            "&custom_fields[x]=1&custom_fields[y]=2&editor_button[url]=https://form.example.com/e"
            "&editor_button[message_type]=ContentItemSelectionRequest&editor_button[selection_height]=300")
    response = client.post(BASE, headers={**TEACHER, **FORM}, content=form)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["domain"] == "form.example.com" and body["url"] is None
    assert body["custom_fields"] == {"x": "1", "y": "2"}
    assert body["editor_button"]["message_type"] == "ContentItemSelectionRequest"
    assert body["editor_button"]["selection_height"] == 300 and body["editor_button"]["url"] == "https://form.example.com/e"


def test_create_by_xml_and_by_url(client: Any) -> None:
    xml = """<?xml version="1.0"?>
<cartridge_basiclti_link xmlns="http://www.imsglobal.org/xsd/imslticc_v1p0"
  xmlns:blti="http://www.imsglobal.org/xsd/imsbasiclti_v1p0" xmlns:lticm="http://www.imsglobal.org/xsd/imslticm_v1p0">
  <blti:title>XML Tool</blti:title><blti:launch_url>https://xml.example.com/launch</blti:launch_url>
  <blti:custom><lticm:property name="k">v</lticm:property></blti:custom>
  <blti:extensions platform="canvas.instructure.com">
    <lticm:property name="privacy_level">email_only</lticm:property>
    <lticm:options name="user_navigation"><lticm:property name="text">Mine</lticm:property></lticm:options>
  </blti:extensions>
</cartridge_basiclti_link>"""
    response = client.post("/api/v1/accounts/1/external_tools", headers=ADMIN,
                           data={"consumer_key": "k", "shared_secret": "s", "config_type": "by_xml", "config_xml": xml})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["url"], body["privacy_level"]) == ("XML Tool", "https://xml.example.com/launch", "email_only")
    assert body["custom_fields"] == {"k": "v"} and body["user_navigation"]["text"] == "Mine"
    named = client.post("/api/v1/accounts/1/external_tools", headers=ADMIN,
                        data={"name": "Override", "consumer_key": "k", "shared_secret": "s", "config_type": "by_xml", "config_xml": xml})
    assert named.json()["name"] == "Override"


@pytest.mark.parametrize("xml", [
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><cartridge_basiclti_link>&a;</cartridge_basiclti_link>',
    "<not-xml", "<other/>",
])
def test_config_xml_rejects_dtds_and_garbage(client: Any, xml: str) -> None:
    response = client.post(BASE, headers=TEACHER, json={"consumer_key": "k", "shared_secret": "s", "config_type": "by_xml", "config_xml": xml})
    assert response.status_code == 400
    assert response.json() == {"errors": {"config_xml": [{"attribute": "config_xml", "type": "invalid", "message": "Invalid xml syntax"}]}}


def test_config_url_not_known_to_the_mock(client: Any) -> None:
    response = client.post(BASE, headers=TEACHER, json={"consumer_key": "k", "shared_secret": "s", "config_type": "by_url",
                                                        "config_url": "https://nowhere.example.com/c.xml"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["config_url"]


def test_validation_errors(client: Any) -> None:
    response = client.post(BASE, headers=TEACHER, json={"privacy_level": "public"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"name", "consumer_key", "shared_secret", "url", "domain"}
    assert errors["name"] == [{"attribute": "name", "type": "blank", "message": "can't be blank"}]
    assert errors["url"][0]["message"] == "Either the url or domain should be set."
    both = client.post(BASE, headers=TEACHER, json={**TOOL, "domain": "quiz.example.com"})  # accepted, as in Canvas
    assert both.status_code == 200 and (both.json()["url"], both.json()["domain"]) == (TOOL["url"], "quiz.example.com")
    bad = client.post(BASE, headers={**TEACHER, **FORM},
                      content="name=x&consumer_key=k&shared_secret=s&url=https://x&privacy_level=secret")
    inclusion = {"attribute": "privacy_level", "type": "inclusion", "message": "is not included in the list"}
    assert bad.json() == {"errors": {"privacy_level": [inclusion]}}
    bad_json = client.post(BASE, headers=TEACHER, json={**TOOL, "privacy_level": "secret"})
    assert bad_json.status_code == 400 and bad_json.json() == bad.json()
    conflict = client.post(BASE, headers={**TEACHER, **FORM}, content="name=x&name[a]=y")
    assert conflict.status_code == 400 and "errors" in conflict.json()


def test_update_and_delete(client: Any) -> None:
    tool = create(client)
    response = client.put(f"{BASE}/{tool['id']}", headers={**TEACHER, **FORM}, content="name=Public+Example&privacy_level=anonymous")
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["privacy_level"]) == ("Public Example", "anonymous")
    # Canvas sets only what is given: a domain next to the url (both may be set).
    both = client.put(f"{BASE}/{tool['id']}", headers=TEACHER, json={"domain": "quiz.example.com"}).json()
    assert (both["domain"], both["url"]) == ("quiz.example.com", tool["url"])
    bad = client.put(f"{BASE}/{tool['id']}", headers=TEACHER, json={"name": ""})
    assert bad.status_code == 400 and "name" in bad.json()["errors"]
    deleted = client.delete(f"{BASE}/{tool['id']}", headers=TEACHER)
    assert deleted.status_code == 200 and deleted.json()["workflow_state"] == "deleted"
    for method in ("get", "put", "delete"):
        assert client.request(method, f"{BASE}/{tool['id']}", headers=TEACHER).json() == NOT_FOUND


def test_show_only_in_that_very_context(client: Any) -> None:
    assert client.get(f"{BASE}/1", headers=ADMIN).status_code == 404  # tool 1 lives in account 2
    assert client.get("/api/v1/accounts/2/external_tools/1", headers=ADMIN).json()["name"] == "Mock Grading Tool"
    assert client.get("/api/v1/accounts/1/external_tools/1", headers=ADMIN).status_code == 404
    assert client.get(f"{BASE}/999999", headers=TEACHER).json() == NOT_FOUND
    assert client.get("/api/v1/courses/999/external_tools", headers=ADMIN).json() == NOT_FOUND


def test_list_filters_and_parents(client: Any) -> None:
    own = client.get(BASE, headers=TEACHER).json()
    assert [t["name"] for t in own] == ["Roster Only Tool"]
    parents = client.get(f"{BASE}?include_parents=true", headers=TEACHER).json()
    assert [t["name"] for t in parents] == ["Roster Only Tool", "Mock Grading Tool", "Unbound Tool", "Demo Tool"]
    sibling = client.get("/api/v1/courses/102/external_tools?include_parents=true", headers=ADMIN).json()
    assert [t["name"] for t in sibling] == ["Demo Tool"]  # the root's; account 2's do not count
    assert [t["name"] for t in client.get(f"{BASE}?include_parents=true&search_term=GRAD", headers=TEACHER).json()] == ["Mock Grading Tool"]
    create(client, not_selectable=True, course_navigation={"text": "Nav"})
    assert [t["name"] for t in client.get(f"{BASE}?selectable=true", headers=TEACHER).json()] == ["Roster Only Tool"]
    assert [t["name"] for t in client.get(f"{BASE}?placement=course_navigation", headers=TEACHER).json()] == ["Quizzer"]
    group = client.get("/api/v1/groups/501/external_tools?include_parents=true", headers=STUDENT).json()
    assert [t["name"] for t in group] == ["Roster Only Tool", "Quizzer", "Mock Grading Tool", "Unbound Tool", "Demo Tool"]


def test_pagination_default_10_max_100(client: Any) -> None:
    for n in range(11):
        create(client, name=f"Paged {n:02d}")
    page1 = client.get(f"{BASE}?search_term=paged", headers=TEACHER)
    assert len(page1.json()) == 10
    rels = links(page1)
    assert set(rels) == {"current", "next", "first", "last"}
    assert rels["next"].endswith("?search_term=paged&page=2&per_page=10")
    page2 = client.get(rels["next"], headers=TEACHER)
    assert [t["name"] for t in page2.json()] == ["Paged 10"] and "prev" in links(page2)
    assert len(client.get(f"{BASE}?per_page=500", headers=TEACHER).json()) == 12
    assert client.get(f"{BASE}?page=9", headers=TEACHER).json() == []


def test_permissions(client: Any) -> None:
    assert_auth_errors(client, "GET", BASE, forbidden=None)
    assert_auth_errors(client, "POST", BASE, json=TOOL)
    assert_auth_errors(client, "GET", "/api/v1/accounts/1/external_tools", forbidden=TEACHER)
    assert_auth_errors(client, "PUT", f"{BASE}/3", json={"name": "x"})
    assert_auth_errors(client, "DELETE", f"{BASE}/3")
    assert client.get("/api/v1/courses/102/external_tools", headers=STUDENT).status_code == 403  # not enrolled there
    assert client.get(BASE, headers={"Authorization": "Bearer mock-teacher-token-TEST-ONLY"}).status_code == 200
    assert client.get(f"{BASE}?access_token=mock-teacher-token-TEST-ONLY").status_code == 200


def test_sessionless_launch(client: Any) -> None:
    by_id = client.get(f"{BASE}/sessionless_launch?id=1", headers=TEACHER)
    assert by_id.status_code == 200
    assert by_id.json()["name"] == "Mock Grading Tool"
    assert by_id.json()["url"].startswith("http://testserver/courses/101/external_tools/1?display=borderless&session_token=")
    by_url = client.get(f"{BASE}/sessionless_launch", headers=TEACHER, params={"url": "http://127.0.0.1:9003/launch"}).json()
    assert by_url["id"] == 3 and "/courses/101/external_tools/retrieve?" in by_url["url"]
    assessment = client.get(f"{BASE}/sessionless_launch?launch_type=assessment&assignment_id=301", headers=STUDENT).json()
    assert assessment["id"] == 1 and assessment["url"].startswith("http://testserver/courses/101/assignments/301?display=borderless")
    account = client.get("/api/v1/accounts/2/external_tools/sessionless_launch?id=1", headers=ADMIN)
    assert account.status_code == 200 and "/accounts/2/external_tools/1?" in account.json()["url"]
    model_errors = {"": 400, "?launch_type=assessment": 400, "?launch_type=module_item": 400, "?launch_type=assessment&assignment_id=302": 400}
    for query, status in model_errors.items():
        response = client.get(f"{BASE}/sessionless_launch{query}", headers=TEACHER)
        assert response.status_code == status, (query, response.text)
        assert all(errors[0]["message"] for errors in response.json()["errors"].values())
    assert client.get(f"{BASE}/sessionless_launch?launch_type=module_item&module_item_id=5", headers=TEACHER).json() == NOT_FOUND
    for query in ("?id=424242", "?id=3&launch_type=course_navigation"):  # no such tool, no such placement: to the course
        redirected = client.get(f"{BASE}/sessionless_launch{query}", headers=TEACHER, follow_redirects=False)
        assert redirected.status_code == 302 and redirected.headers["location"] == "http://testserver/courses/101"
    nowhere = client.get(f"{BASE}/sessionless_launch?url=https://nowhere.example.com", headers=TEACHER)
    assert nowhere.status_code == 200 and nowhere.json() == {"errors": {"external_tool": "Unable to find a matching external tool"}}
    placement_by_url = client.get(f"{BASE}/sessionless_launch?launch_type=course_navigation&url=http://127.0.0.1:9003/launch", headers=TEACHER)
    assert placement_by_url.json()["id"] == 3
    assert_auth_errors(client, "GET", "/api/v1/courses/102/external_tools/sessionless_launch?id=1")


def test_group_and_account_context_errors(client: Any) -> None:
    assert client.get("/api/v1/groups/999/external_tools", headers=ADMIN).json() == NOT_FOUND
    assert client.get("/api/v1/groups/502/external_tools", headers=STUDENT).status_code == 403  # not a member
    assert client.get("/api/v1/accounts/99/external_tools", headers=ADMIN).json() == NOT_FOUND
    course_tool = client.get("/api/v1/accounts/2/external_tools/sessionless_launch?id=3", headers=ADMIN, follow_redirects=False)
    assert course_tool.status_code == 302 and course_tool.headers["location"] == "http://testserver/accounts/2"
    assert client.post("/api/v1/accounts/2/external_tools/sessionless_launch", headers=ADMIN, json={}).status_code == 400
    assert client.get("/api/v1/courses/abc/external_tools", headers=ADMIN).json() == NOT_FOUND
