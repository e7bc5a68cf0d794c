"""Canvas's ``spec/lib/lti/messages/resource_link_request_spec.rb`` (``LtiResourceLinkRequest`` claims) and the
``lti 1.3 message initialization`` examples of ``lti_advantage_shared_examples.rb`` it includes, read from the
id_token the mock delivers.

As in the spec, the tool has a ``course_navigation`` placement with custom fields ``has_expansion: $User.id``
and ``no_expansion: foo``; its assignment is the fixture's assignment 301 (an external-tool assignment of the
Mock Grading Tool, whose default line item is line item 1 and whose resource link is ``…d01``).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.launches import AGS, LTI, id_token, update_tool
from tests.canvas_specs.services import edit_state, record, state_row
from tests.rest.helpers import TEACHER

SPEC = "spec/lib/lti/messages/resource_link_request_spec.rb"
SHARED = "spec/lib/lti/messages/lti_advantage_shared_examples.rb"
CODE = "lib/lti/messages/resource_link_request.rb"
ASSIGNMENT_LINK = "8a3c6a36-4b0c-4d7e-9c1a-1f2a3b4c5d01"
LINKS = "/api/v1/courses/101/lti_resource_links"
NAV = {"placement": "course_navigation"}
ASSIGNMENT = {"assignment": "301", "placement": "course_navigation"}


@pytest.fixture
def mock(client: Any) -> Any:
    update_tool(client, course_navigation={"enabled": True, "custom_fields": {"has_expansion": "$User.id",
                                                                              "no_expansion": "foo"}})
    return client


def course_link(mock: Any, **fields: Any) -> dict[str, Any]:
    """A resource link in the course (no assignment), made through the Resource Links API."""
    response = mock.post(LINKS, headers=TEACHER, json={"url": "http://127.0.0.1:9001/launch?item=1", **fields})
    assert response.status_code == 200, response.text
    return response.json()


def assignment_link_id(mock: Any) -> int:
    return int(state_row(mock, "resource_links", resource_link_uuid=ASSIGNMENT_LINK)["id"])


# -- #initialize (course launches) ------------------------------------------------------------------


@canvas_spec(SPEC, "#initialize / sets the resource link id")
def test_course_launch_rlid_is_the_context_id(mock: Any) -> None:
    claims = id_token(mock, **NAV)
    assert claims[LTI + "resource_link"]["id"] == state_row(mock, "courses", id=101)["lti_context_id"]


@canvas_spec(SPEC, "#initialize / with resource link passed in / uses resource link uuid for rlid claim")
def test_link_launch_rlid_is_the_links_uuid(mock: Any) -> None:
    link = course_link(mock)
    assert id_token(mock, resource_link=link["resource_link_uuid"])[LTI + "resource_link"]["id"] == link["resource_link_uuid"]


@canvas_spec(SPEC, "#initialize / with resource link passed in / uses context title for rlid title")
def test_untitled_link_takes_the_course_name(mock: Any) -> None:
    link = course_link(mock)
    assert id_token(mock, resource_link=link["resource_link_uuid"])[LTI + "resource_link"]["title"] == "Computer Science 101"


@canvas_spec(SPEC, "#initialize / with resource link passed in / when link-level custom params are given in "
                   "resource_link / merges them in with tool/placement parameters", follows_code=CODE)
def test_link_custom_merged_over_placement_custom(mock: Any) -> None:
    """The link's values win; ``$Canvas.assignment.id`` has no assignment in a course link launch and is sent as
    written (the spec's expander is given an assignment)."""
    link = course_link(mock, custom={"link_has_expansion2": "$Canvas.assignment.id", "no_expansion": "overrides tool param!"})
    custom = id_token(mock, resource_link=link["resource_link_uuid"], **NAV)[LTI + "custom"]
    assert custom == {"link_has_expansion2": "$Canvas.assignment.id", "has_expansion": "20",
                      "no_expansion": "overrides tool param!"}


@canvas_spec(SPEC, "#initialize / sets the resource link id (the resource_link claim's description)", follows_code=CODE)
def test_resource_link_description_is_set(mock: Any) -> None:
    """``add_resource_link_request_claims!`` sets ``description`` (the assignment's) on every launch: null here."""
    resource_link = id_token(mock, **NAV)[LTI + "resource_link"]
    assert "description" in resource_link and resource_link["description"] is None


# -- assignment launches ----------------------------------------------------------------------------


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / sets the assignment as "
                   "resource link id")
