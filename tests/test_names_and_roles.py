"""NRPS (§7): members, roles, privacy, filters and paging."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.ltiutil import MEMBERSHIPS, bearer, get_token, lti_error

LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership"
COURSE = "/api/lti/courses/101/names_and_roles"


@pytest.fixture
def auth(grading_token: str) -> dict[str, str]:
    return bearer(grading_token)


def test_roster_members_and_roles(client: Any, auth: dict[str, str], config: dict[str, Any]) -> None:
    response = client.get(COURSE, headers=auth)
    assert response.status_code == 200 and response.headers["content-type"] == MEMBERSHIPS
    body = response.json()
    assert body["id"] == f"http://testserver{COURSE}"
    by_name = {m["name"]: m for m in body["members"]}
    assert set(by_name) == {"Terry Teacher", "Tina Assistant", "Sienna Howell", "Samuel Student", "Sofia Rossi", "Omar Observer"}
    assert by_name["Tina Assistant"]["roles"] == [f"{LIS}/Instructor#TeachingAssistant", f"{LIS}#Instructor"]
    assert by_name["Omar Observer"]["roles"] == [f"{LIS}#Mentor"]
    sienna = by_name["Sienna Howell"]
    assert sienna["status"] == "Active" and sienna["lis_person_sourcedid"] == "1238.8763.00"
    assert {"email", "picture", "given_name", "family_name", "user_id", "lti11_legacy_user_id"} <= set(sienna)
    ids = [m["user_id"] for m in body["members"]]
    expected_order = [u["lti_id"] for u in sorted(config["users"], key=lambda u: u["id"]) if u["lti_id"] in ids]
    assert ids == expected_order  # ordered by Canvas user id


def test_privacy_anonymous_hides_names(client: Any, config: dict[str, Any]) -> None:
    token = get_token(client, config, "Roster Only Tool")
    members = client.get(COURSE, headers=bearer(token)).json()["members"]
    assert members and all(set(m) == {"status", "user_id", "lti11_legacy_user_id", "roles"} for m in members)


def test_user_with_two_enrollments_appears_once(app: Any, client: Any, auth: dict[str, str]) -> None:
    from mockserver.world import Enrollment

    world = app.state.world
    world.add_enrollment(Enrollment(id=999, course_id=101, user_id=10, type="StudentEnrollment"))
    teacher = [m for m in client.get(COURSE, headers=auth).json()["members"] if m.get("name") == "Terry Teacher"]
    assert len(teacher) == 1 and teacher[0]["roles"] == [f"{LIS}#Instructor", f"{LIS}#Learner"]


def test_role_filter(client: Any, auth: dict[str, str]) -> None:
    learners = client.get(f"{COURSE}?role={quote(LIS + '#Learner')}", headers=auth).json()["members"]
    assert sorted(m["name"] for m in learners) == ["Samuel Student", "Sienna Howell", "Sofia Rossi"]
    assert client.get(f"{COURSE}?role=nonsense", headers=auth).json()["members"] == []


def test_limit_capped_at_50_and_rewritten(client: Any, auth: dict[str, str]) -> None:
    response = client.get(f"{COURSE}?limit=500&role={quote(LIS + '#Learner')}", headers=auth)
    assert len(response.json()["members"]) == 3
    link = response.headers["link"]
    assert "limit=" not in link and "per_page=50" in link and "role=" in link


def test_page_past_the_end(client: Any, auth: dict[str, str]) -> None:
    response = client.get(f"{COURSE}?limit=2&page=99", headers=auth)
    assert response.status_code == 200 and response.json()["members"] == [] and 'rel="current"' in response.headers["link"]


def test_rlid(client: Any, auth: dict[str, str], config: dict[str, Any]) -> None:
    course = next(c for c in config["courses"] if c["id"] == 101)
    with_context = client.get(f"{COURSE}?rlid={course['lti_context_id']}", headers=auth).json()["members"]
    assert all(m["message"][0]["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiResourceLinkRequest"
               for m in with_context)
    link = client.get(f"{COURSE}?rlid=8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01", headers=auth)
    assert link.status_code == 200
    lti_error(client.get(f"{COURSE}?rlid=bogus", headers=auth), 400, "Invalid 'rlid' parameter")  # names no link


def test_rlid_of_another_tool(client: Any, config: dict[str, Any]) -> None:
    token = get_token(client, config, "Roster Only Tool")
    lti_error(client.get(f"{COURSE}?rlid=8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01", headers=bearer(token)), 400,
              "Tool does not have access to rlid or rlid does not exist")


def test_group_roster(client: Any, auth: dict[str, str]) -> None:
    body = client.get("/api/lti/groups/501/names_and_roles", headers=auth).json()
    assert body["context"]["title"] == "Project Team A" and "label" not in body["context"]
    roles = {m["name"]: m["roles"] for m in body["members"]}
    assert roles == {"Sienna Howell": [f"{LIS}#Member", f"{LIS}#Manager"], "Samuel Student": [f"{LIS}#Member"]}
    managers = client.get(f"/api/lti/groups/501/names_and_roles?role={quote(LIS + '#Manager')}", headers=auth).json()
    assert [m["name"] for m in managers["members"]] == ["Sienna Howell"]
    learners = client.get(f"/api/lti/groups/501/names_and_roles?role={quote(LIS + '#Learner')}", headers=auth).json()
    assert learners["members"] == []


def test_the_roster_follows_enrollment_changes(app: Any, client: Any, auth: dict[str, str]) -> None:
    """The world keeps a course's roster between requests; every way enrollments change shows."""
    from mockserver.world import Enrollment

    def names() -> set[str]:
        return {m.get("name") for m in client.get(f"{COURSE}?limit=50", headers=auth).json()["members"]}

    before = names()
    state = client.get("/__mock__/state").json()
    new_user = max(u["id"] for u in state["users"] if u["id"] not in {e["user_id"] for e in state["enrollments"]
                                                                       if e["course_id"] == 101})
    expected_name = next(u["name"] for u in state["users"] if u["id"] == new_user)
    state["enrollments"].append({"id": 9999, "course_id": 101, "user_id": new_user, "type": "StudentEnrollment",
                                 "state": "active"})
    assert client.put("/__mock__/state", json=state).status_code in (200, 204)
    assert names() == before | {expected_name}  # a state upload
    assert client.post("/__mock__/reset").status_code in (200, 204)
    assert names() == before  # a reset
    app.state.world.add_enrollment(Enrollment(id=9998, course_id=101, user_id=new_user, type="StudentEnrollment"))
    assert names() == before | {expected_name}  # the world's own add_enrollment


