"""Canvas's ``spec/apis/v1/external_tools_api_spec.rb``: the External Tools API and its sessionless launch.

Canvas's spec signs in a teacher (course) or an account admin (account); here the fixture teacher of
courses 101 and 102 and the admin of account 1 (above accounts 2 and 3). Course 102 has no tool of its
own, so its listings hold only what a case creates. ``tool_with_everything`` is made through the API
with the spec's own ``post_hash`` fields (Rails nested form fields).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.rest.helpers import ADMIN, NOT_FOUND, STUDENT, TEACHER, links

SPEC = "spec/apis/v1/external_tools_api_spec.rb"
ASSESSMENT = "in a course / sessionless launch / assessment launch"
CODE = "app/controllers/external_tools_controller.rb"
JSON_CODE = "lib/api/v1/external_tools.rb"
COURSE = "/api/v1/courses/102/external_tools"
ACCOUNT = "/api/v1/accounts/3/external_tools"
CONTEXTS = {"course": (COURSE, TEACHER), "account": (ACCOUNT, ADMIN)}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
LTI_URL = "http://www.example.com/ims/lti"
RESOURCE = "http://www.example.com/ims/lti/resource"

#: ``tool_with_everything``/``post_hash``: the tool's settings as Rails form fields.
EVERYTHING = {
    "name": "External Tool Eh", "description": "For testing stuff", "consumer_key": "oi", "shared_secret": "hoyt",
    "not_selectable": "true", "url": LTI_URL, "privacy_level": "public",
    "custom_fields[key1]": "val1", "custom_fields[key2]": "val2",
    "course_navigation[url]": f"{LTI_URL}/course", "course_navigation[visibility]": "admins",
    "course_navigation[text]": "Course nav", "course_navigation[default]": "disabled",
    "account_navigation[url]": f"{LTI_URL}/account", "account_navigation[text]": "Account nav",
    "user_navigation[url]": f"{LTI_URL}/user", "user_navigation[text]": "User nav",
    "editor_button[url]": f"{LTI_URL}/editor", "editor_button[icon_url]": "/images/delete.png",
    "editor_button[selection_width]": "50", "editor_button[selection_height]": "50", "editor_button[text]": "editor button",
    "homework_submission[url]": f"{LTI_URL}/editor", "homework_submission[selection_width]": "50",
    "homework_submission[selection_height]": "50", "homework_submission[text]": "homework submission",
    "resource_selection[url]": RESOURCE, "resource_selection[text]": "",
    "resource_selection[selection_width]": "50", "resource_selection[selection_height]": "50",
    "migration_selection[url]": RESOURCE, "migration_selection[text]": "migration selection",
    "migration_selection[selection_width]": "42", "migration_selection[selection_height]": "24",
    "wiki_page_menu[url]": RESOURCE, "wiki_page_menu[text]": "wiki page menu", "wiki_page_menu[display_type]": "full_width",
    "wiki_page_menu[visibility]": "admins",
}
#: What ``external_tool_json`` renders besides the placements (``example_json``'s other keys).
TOOL_KEYS = {"id", "name", "description", "url", "domain", "consumer_key", "created_at", "updated_at", "privacy_level",
             "custom_fields", "workflow_state", "vendor_help_link", "not_selectable", "version", "deployment_id",
             "is_rce_favorite"}  # ``example["is_rce_favorite"] = et.is_rce_favorite if et&.can_be_rce_favorite?``


def tool_with_everything(mock: Any, base: str, headers: dict[str, str], **fields: str) -> dict[str, Any]:
    response = mock.post(base, headers={**headers, **FORM}, content=urlencode({**EVERYTHING, **fields}))
    assert response.status_code == 200, response.text
    return response.json()


def simple_tool(mock: Any, base: str, headers: dict[str, str], name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "consumer_key": "fakefake", "shared_secret": "sofakefake", "url": LTI_URL, **fields}
    response = mock.post(base, headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def assert_example_json(json: dict[str, Any]) -> None:
    """``example_json(et)``: the tool-level values, and the placements with Canvas's fallbacks (a
    placement's label is its text, its size 800x400 unless set); placements not configured are null."""
    placements = {k for k, v in json.items() if isinstance(v, dict) and k != "custom_fields"}
    assert set(json) - placements - {k for k, v in json.items() if v is None} <= TOOL_KEYS
    assert set(json) >= TOOL_KEYS, TOOL_KEYS - set(json)
    assert (json["name"], json["description"], json["url"], json["domain"], json["consumer_key"]) == (
        "External Tool Eh", "For testing stuff", LTI_URL, None, "oi")
    assert (json["privacy_level"], json["workflow_state"], json["version"], json["vendor_help_link"]) == ("public", "public", "1.1", None)
    assert json["custom_fields"] == {"key1": "val1", "key2": "val2"} and json["not_selectable"] is True
    assert json["is_rce_favorite"] is False  # it has an editor button
    assert json["course_navigation"] == {"enabled": True, "text": "Course nav", "url": f"{LTI_URL}/course", "visibility": "admins",
                                         "default": "disabled", "label": "Course nav", "selection_height": 400, "selection_width": 800}
    assert json["user_navigation"] == {"enabled": True, "text": "User nav", "url": f"{LTI_URL}/user", "label": "User nav",
                                       "selection_height": 400, "selection_width": 800}
    assert json["editor_button"] == {"enabled": True, "icon_url": "/images/delete.png", "text": "editor button",
                                     "url": f"{LTI_URL}/editor", "selection_height": 50, "selection_width": 50, "label": "editor button"}
    assert json["resource_selection"] == {"enabled": True, "text": "", "url": RESOURCE, "selection_height": 50,
                                          "selection_width": 50, "label": ""}
    assert json["migration_selection"]["selection_width"] == 42 and json["migration_selection"]["selection_height"] == 24
    assert json["wiki_page_menu"]["display_type"] == "full_width" and json["wiki_page_menu"]["selection_width"] == 800
    for unset in ("link_selection", "assignment_selection", "post_grades", "collaboration", "similarity_detection"):
        assert json[unset] is None, unset


