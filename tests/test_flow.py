"""The whole tool flow over real HTTP, knowing only ``GET /__mock__/config`` (acceptance 2)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from mockserver.testing import run_mock
from tests import net
from tests.ltiutil import (
    LINE_ITEM,
    LINE_ITEM_CONTAINER,
    MEMBERSHIPS,
    RESULT_CONTAINER,
    SCORE,
    bearer,
    token_form,
    tool_named,
)

LINK = re.compile(r'<([^>]+)>; rel="([a-z]+)"')


def links(response: httpx.Response) -> dict[str, str]:
    header = response.headers["link"]
    assert ", " not in header  # Canvas joins entries with "," and no space
    return {rel: url for url, rel in LINK.findall(header)}


def follow_pages(client: httpx.Client, url: str, headers: dict[str, str]) -> list[httpx.Response]:
    pages = []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        pages.append(response)
        url = links(response).get("next", "")
    return pages


@pytest.fixture(scope="module")
def mock() -> Any:
    with run_mock(validate_responses=True) as running:
        yield running


def test_full_tool_flow(mock: Any) -> None:
    with net.Client() as http:
        config = http.get(f"{mock.base_url}/__mock__/config").json()
        tool = tool_named(config, "Mock Grading Tool")
        course = next(c for c in config["courses"] if c["name"] == "Computer Science 101")
        students = [u for u in config["users"]
                    if any(e == {"course_id": course["id"], "type": "StudentEnrollment", "state": "active"} for e in u["enrollments"])]

        # 1. token with a signed client assertion
        token_response = http.post(config["token_url"], data=token_form(tool, config["token_url"], tool["scopes"]))
        assert token_response.status_code == 200
        assert token_response.headers["content-type"].startswith("application/json")
        token = token_response.json()
        assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
        assert token["scope"] == " ".join(tool["scopes"])
        auth = bearer(token["access_token"])

        # 2. create line items (201, IMS media type, id = absolute URL)
        line_items_url = f"{config['base_url']}/api/lti/courses/{course['id']}/line_items"
        created = []
        for n in range(3):
            response = http.post(line_items_url, headers={**auth, "Content-Type": LINE_ITEM},
                                 json={"scoreMaximum": 50, "label": f"Quiz {n}", "resourceId": f"quiz-{n}", "tag": "quiz"})
            assert response.status_code == 201
            assert response.headers["content-type"] == LINE_ITEM
            body = response.json()
            assert body == {"id": f"{line_items_url}/{body['id'].rsplit('/', 1)[1]}", "scoreMaximum": 50.0,
                            "label": f"Quiz {n}", "resourceId": f"quiz-{n}", "tag": "quiz"}
            created.append(body)

        # 3. list with limit=2 and follow rel="next" to the end
        pages = follow_pages(http, f"{line_items_url}?limit=2&tag=quiz", auth)
        assert len(pages) == 2
        assert all(p.headers["content-type"] == LINE_ITEM_CONTAINER for p in pages)
        listed = [item for page in pages for item in page.json()]
        assert listed == created
        first = links(pages[0])
        assert first["next"] == f"{line_items_url}?limit=2&tag=quiz&page=2&per_page=2"
        assert first["last"] == f"{line_items_url}?limit=2&tag=quiz&page=2&per_page=2"
        assert "next" not in links(pages[-1])

        # 4. scores for two students (200, score media type, resultUrl)
        line_item = created[0]["id"]
        result_urls = {}
        for points, student in zip((40, 35), students[:2], strict=True):
            response = http.post(f"{line_item}/scores", headers={**auth, "Content-Type": SCORE}, json={
                "userId": student["lti_id"], "scoreGiven": points, "scoreMaximum": 50, "comment": "Nice",
                "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                "timestamp": "2026-05-01T10:00:00.123Z",
            })
            assert response.status_code == 200
            assert response.headers["content-type"] == SCORE
            body = response.json()
            assert body["https://canvas.instructure.com/lti/submission"] == {"content_items": []}
            assert body["resultUrl"].startswith(f"{line_item}/results/")
            result_urls[student["lti_id"]] = body["resultUrl"]

        # 5. results, and one result by its URL
        response = http.get(f"{line_item}/results", headers=auth)
        assert response.status_code == 200 and response.headers["content-type"] == RESULT_CONTAINER
        results = {r["userId"]: r for r in response.json()}
        assert set(results) == set(result_urls)
        one = http.get(result_urls[students[0]["lti_id"]], headers=auth)
        assert one.status_code == 200 and one.headers["content-type"] == RESULT_CONTAINER
        assert one.json() == {"id": result_urls[students[0]["lti_id"]], "scoreOf": line_item,
                              "userId": students[0]["lti_id"], "resultScore": 40.0, "resultMaximum": 50.0,
                              "comment": "Nice"}

        # 6. NRPS for the course and a group, paging with limit
        roster_url = f"{config['base_url']}/api/lti/courses/{course['id']}/names_and_roles?limit=2"
        pages = follow_pages(http, roster_url, auth)
        assert all(p.headers["content-type"] == MEMBERSHIPS for p in pages)
        assert pages[0].json()["id"] == roster_url
        assert "limit=" not in links(pages[0])["next"] and "per_page=2" in links(pages[0])["next"]
        members = [m for p in pages for m in p.json()["members"]]
        active_in_course = [u for u in config["users"] if any(
            e["course_id"] == course["id"] and e["state"] == "active" for e in u["enrollments"])]
        assert sorted(m["user_id"] for m in members) == sorted(u["lti_id"] for u in active_in_course)
        assert pages[0].json()["context"] == {"id": course["lti_context_id"], "label": "CS-101", "title": course["name"]}

        group = config["groups"][0]
        group_pages = follow_pages(http, f"{config['base_url']}/api/lti/groups/{group['id']}/names_and_roles?limit=1", auth)
        group_members = [m for p in group_pages for m in p.json()["members"]]
        assert len(group_pages) == len(group_members) >= 2
        assert any("http://purl.imsglobal.org/vocab/lis/v2/membership#Manager" in m["roles"] for m in group_members)
