"""Canvas's ``spec/controllers/lti/ims/results_controller_spec.rb`` (AGS results), against the mock over HTTP.

Fixture facts used: line item 1 (assignment 301, 10 points) has one result, user 22's (7/10); users
20-22 are students of course 101, 11 is a TA, 26 a student of course 102.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import COURSE, LINE_ITEM, auth, edit_state, lti_id, post_score, record
from tests.ltiutil import LINE_ITEM as LINE_ITEM_TYPE
from tests.ltiutil import RESULT_CONTAINER

SPEC = "spec/controllers/lti/ims/results_controller_spec.rb"
RESULTS = f"{LINE_ITEM}/results"


@pytest.fixture
def headers(client: Any, config: dict[str, Any]) -> dict[str, str]:
    return auth(client, config)


@pytest.fixture
def three_results(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    """Results for users 20 and 21 besides the fixture's for 22."""
    for user in (20, 21):
        assert post_score(client, headers, userId=lti_id(config, user), scoreGiven=1, scoreMaximum=2).status_code == 200


def results(client: Any, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    response = client.get(RESULTS, params=query, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == RESULT_CONTAINER
    return response.json()


@canvas_spec(SPEC, "#index action / returns a collection of results")
def test_index_lists_every_result(client: Any, headers: dict[str, str], config: dict[str, Any], three_results: None) -> None:
    found = results(client, headers)
    assert len(found) == 3
    assert {r["userId"] for r in found} == {lti_id(config, u) for u in (20, 21, 22)}


@canvas_spec(SPEC, "#index action / formats the results correctly; uses the Account#domain in the line item id")
def test_index_result_ids(client: Any, headers: dict[str, str]) -> None:
    found = results(client, headers)[0]
    assert found["id"].startswith(f"http://testserver/api/lti/courses/{COURSE}/line_items/1/results/")
    assert found["scoreOf"] == f"http://testserver{LINE_ITEM}"


@canvas_spec(SPEC, "#index action / with user_id in params / returns a single result; returns the user result")
def test_index_by_canvas_user_id(client: Any, headers: dict[str, str], config: dict[str, Any], three_results: None) -> None:
    found = results(client, headers, user_id=22)
    assert [r["userId"] for r in found] == [lti_id(config, 22)]


@canvas_spec(SPEC, "#index action / with user_id in params / with user_id being the user's lti_id / returns the user result")
def test_index_by_lti_id(client: Any, headers: dict[str, str], config: dict[str, Any], three_results: None) -> None:
    assert [r["userId"] for r in results(client, headers, user_id=lti_id(config, 21))] == [lti_id(config, 21)]


@pytest.mark.parametrize("user", [9999, 20, 26, 11], ids=["non-existent", "no-result", "not-in-course", "not-a-student"])
@canvas_spec(SPEC, "#index action / with user_id in params / with non-existent user, with no result for user, with user "
                   "not in course, with user not a student / returns an empty array")
def test_index_by_user_without_a_result_here(client: Any, headers: dict[str, str], user: int) -> None:
    assert results(client, headers, user_id=user) == []


@canvas_spec(SPEC, "#index action / with limit in params / honors the limit; provides the pagination headers")
def test_index_limit(client: Any, headers: dict[str, str], three_results: None) -> None:
    response = client.get(RESULTS, params={"limit": 2}, headers=headers)
    assert len(response.json()) == 2
    assert 'rel="next"' in response.headers["link"]


def teacher_regrades(client: Any, user_id: int, score: float) -> None:
    edit_state(client, lambda state: record(state, "submissions", assignment_id=301, user_id=user_id)
               .update(score=score, grader_id=10))


@canvas_spec(SPEC, "#index action / when the score was manually updated / scales the resultScore to the resultMaximum")
def test_index_scales_a_teacher_grade(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    post_score(client, headers, userId=lti_id(config, 20), scoreGiven=10, scoreMaximum=20)
    teacher_regrades(client, 20, 8)
    found = next(r for r in results(client, headers) if r["userId"] == lti_id(config, 20))
    assert (found["resultScore"], found["resultMaximum"]) == (8 * 20 / 10, 20.0)


@canvas_spec(SPEC, "#show / returns the result; includes the scoreMaximum; formats the result correctly")
def test_show(client: Any, headers: dict[str, str], config: dict[str, Any]) -> None:
    response = client.get(f"{RESULTS}/1", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == RESULT_CONTAINER
    body = response.json()
    assert body["id"].endswith("/results/1") and body["userId"] == lti_id(config, 22)
    assert (body["resultScore"], body["resultMaximum"]) == (7.0, 10.0)


@canvas_spec(SPEC, "#show / when the score was manually updated / scales the resultScore to the resultMaximum")
def test_show_scales_a_teacher_grade(client: Any, headers: dict[str, str]) -> None:
    teacher_regrades(client, 22, 4)
    assert client.get(f"{RESULTS}/1", headers=headers).json()["resultScore"] == 4 * 10 / 10


@canvas_spec(SPEC, "#show / when result requested not in line_item / returns a 404")
def test_show_through_another_line_item(client: Any, headers: dict[str, str]) -> None:
    created = client.post(f"/api/lti/courses/{COURSE}/line_items", headers={**headers, "Content-Type": LINE_ITEM_TYPE},
                          json={"scoreMaximum": 5, "label": "Extra", "resourceLinkId": "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"})
    other = created.json()["id"].rsplit("/", 1)[1]
    assert client.get(f"/api/lti/courses/{COURSE}/line_items/{other}/results/1", headers=headers).status_code == 404


@canvas_spec(SPEC, "#show / when result does not exist / returns a 404")
def test_show_unknown_result(client: Any, headers: dict[str, str]) -> None:
    assert client.get(f"{RESULTS}/2", headers=headers).status_code == 404