@canvas_spec(SPEC, "in a course / shows an external tool (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_shows_an_external_tool(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    tool = tool_with_everything(mock, base, headers)
    response = mock.get(f"{base}/{tool['id']}", headers=headers)
    assert response.status_code == 200
    assert_example_json(response.json())


@canvas_spec(SPEC, "in a course / returns 404 for not found tool (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_returns_404_for_not_found_tool(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    response = mock.get(f"{base}/0", headers=headers)
    assert response.status_code == 404 and response.json() == NOT_FOUND


@canvas_spec(SPEC, "in a course / returns external tools (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_returns_external_tools(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    tool = tool_with_everything(mock, base, headers)
    listed = mock.get(base, headers=headers).json()
    assert len(listed) == 1 and listed[0] == mock.get(f"{base}/{tool['id']}", headers=headers).json()
    assert_example_json(listed[0])


@canvas_spec(SPEC, "in a course / returns filtered external tools")
def test_returns_filtered_external_tools(mock: Any) -> None:
    tool_with_everything(mock, COURSE, TEACHER, name="tool 1")
    with_placement = tool_with_everything(mock, COURSE, TEACHER, **{"collaboration[url]": f"{LTI_URL}/collab"})
    listed = mock.get(f"{COURSE}?placement=collaboration", headers=TEACHER).json()
    assert [t["id"] for t in listed] == [with_placement["id"]]


@canvas_spec(SPEC, "in a course / searches for external tools by name (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_searches_by_name(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    ids = [simple_tool(mock, base, headers, f"first_{i}")["id"] for i in range(2)]
    for i in range(2):
        simple_tool(mock, base, headers, f"second_{i}")
    assert sorted(t["id"] for t in mock.get(f"{base}?search_term=fir", headers=headers).json()) == sorted(ids)


@canvas_spec(SPEC, "in a course / only finds selectable tools (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_only_finds_selectable_tools(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    simple_tool(mock, base, headers, "first", not_selectable=True)
    selectable = simple_tool(mock, base, headers, "second")
    assert [t["id"] for t in mock.get(f"{base}?selectable=true", headers=headers).json()] == [selectable["id"]]


@canvas_spec(SPEC, "in a course / creates an external tool (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_creates_an_external_tool(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    created = tool_with_everything(mock, base, headers)
    assert_example_json(created)
    assert [t["id"] for t in mock.get(base, headers=headers).json()] == [created["id"]]


@canvas_spec(SPEC, "in a course / updates an external tool (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_updates_an_external_tool(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    tool = simple_tool(mock, base, headers, "test")
    response = mock.put(f"{base}/{tool['id']}", headers={**headers, **FORM}, content=urlencode(EVERYTHING))
    assert response.status_code == 200
    assert_example_json(response.json())
    assert response.json() == mock.get(f"{base}/{tool['id']}", headers=headers).json()


@canvas_spec(SPEC, "in a course / destroys an external tool (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_destroys_an_external_tool(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    tool = mock.post(base, headers=headers, json={"name": "test", "consumer_key": "fakefake", "shared_secret": "sofakefake",
                                                  "domain": "example.com"}).json()
    response = mock.delete(f"{base}/{tool['id']}", headers=headers)
    assert response.status_code == 200 and response.json()["workflow_state"] == "deleted"
    assert mock.get(base, headers=headers).json() == []


@canvas_spec(SPEC, "in a course / gives errors for required properties that aren't included")
def test_errors_for_required_properties(mock: Any) -> None:
    response = mock.post(COURSE, headers=TEACHER, json={})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["name"] and errors["shared_secret"] and errors["consumer_key"]
    assert errors["url"][0]["message"] == "Either the url or domain should be set."
    assert errors["domain"][0]["message"] == "Either the url or domain should be set."
    assert mock.get(COURSE, headers=TEACHER).json() == []


@canvas_spec(SPEC, "in a course / gives authorized response")
def test_student_may_list_course_tools(mock: Any) -> None:
    response = mock.get("/api/v1/courses/101/external_tools", headers=STUDENT)
    assert response.status_code == 200 and [t["id"] for t in response.json()] == [3]


@canvas_spec(SPEC, "in a course / paginates (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_paginates(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    for i in range(7):
        simple_tool(mock, base, headers, f"test_{i}")
    assert_three_pages(mock, base, headers)


def assert_three_pages(mock: Any, base: str, headers: dict[str, str], **query: Any) -> None:
    """``paginate_call``: seven tools at three a page; the first page and the last, and their links."""
    first = mock.get(base, headers=headers, params={**query, "per_page": 3})
    assert len(first.json()) == 3
    rels = links(first)
    assert all(base in url for url in rels.values())
    assert "page=2" in rels["next"] and "page=1" in rels["first"] and "page=3" in rels["last"]
    last = mock.get(base, headers=headers, params={**query, "per_page": 3, "page": 3})
    assert len(last.json()) == 1
    rels = links(last)
    assert "page=2" in rels["prev"] and "page=1" in rels["first"] and "page=3" in rels["last"]


@canvas_spec(SPEC, "in a course / in a group / returns course level external tools")
def test_group_lists_course_level_tools(mock: Any) -> None:
    """Group 501 belongs to course 101, whose own tool (3) is listed with the tools of the accounts above
    (1 and 2 in account 2, the Demo Tool, 4, in the root account)."""
    listed = mock.get("/api/v1/groups/501/external_tools?include_parents=true", headers=STUDENT).json()
    course_tool = mock.get("/api/v1/courses/101/external_tools/3", headers=TEACHER).json()
    assert listed[0] == course_tool and [t["id"] for t in listed] == [3, 1, 2, 4]


# -- sessionless launch -----------------------------------------------------------------------

def sessionless(mock: Any, base: str, headers: dict[str, str], **params: Any) -> Any:
    return mock.get(f"{base}/sessionless_launch", headers=headers, params=params)


@canvas_spec(SPEC, "in a course / sessionless launch / allows sessionless launches by url (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_sessionless_launch_by_url(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    tool = tool_with_everything(mock, base, headers)
    response = sessionless(mock, base, headers, url=LTI_URL)
    assert response.status_code == 200 and response.json()["id"] == tool["id"] and response.json()["name"] == "External Tool Eh"
    prefix = base.removeprefix("/api/v1").removesuffix("/external_tools")
    url = urlsplit(response.json()["url"])
    assert url.path == f"{prefix}/external_tools/sessionless_launch" and parse_qs(url.query)["verifier"]


@canvas_spec(SPEC, "in a course / sessionless launch / allows sessionless launches by tool id (and in an account)")
@pytest.mark.parametrize("context", CONTEXTS)
def test_sessionless_launch_by_tool_id(mock: Any, context: str) -> None:
    base, headers = CONTEXTS[context]
    tool = tool_with_everything(mock, base, headers)
    response = sessionless(mock, base, headers, id=str(tool["id"]))
    assert response.status_code == 200 and response.json()["id"] == tool["id"]
    assert urlsplit(response.json()["url"]).path.endswith("/external_tools/sessionless_launch")


@canvas_spec(SPEC, f"{ASSESSMENT} / returns a bad request response if there is no assignment_id")
def test_sessionless_assessment_without_assignment_id(mock: Any) -> None:
    response = sessionless(mock, "/api/v1/courses/101/external_tools", TEACHER, id="3", launch_type="assessment")
    assert response.status_code == 400
    assert response.json()["errors"]["assignment_id"][0]["message"] == "An assignment id must be provided for assessment LTI launch"


@canvas_spec(SPEC, f"{ASSESSMENT} / returns a not found response if the assignment is not found in the class")
def test_sessionless_assessment_unknown_assignment(mock: Any) -> None:
    response = sessionless(mock, "/api/v1/courses/101/external_tools", TEACHER, id="3", launch_type="assessment", assignment_id="-1")
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"] == "The specified resource does not exist."


@canvas_spec(SPEC, f"{ASSESSMENT} / returns a bad request if the assignment doesn't have an external_tool_tag")
def test_sessionless_assessment_without_tool_tag(mock: Any) -> None:
    """Assignment 302 has no external tool (it is not an external-tool assignment)."""
    response = sessionless(mock, "/api/v1/courses/101/external_tools", TEACHER, launch_type="assessment", assignment_id="302")
    assert response.status_code == 400
    assert response.json() == {"errors": {"assignment_id": [{
        "attribute": "assignment_id", "type": "The assignment must have an external tool tag",
        "message": "The assignment must have an external tool tag"}]}}


@canvas_spec(SPEC, f"{ASSESSMENT} / returns a sessionless launch url")
def test_sessionless_assessment_launch(mock: Any) -> None:
    response = sessionless(mock, "/api/v1/courses/101/external_tools", TEACHER, launch_type="assessment", assignment_id="301")
    assert response.status_code == 200 and response.json()["id"] == 1 and response.json()["name"] == "Mock Grading Tool"


@canvas_spec(SPEC, f"{ASSESSMENT} / returns an unauthorized response if the user can't read the assignment")
def test_sessionless_assessment_unpublished_for_a_student(mock: Any) -> None:
    state = mock.get("/__mock__/state").json()
    next(a for a in state["assignments"] if a["id"] == 301)["workflow_state"] = "unpublished"
    assert mock.put("/__mock__/state", json=state).status_code == 204
    response = sessionless(mock, "/api/v1/courses/101/external_tools", STUDENT, launch_type="assessment", assignment_id="301")
    assert response.status_code in (401, 403)
    assert response.json()["errors"] == [{"message": "user not authorized to perform that action"}]


@canvas_spec(SPEC, f"{ASSESSMENT} / returns sessionless launch URL when default URL is not set and placement URL is")
def test_sessionless_placement_launch_without_tool_url(mock: Any) -> None:
    tool = mock.post(COURSE, headers=TEACHER, json={"name": "Nav", "consumer_key": "k", "shared_secret": "s", "domain": "example.com",
                                                   "course_navigation": {"url": "http://example.com/nav", "enabled": True}}).json()
    response = sessionless(mock, COURSE, TEACHER, id=str(tool["id"]), launch_type="course_navigation")
    assert response.status_code == 200 and response.json()["id"] == tool["id"]


@canvas_spec(SPEC, f"{ASSESSMENT} / returns a json error if there is no matching tool")
def test_sessionless_no_matching_tool(mock: Any) -> None:
    response = sessionless(mock, COURSE, TEACHER, url="http://my_non_esisting_tool_domain.com", id="-1")
    assert response.status_code == 200
    assert response.json() == {"errors": {"external_tool": "Unable to find a matching external tool"}}


@canvas_spec(SPEC, "in a course / sessionless launch / returns a bad request response if there is no tool_id or url", follows_code=CODE)
def test_sessionless_without_tool_id_or_url(mock: Any) -> None:
    """The spec checks ``id`` and ``url``; the controller adds the same message to ``module_item_id`` and
    ``resource_link_lookup_uuid`` (``@context.errors`` in the Rails model-errors shape)."""
    response = sessionless(mock, COURSE, TEACHER)
    assert response.status_code == 400
    message = "A tool id, tool url, module item id, or resource link lookup uuid must be provided"
    assert response.json()["errors"]["id"][0]["message"] == message
    assert response.json()["errors"]["url"][0]["message"] == message
    assert response.json() == {"errors": {field: [{"attribute": field, "type": message, "message": message}]
                                          for field in ("id", "url", "module_item_id", "resource_link_lookup_uuid")}}


@canvas_spec(SPEC, "in a course / sessionless launch / returns 401 if the user is not authorized for the course")
def test_sessionless_for_a_user_outside_the_course(mock: Any) -> None:
    """A user without ``:read`` on the course (the student is not in course 102): Canvas's unauthorized answer."""
    response = sessionless(mock, COURSE, STUDENT, url=LTI_URL)
    assert response.status_code in (401, 403)
    assert response.json() == {"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]}


# -- the examples mined next (settings, feature flag, groups, accounts) -------------------------------

def edit_tool(mock: Any, tool_id: int, **fields: Any) -> None:
    """Change a tool's stored row as the spec's ``et.settings = …; et.save`` does (``/__mock__/state``)."""
    state = mock.get("/__mock__/state").json()
    next(t for t in state["tools"] if t["id"] == tool_id).update(fields)
    assert mock.put("/__mock__/state", json=state).status_code == 204


@canvas_spec(SPEC, "in a course / shows prefer_sis_email when saved in settings")
def test_shows_prefer_sis_email(mock: Any) -> None:
    tool = tool_with_everything(mock, COURSE, TEACHER)
    edit_tool(mock, tool["id"], prefer_sis_email="true")
    assert mock.get(f"{COURSE}/{tool['id']}", headers=TEACHER).json()["prefer_sis_email"] == "true"
    assert "prefer_sis_email" not in tool  # only once saved


@canvas_spec(SPEC, "in a course / includes allow_membership_service_access if feature flag enabled")
def test_includes_allow_membership_service_access_with_the_flag(mock: Any) -> None:
    assert mock.post("/__mock__/settings", json={"membership_service_for_lti_tools": True}).status_code == 200
    tool = tool_with_everything(mock, COURSE, TEACHER, allow_membership_service_access="true")
    assert mock.get(f"{COURSE}/{tool['id']}", headers=TEACHER).json()["allow_membership_service_access"] is True


@canvas_spec(SPEC, f"{ASSESSMENT} / returns sessionless launch URL for an assignment launch no URL is set on the tool")
def test_sessionless_assignment_launch_of_a_domain_only_tool(mock: Any) -> None:
    """A domain-only LTI 1.1 tool of course 101 and an external tool assignment whose tag names it."""
    tool = mock.post("/api/v1/courses/101/external_tools", headers=TEACHER, json={
        "name": "Example Tool", "consumer_key": "fakefake", "shared_secret": "sofakefake", "domain": "example.com"}).json()
    state = mock.get("/__mock__/state").json()
    state["assignments"].append({**next(a for a in state["assignments"] if a["id"] == 301), "id": 399,
                                 "name": "tool assignment", "external_tool_id": tool["id"],
                                 "external_tool_url": "http://www.example.com/ims/lti"})
    assert mock.put("/__mock__/state", json=state).status_code == 204
    response = sessionless(mock, "/api/v1/courses/101/external_tools", TEACHER, id=str(tool["id"]),
                           launch_type="assessment", assignment_id="399")
    assert response.status_code == 200, response.text
    assert "/courses/101/external_tools/sessionless_launch" in response.json()["url"]


@canvas_spec(SPEC, "in a course / in a group / paginates")
def test_group_listing_paginates(mock: Any) -> None:
    """Seven tools in the group's course (101) and none above it: the fixture's other tools are taken out."""
    state = mock.get("/__mock__/state").json()
    state["tools"] = []
    assert mock.put("/__mock__/state", json=state).status_code == 204
    for _ in range(7):
        tool_with_everything(mock, "/api/v1/courses/101/external_tools", TEACHER)
    assert_three_pages(mock, "/api/v1/groups/501/external_tools", STUDENT, include_parents="true")


@canvas_spec(SPEC, "in an account / gives unauthorized response")
def test_student_may_not_list_account_tools(mock: Any) -> None:
    response = mock.get(ACCOUNT, headers=STUDENT)
    assert response.status_code in (401, 403)
    assert response.json() == {"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]}
