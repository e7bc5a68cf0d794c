"""The user-authenticated legacy LTI helpers: ``GET /api/lti/courses/:id/jwt_token`` (a tool's LTI 1.1
launch parameters as an HS256 JWT) and ``GET /api/lti/groups/:id/membership_service`` (the LTI 1.1
membership service page), with their Canvas API token errors and Canvas's pagination."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from mockserver.handlers.legacy_lti import jwt_token_key
from mockserver.world import Tool
from tests.rest.helpers import ADMIN, NOT_FOUND, STUDENT, TEACHER, assert_auth_errors

MEMBER = "urn:lti:role:ims/lis/Member"
MANAGER = "urn:lti:role:ims/lis/Manager"
CONTAINER = "http://purl.imsglobal.org/ctx/lis/v2/MembershipContainer"
SECRET = "lti11-shared-secret-long-enough-for-hs256-0123456789"


def state(client: Any) -> dict[str, Any]:
    return client.get("/__mock__/state").json()


def by_id(rows: list[dict[str, Any]], row_id: int) -> dict[str, Any]:
    return next(r for r in rows if r["id"] == row_id)


def jwt_claims(app: Any, client: Any, url: str, headers: dict[str, str], tool_id: int) -> dict[str, Any]:
    """GET the token and decode it, verifying the HS256 signature with the documented key."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"jwt_token"}
    token = response.json()["jwt_token"]
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    tool: Tool = app.state.world.tools[tool_id]
    return jwt.decode(token, jwt_token_key(app.state.secret, tool), algorithms=["HS256"])


# -- jwt_token ------------------------------------------------------------------------------

def test_jwt_token_by_tool_id_carries_the_lti11_launch(app: Any, client: Any) -> None:
    world = state(client)
    course, teacher = by_id(world["courses"], 101), by_id(world["users"], 10)
    root = by_id(world["accounts"], 1)
    now = client.get("/__mock__/clock").json()["epoch"]
    claims = jwt_claims(app, client, "/api/lti/courses/101/jwt_token?tool_id=1", TEACHER, 1)
    assert claims["context_id"] == course["lti_context_id"] == claims["resource_link_id"]
    assert (claims["context_label"], claims["context_title"]) == (course["course_code"], course["name"])
    assert claims["custom_canvas_course_id"] == "101" and claims["custom_canvas_user_id"] == "10"
    assert claims["custom_canvas_user_login_id"] == "tteacher"
    assert claims["custom_canvas_enrollment_state"] == "active"
    assert claims["custom_canvas_workflow_state"] == "available"
    assert claims["custom_canvas_api_domain"] == "testserver"
    assert claims["roles"] == "Instructor"
    assert claims["ext_roles"] == "urn:lti:instrole:ims/lis/Instructor,urn:lti:role:ims/lis/Instructor,urn:lti:sysrole:ims/lis/User"
    assert claims["user_id"] == teacher["lti11_id"]
    assert claims["lti_message_type"] == "basic-lti-launch-request" and claims["lti_version"] == "LTI-1p0"
    assert claims["tool_consumer_info_product_family_code"] == "canvas"
    assert claims["tool_consumer_instance_guid"] == root["lti_guid"]
    assert claims["tool_consumer_instance_name"] == root["name"]
    assert claims["resource_link_title"] == "Mock Grading Tool"
    # The Mock Grading Tool is public: name, email and picture are sent.
    assert claims["lis_person_name_full"] == "Terry Teacher"
    assert (claims["lis_person_name_given"], claims["lis_person_name_family"]) == ("Terry", "Teacher")
    assert claims["lis_person_contact_email_primary"] == "terry.teacher@example.edu"
    assert claims["user_image"] == teacher["avatar_url"]
    assert claims["consumer_key"] is None
    assert abs(claims["iat"] - now) <= 5
    assert not any(k.startswith("oauth_") for k in claims)


