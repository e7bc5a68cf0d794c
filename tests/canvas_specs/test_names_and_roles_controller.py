"""Canvas's ``spec/controllers/lti/ims/names_and_roles_controller_spec.rb`` (NRPS), against the mock over HTTP.

Fixture course 101: teacher 10, TA 11, active students 20-22, invited student 23, concluded student 24,
observer 25; group 501 has leader 20 and member 21. The grading tool's privacy level is public.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import COURSE, auth, edit_state, record
from tests.ltiutil import MEMBERSHIPS, lti_error

NRPS = "spec/controllers/lti/ims/names_and_roles_controller_spec.rb"
PROVIDER = "app/controllers/lti/ims/providers/memberships_provider.rb"
ROSTER = f"/api/lti/courses/{COURSE}/names_and_roles"
GROUP = "/api/lti/groups/501/names_and_roles"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership"
LINK = "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"  # assignment 301's resource link (grading tool)


@pytest.fixture
def headers(client: Any, config: dict[str, Any]) -> dict[str, str]:
    return auth(client, config)


def members(client: Any, headers: dict[str, str], path: str = ROSTER, **query: Any) -> list[dict[str, Any]]:
    response = client.get(path, params=query, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["members"]


def user_ids(config: dict[str, Any], found: list[dict[str, Any]]) -> list[int]:
    by_lti = {u["lti_id"]: u["id"] for u in config["users"]}
    return [by_lti[m["user_id"]] for m in found]


def links(response: Any) -> dict[str, dict[str, list[str]]]:
    """``rel`` → the query of its URL."""
    out = {}
    for part in response.headers["link"].split(","):
        url, rel = part.split(";")
        out[rel.strip().removeprefix('rel="').removesuffix('"')] = parse_qs(urlsplit(url.strip()[1:-1]).query)
    return out


def add_enrollment(client: Any, user_id: int, kind: str, state: str = "active") -> None:
    def change(dump: dict[str, Any]) -> None:
        dump["enrollments"].append({"id": 900 + len(dump["enrollments"]), "course_id": COURSE, "user_id": user_id,
                                    "type": kind, "state": state})
    edit_state(client, change)


@pytest.mark.parametrize(("user", "roles"), [
    (10, [f"{LIS}#Instructor"]),
    (20, [f"{LIS}#Learner"]),
    (11, [f"{LIS}/Instructor#TeachingAssistant", f"{LIS}#Instructor"]),
    (25, [f"{LIS}#Mentor"]),
], ids=["teacher", "student", "ta", "observer"])
@canvas_spec(NRPS, '#course_index / when a course has a single enrollment / returns teacher|student|ta|observer in members array')
def test_each_enrollment_type_is_a_member_with_its_roles(client: Any, headers: dict[str, str], config: dict[str, Any],
                                                        user: int, roles: list[str]) -> None:
    member = next(m for m in members(client, headers) if m["user_id"] == next(u["lti_id"] for u in config["users"] if u["id"] == user))
    assert member["status"] == "Active" and member["roles"] == roles
    assert {"name", "given_name", "family_name", "email", "picture", "lti11_legacy_user_id"} <= set(member)


@canvas_spec(NRPS, '#course_index / when a course has a single enrollment / returns designer in members array')
def test_designer_is_a_content_developer(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    add_enrollment(client, 1, "DesignerEnrollment")
    found = members(client, headers, role=f"{LIS}#ContentDeveloper")
    assert user_ids(config, found) == [1] and found[0]["roles"] == [f"{LIS}#ContentDeveloper"]


@canvas_spec(NRPS, 'when a course has a user with multiple active enrollments / returns both enrollments in the same '
                   'NRPS membership')
def test_two_enrollments_are_one_member(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    add_enrollment(client, 10, "StudentEnrollment")
    found = [m for m in members(client, headers) if user_ids(config, [m]) == [10]]
    assert len(found) == 1 and found[0]["roles"] == [f"{LIS}#Instructor", f"{LIS}#Learner"]


@canvas_spec(NRPS, 'when a course has a concluded enrollment / does not return the concluded enrollment')
def test_concluded_enrollment_is_not_a_member(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    assert 24 not in user_ids(config, members(client, headers))


@pytest.mark.parametrize("state", ["inactive", "deleted", "rejected"])
@canvas_spec(NRPS, 'when a course has a deactivated|deleted|rejected enrollment / does not return the '
                   'deactivated|deleted|rejected enrollment')
def test_inactive_enrollments_are_not_members(client: Any, headers: dict[str, str], config: dict[str, Any], state: str) -> None:
    edit_state(client, lambda dump: record(dump, "enrollments", course_id=COURSE, user_id=21).update(state=state))
    assert 21 not in user_ids(config, members(client, headers))


@canvas_spec(NRPS, 'when a course has a invited instructor enrollment / does not return the invited instructor enrollment; '
                   'when a course has a creation_pending student enrollment / does not return it')
def test_invited_enrollments_are_not_members(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    add_enrollment(client, 1, "TeacherEnrollment", state="invited")
    found = user_ids(config, members(client, headers))
    assert 1 not in found and 23 not in found  # 23: an invited student in the fixtures


@canvas_spec(NRPS, "multiple enrollments check / returns all enrollments sorted by user id", follows_code=PROVIDER)
def test_members_are_sorted_by_user_id(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    assert user_ids(config, members(client, headers)) == [10, 11, 20, 21, 22, 25]


@pytest.mark.parametrize(("role", "expected"), [
    (f"{LIS}#Instructor", [10, 11]),
    (f"{LIS}#Learner", [20, 21, 22]),
    (f"{LIS}/Instructor#TeachingAssistant", [11]),
    (f"{LIS}#Mentor", [25]),
    ("http://purl.imsglobal.org/total/nonsense", []),
], ids=["instructor", "learner", "ta", "mentor", "nonsense"])
@canvas_spec(NRPS, 'and the role param specifies the LIS Instructor|Learner|TeachingAssistant|Mentor role / limits results '
                   'to Canvas Teachers and TAs|Students|TAs|Observers; and the role param specifies an unknown value / '
                   'returns no course members')
def test_role_filter(client: Any, headers: dict[str, str], config: dict[str, Any], role: str, expected: list[int]) -> None:
    assert user_ids(config, members(client, headers, role=role)) == expected


@canvas_spec(NRPS, 'and a course has a user with multiple active enrollments / and the role param specifies the '
                   'second enrollment role / returns matching NRPS memberships grouped by user')
def test_role_filter_keeps_every_role_of_a_member(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    add_enrollment(client, 10, "StudentEnrollment")
    found = members(client, headers, role=f"{LIS}#Learner")
    assert user_ids(config, found) == [10, 20, 21, 22]
    assert found[0]["roles"] == [f"{LIS}#Instructor", f"{LIS}#Learner"]


@canvas_spec(NRPS, "page size check / when a limit page size parameter is specified / returns the first page of results, "
                   "with the correct size and proper navigation links")
def test_limit_pages_with_per_page_links(client: Any, headers: dict[str, str]) -> None:
    response = client.get(ROSTER, params={"limit": 2, "pass": "thru"}, headers=headers)
    assert response.headers["content-type"] == MEMBERSHIPS
    assert len(response.json()["members"]) == 2
    found = links(response)
    assert set(found) == {"current", "next", "first", "last"}
    assert found["current"] == {"pass": ["thru"], "page": ["1"], "per_page": ["2"]}
    assert found["next"]["page"] == ["2"] and found["last"]["page"] == ["3"]


@canvas_spec(NRPS, "page size check / when the page size parameter is too large / defaults to the system maximum page size",
             follows_code=PROVIDER)
def test_huge_limit_is_capped_at_fifty(client: Any, headers: dict[str, str]) -> None:
    response = client.get(ROSTER, params={"limit": 4611686018427387903}, headers=headers)
    assert len(response.json()["members"]) == 6
    assert links(response)["current"]["per_page"] == ["50"]


@canvas_spec(NRPS, "when a limit param overrides a per_page param / returns the first page of results, with the correct "
                   "size and proper navigation links")
def test_limit_wins_over_per_page(client: Any, headers: dict[str, str]) -> None:
    response = client.get(ROSTER, params={"limit": 2, "per_page": 3}, headers=headers)
    assert len(response.json()["members"]) == 2
    assert links(response)["current"]["per_page"] == ["2"]


@canvas_spec(NRPS, "page size check / when a page index parameter is specified / returns the specified page of results, "
                   "with the correct size and proper navigation links")
def test_second_page(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    response = client.get(ROSTER, params={"limit": 2, "page": 2}, headers=headers)
    assert user_ids(config, response.json()["members"]) == [20, 21]
    found = links(response)
    assert found["prev"]["page"] == ["1"] and found["next"]["page"] == ["3"]


@canvas_spec(NRPS, "and when the page index parameter is too large / returns an empty members array, with the correct "
                   "size and proper navigation links", follows_code="lib/api.rb")
def test_page_past_the_end_is_empty(client: Any, headers: dict[str, str]) -> None:
    response = client.get(ROSTER, params={"limit": 2, "page": 7}, headers=headers)
    assert response.status_code == 200 and response.json()["members"] == []
    found = links(response)  # Api's stand-in page: no total, so no "last", and Folio's page size
    assert {rel: q["page"] for rel, q in found.items()} == {"current": ["7"], "next": ["8"], "prev": ["6"], "first": ["1"]}
    assert {q["per_page"][0] for q in found.values()} == {"30"}


@canvas_spec(NRPS, "rlid check / when the rlid param specifies the course context LTI ID / behaves just like a 'normal' "
                   "NRPS course membership lookup")
def test_course_rlid_is_a_normal_lookup_with_messages(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    course = next(c for c in config["courses"] if c["id"] == COURSE)
    plain, with_rlid = members(client, headers), members(client, headers, rlid=course["lti_context_id"])
    assert [m["user_id"] for m in with_rlid] == [m["user_id"] for m in plain]
    message = with_rlid[0]["message"][0]
    assert message["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiResourceLinkRequest"
    assert message["https://www.instructure.com/canvas_user_id"] == 10


@canvas_spec(NRPS, "rlid check / when the rlid param does not specify the course context LTI ID / returns a 400 "
                   "bad_request and descriptive error message", follows_code=PROVIDER)
def test_rlid_naming_nothing_is_invalid(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    course = next(c for c in config["courses"] if c["id"] == COURSE)
    response = client.get(ROSTER, params={"rlid": f"nonsense-{course['lti_context_id']}"}, headers=headers)
    lti_error(response, 400, "Invalid 'rlid' parameter")
    assert response.json()["errors"]["type"] == "bad_request"
    assert MEMBERSHIPS not in response.headers["content-type"]  # 'mime_type check'


@canvas_spec(NRPS, "and an assignment rlid param is specified / for an assignment unbound from its previous tool / "
                   "returns a 400 bad_request and descriptive error message")
def test_rlid_of_an_unbound_assignment(client: Any, headers: dict[str, str]) -> None:
    edit_state(client, lambda dump: record(dump, "assignments", id=301).update(external_tool_id=None, submission_types="none"))
    lti_error(client.get(ROSTER, params={"rlid": LINK}, headers=headers), 400,
              "Requested assignment not configured for external tool launches")


@canvas_spec(NRPS, "and an assignment rlid param is specified / for an assignment assigned to everyone / returns all "
                   "course members")
def test_rlid_of_an_assignment_for_everyone(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    found = members(client, headers, rlid=LINK)
    assert user_ids(config, found) == [10, 11, 20, 21, 22, 25]
    assert all(m["message"][0]["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiResourceLinkRequest"
               for m in found)


@canvas_spec(NRPS, "rlid check (a resource link bound to another tool)", follows_code=PROVIDER)
def test_rlid_of_another_tools_link(client: Any, config: dict[str, Any]) -> None:
    roster_tool = auth(client, config, tool="Roster Only Tool")
    lti_error(client.get(ROSTER, params={"rlid": LINK}, headers=roster_tool), 400,
              "Tool does not have access to rlid or rlid does not exist")


@canvas_spec(NRPS, "#group_index / and the role param specifies a valid but non-Group LIS value / returns no group members")
def test_group_roles_other_than_member_and_manager_match_nobody(client: Any, headers: dict[str, str]) -> None:
    assert members(client, headers, GROUP, role=f"{LIS}#Instructor") == []


@canvas_spec(NRPS, "#group_index / and the role param limits results to the group leader / returns the group leader")
def test_group_manager_is_the_leader(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    found = members(client, headers, GROUP, role=f"{LIS}#Manager")
    assert user_ids(config, found) == [20] and found[0]["roles"] == [f"{LIS}#Member", f"{LIS}#Manager"]


@canvas_spec(NRPS, "#group_index / and role and pagination params are specified / returns the correct first|second page "
                   "of results")
def test_group_members_page_by_one(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    first = client.get(GROUP, params={"role": f"{LIS}#Member", "limit": 1}, headers=headers)
    second = client.get(GROUP, params={"role": f"{LIS}#Member", "limit": 1, "page": 2}, headers=headers)
    assert user_ids(config, first.json()["members"]) == [20] and user_ids(config, second.json()["members"]) == [21]
    assert links(first)["next"] == {"role": [f"{LIS}#Member"], "page": ["2"], "per_page": ["1"]}
    context = first.json()["context"]
    assert context["title"] == "Project Team A" and "label" not in context
