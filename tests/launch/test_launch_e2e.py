"""Acceptance 1: a resource link launch end to end, with a real tool over HTTP."""

from __future__ import annotations

from mockserver.testing import RunningMock
from tests import net

from .conftest import start_launch
from .tool import AGS_CLAIM, LTI, NRPS_CLAIM, LtiTool, browse_launch

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


def test_resource_link_launch_then_services(mock: RunningMock, tool: LtiTool) -> None:
    login = start_launch(mock, tool="1", course="101", user="20", assignment="301")
    assert login["login_url"] == f"{tool.base_url}/login"
    params = login["params"]
    assert set(params) >= {"iss", "login_hint", "client_id", "deployment_id", "target_link_uri",
                           "lti_message_hint", "canvas_region", "canvas_environment"}
    answer = browse_launch(login)
    assert answer.status_code == 200, answer.text
    claims = answer.json()["claims"]

    user = next(u for u in mock.config["users"] if u["id"] == 20)
    assert claims["sub"] == user["lti_id"]
    # Canvas's login_hint is the user's opaque identifier, the LTI 1.1 user id, not the sub.
    assert params["login_hint"] == claims["https://purl.imsglobal.org/spec/lti/claim/lti11_legacy_user_id"]
    assert claims["aud"] == claims["azp"] == "10000000000001"
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "deployment_id"] == params["deployment_id"]
    assert claims[LTI + "target_link_uri"] == params["target_link_uri"]
    assert claims[LTI + "roles"] == [LIS + "institution/person#Student", LIS + "membership#Learner",
                                     LIS + "system/person#User"]
    assert claims[LTI + "context"]["label"] == "CS-101"
    assert claims[LTI + "resource_link"]["id"] == "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"
    assert claims[LTI + "resource_link"]["title"] == "Lab Report 1"
    assert claims[LTI + "tool_platform"]["product_family_code"] == "canvas"
    assert claims["https://www.instructure.com/placement"] is None
    assert claims["name"] == user["name"] and "email" in claims and "picture" in claims
    assert claims[LTI + "lti11_legacy_user_id"]
    ags = claims[AGS_CLAIM]
    assert ags["lineitems"] == f"{mock.base_url}/api/lti/courses/101/line_items"
    assert ags["lineitem"] == f"{mock.base_url}/api/lti/courses/101/line_items/1"
    assert claims[NRPS_CLAIM]["context_memberships_url"] == f"{mock.base_url}/api/lti/courses/101/names_and_roles"

    # The tool reads the roster and grades the launching student on the launch's line item.
    members = tool.roster(claims)
    assert claims["sub"] in {m["user_id"] for m in members}
    line_item = tool.post_score(claims, claims["sub"], 9, 10)
    assert line_item == ags["lineitem"]
    results = tool.results(claims, line_item)
    mine = [r for r in results if r["userId"] == claims["sub"]]
    assert mine and mine[0]["resultScore"] == 9
    # …and the mock's world has it.
    state = net.get(f"{mock.base_url}/__mock__/state").json()
    assert any(r["line_item_id"] == 1 and r["user_id"] == 20 and r["score_given"] == 9 for r in state["results"])


def test_course_navigation_launch_creates_its_own_line_item(mock: RunningMock, tool: LtiTool) -> None:
    login = start_launch(mock, tool="Mock Grading Tool", course="101", user="10", placement="course_navigation")
    claims = browse_launch(login).json()["claims"]
    assert LIS + "membership#Instructor" in claims[LTI + "roles"]
    assert "lineitem" not in claims[AGS_CLAIM]
    assert claims["https://www.instructure.com/placement"] == "course_navigation"
    assert claims[LTI + "resource_link"]["id"] == claims[LTI + "context"]["id"]
    student = next(u for u in mock.config["users"] if u["id"] == 21)["lti_id"]
    line_item = tool.post_score(claims, student, 4, 5)
    assert [r["resultScore"] for r in tool.results(claims, line_item)] == [4]


def test_launch_through_the_html_page(mock: RunningMock, tool: LtiTool) -> None:
    """The browser path: the launch page's form, then the auto-posting login form."""
    page = net.get(f"{mock.base_url}/__mock__/")
    assert page.status_code == 200 and 'action="/__mock__/launches"' in page.text
    with net.Client(follow_redirects=True) as browser:
        login_page = browser.post(f"{mock.base_url}/__mock__/launches",
                                  data={"tool": "1", "course": "101", "user": "20", "placement": ""})
        assert login_page.headers["content-type"].startswith("text/html")
        from .tool import read_form

        form = read_form(login_page.text)
        assert form.action == f"{tool.base_url}/login" and form.method == "POST"
        authorize_page = browser.post(form.action, data=form.fields)
        launch = read_form(authorize_page.text)
        answer = browser.post(launch.action or "", data=launch.fields)
    assert answer.json()["ok"] is True