def test_jwt_token_by_launch_url_is_privacy_gated(app: Any, client: Any) -> None:
    world = state(client)
    student = by_id(world["users"], 20)
    # Exact launch URL (the query is ignored) of the anonymous Roster Only Tool, installed in course 101.
    claims = jwt_claims(app, client, "/api/lti/courses/101/jwt_token?tool_launch_url=http://127.0.0.1:9003/launch%3Fx%3D1",
                        STUDENT, 3)
    assert claims["resource_link_title"] == "Roster Only Tool"
    assert claims["roles"] == "Learner"
    assert claims["ext_roles"] == "urn:lti:instrole:ims/lis/Student,urn:lti:role:ims/lis/Learner,urn:lti:sysrole:ims/lis/User"
    assert claims["user_id"] == student["lti11_id"]
    assert not any(k.startswith("lis_person_") for k in claims) and "user_image" not in claims
    assert claims["custom_canvas_user_login_id"] == "$Canvas.user.loginId"  # hidden, left unexpanded
    # An exact launch URL wins over the (nearer) tools whose host matches.
    claims = jwt_claims(app, client, "/api/lti/courses/101/jwt_token?tool_launch_url=http://127.0.0.1:9001/launch",
                        STUDENT, 1)
    assert claims["resource_link_title"] == "Mock Grading Tool"
    assert claims["lis_person_sourcedid"] == "1238.8763.00"


def test_jwt_token_of_an_lti11_tool_is_signed_with_its_shared_secret(app: Any, client: Any) -> None:
    created = client.post("/api/v1/courses/101/external_tools", headers=TEACHER, json={
        "name": "Legacy Tool", "consumer_key": "legacy-key", "shared_secret": SECRET, "url": "https://legacy.example.com/lti",
        "privacy_level": "name_only", "custom_fields": {"Canvas User": "$Canvas.user.id", "plain": "value"}})
    assert created.status_code == 200, created.text
    tool_id = created.json()["id"]
    response = client.get(f"/api/lti/courses/101/jwt_token?tool_id={tool_id}", headers=ADMIN)
    assert response.status_code == 200, response.text
    claims = jwt.decode(response.json()["jwt_token"], SECRET, algorithms=["HS256"])
    assert claims["consumer_key"] == "legacy-key"
    assert claims["custom_canvas_user"] == "1" and claims["custom_plain"] == "value"
    # The admin is not enrolled in the course.
    assert claims["roles"] == "urn:lti:instrole:ims/lis/Administrator"
    assert claims["ext_roles"] == "urn:lti:instrole:ims/lis/Administrator,urn:lti:sysrole:ims/lis/User"
    assert claims["custom_canvas_enrollment_state"] == ""
    assert claims["lis_person_name_full"] == "Ada Admin"  # name_only: names, no email, no picture
    assert "lis_person_contact_email_primary" not in claims and "user_image" not in claims
    # Found by its launch URL too; the app-derived key does not verify it.
    token = client.get("/api/lti/courses/101/jwt_token?tool_launch_url=https://legacy.example.com/lti",
                       headers=TEACHER).json()["jwt_token"]
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["roles"] == "Instructor"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, jwt_token_key(app.state.secret, Tool(0, None, "Course", 101, "x")), algorithms=["HS256"])
    # A domain-only tool of the account matches any URL on (a subdomain of) its domain.
    created = client.post("/api/v1/accounts/2/external_tools", headers=ADMIN, json={
        "name": "Domain Tool", "consumer_key": "domain-key", "shared_secret": SECRET, "domain": "tools.example.org",
        "privacy_level": "anonymous"})
    assert created.status_code == 200, created.text
    token = client.get("/api/lti/courses/101/jwt_token?tool_launch_url=https://www.tools.example.org/any/path",
                       headers=STUDENT).json()["jwt_token"]
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["resource_link_title"] == "Domain Tool"