def test_assignment_launch_rlid(mock: Any) -> None:
    assert id_token(mock, **ASSIGNMENT)[LTI + "resource_link"]["id"] == ASSIGNMENT_LINK


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / sets the assignment title")
def test_assignment_launch_title(mock: Any) -> None:
    assert id_token(mock, **ASSIGNMENT)[LTI + "resource_link"]["title"] == "Lab Report 1"


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / sets the assignment "
                   "description")
def test_assignment_launch_description(mock: Any) -> None:
    """The fixture's assignments carry no description: the claim's ``description`` is null, not missing."""
    resource_link = id_token(mock, **ASSIGNMENT)[LTI + "resource_link"]
    assert "description" in resource_link and resource_link["description"] is None


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / custom parameters / when "
                   "link-level custom params are given / merges them in with tool/placement parameters")
def test_assignment_link_custom_merged(mock: Any) -> None:
    response = mock.put(f"{LINKS}/{assignment_link_id(mock)}", headers=TEACHER,
                        json={"custom": {"link_has_expansion": "$Canvas.assignment.id", "no_expansion": "overrides tool param"}})
    assert response.status_code == 200, response.text
    assert id_token(mock, **ASSIGNMENT)[LTI + "custom"] == {
        "link_has_expansion": "301", "has_expansion": "20", "no_expansion": "overrides tool param"}


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / custom parameters / when "
                   "the link-level params are null / gives only the tool/placement custom params")
def test_assignment_without_link_custom(mock: Any) -> None:
    assert id_token(mock, **ASSIGNMENT)[LTI + "custom"] == {"has_expansion": "20", "no_expansion": "foo"}


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / when assignment and "
                   "grade service enabled / an authorized launch / sets the AGS scopes; sets the AGS line items url")
def test_assignment_launch_ags_scopes_and_lineitems(mock: Any) -> None:
    ags = id_token(mock, **ASSIGNMENT)[AGS]
    assert ags["lineitems"] == "http://testserver/api/lti/courses/101/line_items"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in ags["scope"]


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / when assignment and "
                   "grade service enabled / an authorized launch / sets the AGS line item url")
def test_assignment_launch_lineitem(mock: Any) -> None:
    assert id_token(mock, **ASSIGNMENT)[AGS]["lineitem"] == "http://testserver/api/lti/courses/101/line_items/1"


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / when assignment and "
                   "grade service enabled / an authorized launch / can still be used to output a course launch after an "
                   "assignment launch")
def test_course_launch_after_an_assignment_launch(mock: Any) -> None:
    assert id_token(mock, **ASSIGNMENT)[LTI + "resource_link"]["id"] == ASSIGNMENT_LINK
    course = id_token(mock, **NAV)
    assert course[LTI + "resource_link"]["id"] == state_row(mock, "courses", id=101)["lti_context_id"]
    assert "lineitem" not in course[AGS] and course[AGS]["scope"]


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / when assignment not "
                   "configured for external tool launch / raises launch error", follows_code=CODE)
def test_assignment_not_an_external_tool_assignment(mock: Any) -> None:
    response = mock.post("/__mock__/launches", json={"tool": "1", "course": "101", "user": "20", "assignment": "302"})
    assert response.status_code == 422
    assert "Assignment not configured for external tool launches" in response.text


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / when tool bindings are "
                   "unexpected / because the assignment tool binding does not match the launching tool / raises launch "
                   "error", follows_code=CODE)
def test_assignment_of_another_tool(mock: Any) -> None:
    response = mock.post("/__mock__/launches", json={"tool": "4", "course": "101", "user": "20", "assignment": "301"})
    assert response.status_code == 422
    assert "Assignment not configured for launches with specified tool" in response.text


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / lti1p1 claims / "
                   "resource_link_id claim / the LTI 1.1 resource_link_id is different from the LTI 1.3 resource_link_id / "
                   "includes the resource_link_id property with the different lti_context_id")
