"""The worked examples of Canvas's API documentation (``/work/shared/docs/canvas-docs/``), sent
as the curl commands send them: ``-F`` is a multipart POST, ``-d`` a form-encoded body,
``--json`` a JSON body. ``<course_id>`` is course 101, ``<account_id>`` account 1 (or 2)."""

from __future__ import annotations

from typing import Any

from tests.rest.helpers import ADMIN, registered_tool

TOKEN = ADMIN  # -H "Authorization: Bearer <token>"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def multipart(*fields: tuple[str, str]) -> list[tuple[str, tuple[None, str]]]:
    """curl -F 'name=value' …, in order."""
    return [(name, (None, value)) for name, value in fields]


def tool_shape(body: dict[str, Any]) -> None:
    for key in ("id", "domain", "url", "consumer_key", "name", "description", "created_at", "updated_at", "privacy_level",
                "custom_fields", "account_navigation", "assignment_selection", "course_home_sub_navigation", "course_navigation",
                "editor_button", "homework_submission", "link_selection", "migration_selection", "resource_selection",
                "tool_configuration", "user_navigation", "not_selectable", "vendor_help_link"):
        assert key in body, key
    # the example shows selection_width/selection_height/icon_url; Canvas renders them only when the tool sets them
    assert "shared_secret" not in body


def test_external_tools_examples(client: Any) -> None:
    # "This would create a tool on this course with two custom fields and a course navigation tab"
    # (the doc's last -F line lacks its backslash; it is sent here as intended)
    created = client.post("/api/v1/courses/101/external_tools", headers=TOKEN, files=multipart(
        ("name", "LTI Example"), ("consumer_key", "asdfg"), ("shared_secret", "lkjh"), ("url", "https://example.com/ims/lti"),
        ("privacy_level", "name_only"), ("custom_fields[key1]", "value1"), ("custom_fields[key2]", "value2"),
        ("course_navigation[text]", "Course Materials"), ("course_navigation[default]", "false"), ("course_navigation[enabled]", "true")))
    assert created.status_code == 200, created.text
    tool = created.json()
    tool_shape(tool)
    assert tool["custom_fields"] == {"key1": "value1", "key2": "value2"}
    assert tool["course_navigation"]["text"] == "Course Materials" and tool["course_navigation"]["enabled"] is True
    assert tool["course_navigation"]["default"] == "false"

    # "This would create a tool on the account with navigation for the user profile page"
    account_tool = client.post("/api/v1/accounts/1/external_tools", headers=TOKEN, files=multipart(
        ("name", "LTI Example"), ("consumer_key", "asdfg"), ("shared_secret", "lkjh"), ("url", "https://example.com/ims/lti"),
        ("privacy_level", "name_only"), ("user_navigation[url]", "https://example.com/ims/lti/user_endpoint"),
        ("user_navigation[text]", "Something Cool"), ("user_navigation[enabled]", "true")))
    assert account_tool.status_code == 200
    tool_shape(account_tool.json())
    assert account_tool.json()["user_navigation"]["url"] == "https://example.com/ims/lti/user_endpoint"

    # "This would create a tool on the account with configuration pulled from an external URL"
    by_url = client.post("/api/v1/accounts/1/external_tools", headers=TOKEN, files=multipart(
        ("name", "LTI Example"), ("consumer_key", "asdfg"), ("shared_secret", "lkjh"), ("config_type", "by_url"),
        ("config_url", "https://example.com/ims/lti/tool_config.xml")))
    assert by_url.status_code == 200, by_url.text
    tool_shape(by_url.json())
    assert by_url.json()["name"] == "LTI Example" and by_url.json()["course_navigation"]["text"] == "Example Tool"

    # "This would update the specified keys on this external tool"
    updated = client.put(f"/api/v1/courses/101/external_tools/{tool['id']}", headers=TOKEN,
                         files=multipart(("name", "Public Example"), ("privacy_level", "public")))
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["privacy_level"]) == ("Public Example", "public")

    # sessionless launches: by id, by url, for an assignment, for a module item, for a placement
    url = "/api/v1/courses/101/external_tools/sessionless_launch"
    for fields in ([("id", str(tool["id"]))], [("url", "https://example.com/ims/lti")],
                   [("launch_type", "assessment"), ("assignment_id", "301")],
                   [("id", str(tool["id"])), ("launch_type", "course_navigation")]):
        response = client.post(url, headers=TOKEN, files=multipart(*fields))
        assert response.status_code == 200, (fields, response.text)
        assert set(response.json()) == {"id", "name", "url"}
    module_item = client.post(url, headers=TOKEN, files=multipart(("launch_type", "module_item"), ("module_item_id", "1")))
    assert module_item.status_code == 404  # the mock has no modules (see README)

    # "This would delete the specified external tool"
    deleted = client.delete(f"/api/v1/courses/101/external_tools/{tool['id']}", headers=TOKEN)
    assert deleted.status_code == 200 and deleted.json()["id"] == tool["id"]