def test_jwt_token_roles_of_other_enrollments(app: Any, client: Any) -> None:
    world = state(client)
    world["api_tokens"] += [{"token": "ta-token-TEST-ONLY", "user_id": 11, "admin_of": None},
                            {"token": "observer-token-TEST-ONLY", "user_id": 25, "admin_of": None}]
    assert client.put("/__mock__/state", json=world).status_code == 204
    claims = jwt_claims(app, client, "/api/lti/courses/101/jwt_token?tool_id=1",
                        {"Authorization": "Bearer ta-token-TEST-ONLY"}, 1)
    assert claims["roles"] == "urn:lti:role:ims/lis/TeachingAssistant"
    # Also a student in course 102: institution roles come from every active enrollment.
    assert claims["ext_roles"] == ("urn:lti:instrole:ims/lis/Instructor,urn:lti:instrole:ims/lis/Student,"
                                   "urn:lti:role:ims/lis/TeachingAssistant,urn:lti:sysrole:ims/lis/User")
    claims = jwt_claims(app, client, "/api/lti/courses/101/jwt_token?tool_id=1",
                        {"Authorization": "Bearer observer-token-TEST-ONLY"}, 1)
    assert claims["roles"] == "urn:lti:role:ims/lis/Learner/NonCreditLearner"


def test_jwt_token_errors(client: Any) -> None:
    missing = client.get("/api/lti/courses/101/jwt_token", headers=TEACHER)  # nothing to find a tool by
    assert missing.status_code == 404 and missing.json() == NOT_FOUND
    for query in ("tool_id=999", "tool_id=abc", "tool_id=", "tool_id=2%2E0",
                  "tool_launch_url=https://nowhere.example.com/lti", "tool_launch_url="):
        response = client.get(f"/api/lti/courses/101/jwt_token?{query}", headers=TEACHER)
        assert response.status_code == 404, query
        assert response.json() == NOT_FOUND
    # Tool 1 lives in account 2; course 102 is in the sibling account 3; tool 3 only in course 101.
    for tool_id in (1, 3):
        assert client.get(f"/api/lti/courses/102/jwt_token?tool_id={tool_id}", headers=TEACHER).json() == NOT_FOUND
    # A deleted tool is not found.
    assert client.delete("/api/v1/courses/101/external_tools/3", headers=TEACHER).status_code == 200
    assert client.get("/api/lti/courses/101/jwt_token?tool_id=3", headers=TEACHER).status_code == 404
    for course in ("999", "abc"):
        response = client.get(f"/api/lti/courses/{course}/jwt_token?tool_id=1", headers=TEACHER)
        assert response.status_code == 404 and response.json() == NOT_FOUND
    # No token, an unknown token, and a student of another course (student 20 is not in course 102).
    assert_auth_errors(client, "GET", "/api/lti/courses/102/jwt_token?tool_id=2", forbidden=STUDENT)


# -- membership service ---------------------------------------------------------------------