def test_lti1p1_resource_link_id(mock: Any) -> None:
    edit_state(mock, lambda state: record(state, "resource_links", resource_link_uuid=ASSIGNMENT_LINK)
               .update(lti_1_1_id="a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"))
    lti1p1 = id_token(mock, **ASSIGNMENT)[LTI + "lti1p1"]
    assert lti1p1["resource_link_id"] == "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
    assert lti1p1["user_id"] == state_row(mock, "users", id=20)["lti11_id"]


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / assignment resource link id check / lti1p1 claims / "
                   "resource_link_id claim / the LTI 1.1 resource_link_id is the same as the LTI 1.3 resource_link_id / "
                   "doesn't include the resource_link_id property")
def test_no_lti1p1_resource_link_id_when_the_same(mock: Any) -> None:
    edit_state(mock, lambda state: record(state, "resource_links", resource_link_uuid=ASSIGNMENT_LINK)
               .update(lti_1_1_id=ASSIGNMENT_LINK))
    assert "resource_link_id" not in id_token(mock, **ASSIGNMENT)[LTI + "lti1p1"]


@canvas_spec(SPEC, "#generate_post_payload_for_assignment / does not add lis_result_sourcedid; does not add "
                   "lis_outcome_service_url; does not add ims_lis_basic_outcome_url; does not add "
                   "outcome_data_values_accepted; does not add outcome_result_total_score_accepted; does not add "
                   "outcome_submission_submitted_at_accepted; does not add outcomes_tool_placement_url")
def test_no_lti11_outcome_extensions(mock: Any) -> None:
    claims = id_token(mock, **ASSIGNMENT)
    removed = ("lis_result_sourcedid", "lis_outcome_service_url", "ims_lis_basic_outcome_url", "outcome_data_values_accepted",
               "outcome_result_total_score_accepted", "outcome_submission_submitted_at_accepted",
               "outcomes_tool_placement_url")
    assert not {f"https://www.instructure.com/{name}" for name in removed} & claims.keys()


# -- lti 1.3 message initialization (shared examples) -----------------------------------------------


def set_privacy(mock: Any, level: str) -> None:
    edit_state(mock, lambda state: record(state, "tools", id=1).update(privacy_level=level))


@canvas_spec(SHARED, "lti 1.3 message initialization / adds public claims if the tool is public")
def test_shared_public_claims(mock: Any) -> None:
    assert id_token(mock, **NAV)["picture"] == state_row(mock, "users", id=20)["avatar_url"]


@canvas_spec(SHARED, "lti 1.3 message initialization / does not add public claims if the tool is not public")
def test_shared_no_public_claims(mock: Any) -> None:
    set_privacy(mock, "anonymous")
    assert "picture" not in id_token(mock, **NAV)


@canvas_spec(SHARED, "lti 1.3 message initialization / adds include email claims if the tool is include email; does not "
                     "add include email claims if the tool is not include email")
def test_shared_email_claims(mock: Any) -> None:
    set_privacy(mock, "email_only")
    assert id_token(mock, **NAV)["email"] == "showell@example.edu"
    set_privacy(mock, "anonymous")
    assert "email" not in id_token(mock, **NAV)


@canvas_spec(SHARED, "lti 1.3 message initialization / adds include name claims if the tool is include name; does not "
                     "add include name claims if the tool is not include name")
def test_shared_name_claims(mock: Any) -> None:
    set_privacy(mock, "name_only")
    assert id_token(mock, **NAV)["name"] == "Sienna Howell"
    set_privacy(mock, "anonymous")
    assert "name" not in id_token(mock, **NAV)


@canvas_spec(SHARED, "lti 1.3 message initialization / adds private claims")
def test_shared_locale(mock: Any) -> None:
    assert id_token(mock, **NAV)["locale"] == "en"


@canvas_spec(SHARED, "lti 1.3 message initialization / adds security claims")
def test_shared_sub(mock: Any) -> None:
    assert id_token(mock, **NAV)["sub"] == state_row(mock, "users", id=20)["lti_id"]