def _context_id(client: Any, auth: dict[str, str]) -> str:
    return client.get(COURSE, headers=auth).json()["context"]["id"]


def test_roster_bodies_are_canonical_json(client: Any, auth: dict[str, str]) -> None:
    """Members' JSON is made once and joined: the bytes must be what encoding the whole body gives."""
    from mockserver.canvas.errors import json_text

    queries = ["", "?limit=2", "?limit=2&page=2", "?limit=2&page=9", f"?role={quote(LIS + '#Learner')}",
               f"?rlid={_context_id(client, auth)}", f"?rlid={_context_id(client, auth)}&limit=1&page=3"]
    for query in queries:
        response = client.get(COURSE + query, headers=auth)
        assert response.status_code == 200
        assert response.content == json_text(response.json()).encode(), query


def test_the_roster_follows_edits_of_the_tool(client: Any, auth: dict[str, str]) -> None:
    """Members' JSON depends on the tool's privacy level and custom fields, which the API can change."""
    admin = {"Authorization": "Bearer mock-admin-token-TEST-ONLY"}
    rlid = f"{COURSE}?rlid={_context_id(client, auth)}"
    assert all("name" in m for m in client.get(COURSE, headers=auth).json()["members"])
    assert client.get(rlid, headers=auth).json()["members"][0]["message"][0][CUSTOM] == {}
    edit = client.put("/api/v1/accounts/2/external_tools/1", headers=admin, data={"custom_fields[color]": "blue"})
    assert edit.status_code == 200, edit.text
    assert client.get(rlid, headers=auth).json()["members"][0]["message"][0][CUSTOM] == {"color": "blue"}
    edit = client.put("/api/v1/accounts/2/external_tools/1", headers=admin, data={"privacy_level": "anonymous"})
    assert edit.status_code == 200, edit.text
    members = client.get(COURSE, headers=auth).json()["members"]
    assert members and all("name" not in m for m in members)


CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