def test_list_external_tools_example_shape(client: Any) -> None:
    for url in ("/api/v1/courses/101/external_tools", "/api/v1/accounts/2/external_tools", "/api/v1/groups/501/external_tools"):
        response = client.get(url, headers=TOKEN)
        assert response.status_code == 200 and isinstance(response.json(), list)
        for body in response.json():
            tool_shape(body)


def test_resource_links_examples(client: Any) -> None:
    # a tool for https://example.com launches, installed in the course through the REST APIs
    tool = registered_tool(client, [], name="Example LTI 1.3 Tool")
    install = client.post("/api/v1/courses/101/external_tools", headers=TOKEN, json={"client_id": tool["client_id"]})
    client.put(f"/api/v1/courses/101/external_tools/{install.json()['id']}", headers=TOKEN, json={"domain": "example.com"})
    base = "/api/v1/courses/101/lti_resource_links"

    # "This would return the first 50 LTI resource links for the course, with a Link header …"
    listed = client.get(base, headers=TOKEN)
    assert listed.status_code == 200 and 'rel="current"' in listed.headers["link"]

    # "This would create a new LTI resource link in the specified course" (-d …)
    created = client.post(base, headers={**TOKEN, **FORM}, content="url=https://example.com/lti/launch/new_content_item/456"
                                                                   "&title=New Content Item&custom[hello]=world")
    assert created.status_code == 200, created.text
    link = created.json()
    expected = ("https://example.com/lti/launch/new_content_item/456", "New Content Item", "rich_content")
    assert (link["url"], link["title"], link["resource_type"]) == expected
    assert link["context_external_tool_id"] == install.json()["id"]

    # "This would return the specified LTI resource link"
    shown = client.get(f"{base}/lookup_uuid:{link['lookup_uuid']}", headers=TOKEN)
    assert shown.status_code == 200 and shown.json() == link

    # bulk (--json)
    bulk = client.post(f"{base}/bulk", headers=TOKEN, json=[{"url": "https://example.com/lti/launch/new_content_item/456",
                                                             "title": "New Content Item", "custom": {"hello": "world"}}])
    assert bulk.status_code == 200 and bulk.json()[0]["title"] == "New Content Item"

    # "This would update the specified LTI resource link" (-d url, -d custom[hello])
    updated = client.put(f"{base}/{link['id']}", headers={**TOKEN, **FORM},
                         content="url=https://example.com/lti/launch/new_content_item/456&custom[hello]=world")
    assert updated.status_code == 200 and updated.json()["url"] == "https://example.com/lti/launch/new_content_item/456"

    # "This would return the specified LTI resource link" (DELETE by lookup_uuid)
    deleted = client.delete(f"{base}/lookup_uuid:{link['lookup_uuid']}", headers=TOKEN)
    assert deleted.status_code == 200 and deleted.json()["workflow_state"] == "deleted"
