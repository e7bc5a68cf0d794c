"""Canvas's ``spec/controllers/external_tools_controller_spec.rb``: ``GET 'generate_sessionless_launch'``.

The launch URL Canvas answers depends on the tool: an LTI 1.1 tool gets the ``sessionless_launch`` page
with a one-time ``verifier``; an LTI 1.3 tool a launch URL with a ``session_token`` that signs the user in
(``Lti::Concerns::SessionlessLaunches#sessionless_launch_link``). Here the fixture's Mock Grading Tool
(LTI 1.3, account 2) and Roster Only Tool (LTI 1.3, course 101) are the spec's 1.3 tool, and an LTI 1.1
tool made through the API its ``new_valid_tool``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.canvas_specs.citation import canvas_spec
from tests.rest.helpers import TEACHER

SPEC = "spec/controllers/external_tools_controller_spec.rb"
CODE = "app/controllers/external_tools_controller.rb"
BASE = "/api/v1/courses/101/external_tools/sessionless_launch"
GROUP = "GET 'generate_sessionless_launch'"
LTI_1_3 = f"{GROUP} / with 1.3 tool"


def launch(mock: Any, **params: Any) -> Any:
    return mock.get(BASE, headers=TEACHER, params=params)


def launch_url(response: Any) -> tuple[str, dict[str, list[str]]]:
    assert response.status_code == 200, response.text
    url = urlsplit(response.json()["url"])
    assert (url.scheme, url.netloc) == ("http", "testserver")
    return url.path, parse_qs(url.query)


def new_valid_tool(mock: Any) -> dict[str, Any]:
    response = mock.post("/api/v1/courses/101/external_tools", headers=TEACHER, json={
        "name": "bob", "consumer_key": "bob", "shared_secret": "bob", "url": "http://www.example.com/basic_lti",
        "resource_selection": {"url": "http://www.example.com/selection_test", "selection_width": 400, "selection_height": 400}})
    assert response.status_code == 200, response.text
    return response.json()


@canvas_spec(SPEC, f"{GROUP} / generates a sessionless launch")
def test_lti_1_1_tool_gets_a_verifier(mock: Any) -> None:
    tool = new_valid_tool(mock)
    path, query = launch_url(launch(mock, id=tool["id"]))
    assert path == "/courses/101/external_tools/sessionless_launch" and len(query["verifier"][0]) >= 32
    again = launch_url(launch(mock, id=tool["id"]))[1]
    assert again["verifier"] != query["verifier"]  # one verifier per launch


@canvas_spec(SPEC, f"{GROUP} / requires context_module_id for module_item launch type")
def test_module_item_launch_requires_module_item_id(mock: Any) -> None:
    response = launch(mock, launch_type="module_item", content_type="ContextExternalTool")
    assert response.status_code == 400
    assert "A module item id must be provided for module item LTI launch" in response.text
    assert response.json()["errors"]["module_item_id"][0]["message"] == "A module item id must be provided for module item LTI launch"


@canvas_spec(SPEC, f"{GROUP} / redirects if there is no matching tool for the and tool id")
def test_unknown_tool_id_redirects_to_the_course(mock: Any) -> None:
    response = mock.get(BASE, headers=TEACHER, params={"id": -1}, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "http://testserver/courses/101"


@canvas_spec(SPEC, f"{LTI_1_3} / returns the lti 1.3 launch url with a session token when not given url or lookup_id")
def test_lti_1_3_launch_by_id(mock: Any) -> None:
    response = launch(mock, id=3)
    path, query = launch_url(response)
    assert path == "/courses/101/external_tools/3"
    assert query["display"] == ["borderless"] and query["session_token"][0]
    assert "verifier" not in query and response.json()["id"] == 3 and response.json()["name"] == "Roster Only Tool"


@canvas_spec(SPEC, f"{LTI_1_3} / returns the lti 1.3 launch url with a session token when given a url and tool id")
def test_lti_1_3_launch_by_id_and_url(mock: Any) -> None:
    path, query = launch_url(launch(mock, id=3, url="http://127.0.0.1:9003/launch"))
    assert path == "/courses/101/external_tools/3"
    assert {"display", "launch_url", "session_token"} <= set(query)


@canvas_spec(SPEC, f"{LTI_1_3} / returns the specified launch url for a deep link")
def test_lti_1_3_launch_url_is_passed_on(mock: Any) -> None:
    deep_link = "http://127.0.0.1:9003/launch?deep_link=1"
    assert launch_url(launch(mock, id=3, url=deep_link))[1]["launch_url"] == [deep_link]


@canvas_spec(SPEC, f"{LTI_1_3} / when not passing tool_id / "
                  "returns the lti 1.3 resource link lookup uuid with a session token when given a lookup_uuid")
def test_lti_1_3_launch_by_resource_link_lookup_uuid(mock: Any) -> None:
    link = mock.post("/api/v1/courses/101/lti_resource_links", headers=TEACHER, json={"url": "http://127.0.0.1:9003/launch"}).json()
    response = launch(mock, resource_link_lookup_uuid=link["lookup_uuid"])
    path, query = launch_url(response)
    assert path == "/courses/101/external_tools/retrieve"
    assert query["resource_link_lookup_uuid"] == [link["lookup_uuid"]] and query["display"] == ["borderless"] and query["session_token"][0]
    assert response.json()["id"] == 3


@canvas_spec(SPEC, f"{LTI_1_3} / with an assignment launch / returns an assignment launch URL")
def test_lti_1_3_assignment_launch(mock: Any) -> None:
    response = launch(mock, launch_type="assessment", assignment_id=301)
    assert launch_url(response)[0] == "/courses/101/assignments/301"
    assert response.json()["url"].startswith("http://testserver/courses/101/assignments/301?display=borderless&session_token=")


@canvas_spec(SPEC, f"{LTI_1_3} / when there is a URL but no launch_type or ID / generates a retrieve URL with the url")
def test_lti_1_3_launch_by_url_is_a_retrieve_url(mock: Any) -> None:
    response = launch(mock, url="http://127.0.0.1:9003/launch")
    assert response.json()["url"].startswith("http://testserver/courses/101/external_tools/retrieve?")
    query = launch_url(response)[1]
    assert query["display"] == ["borderless"] and query["url"] == ["http://127.0.0.1:9003/launch"]
    assert "url=http%3A%2F%2F127.0.0.1%3A9003%2Flaunch" in response.json()["url"]


@canvas_spec(SPEC, f"{LTI_1_3} / when there is a URL but no launch_type or ID / finds the tool")
def test_lti_1_3_launch_by_url_finds_the_tool(mock: Any) -> None:
    assert launch(mock, url="http://127.0.0.1:9001/launch").json()["id"] == 1