def test_group_membership_service_page(client: Any) -> None:
    world = state(client)
    group = by_id(world["groups"], 501)
    response = client.get("/api/lti/groups/501/membership_service", headers=TEACHER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "link" not in response.headers
    page = response.json()
    assert (page["@id"], page["@type"], page["@context"], page["differences"], page["nextPage"]) == \
        (None, "Page", CONTAINER, None, None)
    page_of = page["pageOf"]
    assert (page_of["@type"], page_of["@context"], page_of["@id"]) == ("LISMembershipContainer", CONTAINER, None)
    assert page_of["membershipPredicate"] == "http://www.w3.org/ns/org#membership"
    subject = page_of["membershipSubject"]
    assert (subject["@type"], subject["@id"], subject["name"], subject["contextId"]) == \
        ("Context", None, "Project Team A", group["lti_context_id"])
    leader, member = subject["membership"]
    sienna = by_id(world["users"], 20)
    assert leader == {"@id": None, "status": "Active", "role": [MEMBER, MANAGER], "member": {
        "@id": None, "name": "Sienna Howell", "img": sienna["avatar_url"], "email": "showell@example.edu",
        "familyName": "Howell", "givenName": "Sienna", "resultSourcedId": None, "sourcedId": "1238.8763.00",
        "userId": sienna["lti11_id"]}}
    assert member["role"] == [MEMBER] and member["member"]["userId"] == by_id(world["users"], 21)["lti11_id"]
    assert member["member"]["sourcedId"] is None


def test_group_membership_service_readers(client: Any) -> None:
    # A member (student 20 leads group 501), the course's teacher and an admin may read; a
    # student outside the group may not.
    for headers in (STUDENT, TEACHER, ADMIN):
        assert client.get("/api/lti/groups/501/membership_service", headers=headers).status_code == 200
    assert_auth_errors(client, "GET", "/api/lti/groups/502/membership_service", forbidden=STUDENT)
    for group in ("999", "abc"):
        response = client.get(f"/api/lti/groups/{group}/membership_service", headers=TEACHER)
        assert response.status_code == 404 and response.json() == NOT_FOUND


def _grow_group(client: Any, extra: int) -> list[int]:
    """Add ``extra`` users to group 502 (which has user 22) through the state dump; its member ids."""
    world = state(client)
    new_ids = list(range(900, 900 + extra))
    world["users"] += [{"id": uid, "name": f"Member {uid}", "email": f"m{uid}@example.edu"} for uid in new_ids]
    by_id(world["groups"], 502)["member_ids"] += new_ids
    loaded = client.put("/__mock__/state", json=world)
    assert loaded.status_code == 204, loaded.text
    return [22, *new_ids]


def _user_ids(client: Any, page: dict[str, Any]) -> list[str]:
    return [m["member"]["name"] for m in page["pageOf"]["membershipSubject"]["membership"]]


def test_group_membership_service_pagination(client: Any) -> None:
    ids = _grow_group(client, 14)  # 15 members
    names = ["Sofia Rossi", *(f"Member {uid}" for uid in ids[1:])]
    first = client.get("/api/lti/groups/502/membership_service", headers=TEACHER).json()
    assert _user_ids(client, first) == names[:10]  # default 10 per page, by user id
    next_url = first["nextPage"]
    parts = urlsplit(next_url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://testserver/api/lti/groups/502/membership_service"
    assert parts.query == "page=2&per_page=10"
    second = client.get(next_url, headers=TEACHER).json()
    assert _user_ids(client, second) == names[10:] and second["nextPage"] is None
    # per_page is clamped to 10..100 (Ruby to_i); page to >= 1; a page past the end is empty.
    small = client.get("/api/lti/groups/502/membership_service?per_page=1", headers=TEACHER).json()
    assert len(_user_ids(client, small)) == 10 and parse_qs(urlsplit(small["nextPage"]).query)["per_page"] == ["10"]
    big = client.get("/api/lti/groups/502/membership_service?per_page=500", headers=TEACHER).json()
    assert _user_ids(client, big) == names and big["nextPage"] is None
    odd = client.get("/api/lti/groups/502/membership_service?page=abc&per_page=12abc", headers=TEACHER).json()
    assert _user_ids(client, odd) == names[:12] and parse_qs(urlsplit(odd["nextPage"]).query) == \
        {"page": ["2"], "per_page": ["12"]}
    past = client.get("/api/lti/groups/502/membership_service?page=3", headers=TEACHER).json()
    assert _user_ids(client, past) == [] and past["nextPage"] is None


def test_group_membership_service_role_is_carried_not_filtered(client: Any) -> None:
    """Canvas's group collator ignores ``role`` (it only filters course rosters); it is kept in nextPage."""
    names = ["Sienna Howell", "Samuel Student"]
    for role in (MANAGER, MEMBER, "Instructor"):
        page = client.get("/api/lti/groups/501/membership_service", params={"role": role}, headers=TEACHER).json()
        assert _user_ids(client, page) == names and page["nextPage"] is None
    _grow_group(client, 10)  # 11 members in group 502
    page = client.get("/api/lti/groups/502/membership_service", params={"role": MANAGER}, headers=TEACHER).json()
    assert len(_user_ids(client, page)) == 10
    assert urlsplit(page["nextPage"]).query == "page=2&per_page=10&role=urn%3Alti%3Arole%3Aims%2Flis%2FManager"
    assert parse_qs(urlsplit(page["nextPage"]).query)["role"] == [MANAGER]
    rest = client.get(page["nextPage"], headers=TEACHER).json()
    assert len(_user_ids(client, rest)) == 1 and rest["nextPage"] is None
