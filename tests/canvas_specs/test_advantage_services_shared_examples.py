"""Canvas's ``spec/controllers/lti/ims/concerns/advantage_services_shared_examples.rb``: how every LTI
Advantage service finds its context and the calling tool (``it_behaves_like "advantage services"``).

Fixture accounts: 1 (root) with sub-accounts 2 and 3; course 101 is in account 2; the grading tool
is installed in account 2, the roster tool (another developer key) in course 101.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import COURSE, GRADING_KEY, auth, edit_state, record
from tests.ltiutil import LINE_ITEM_CONTAINER, MEMBERSHIPS, lti_error

SPEC = "spec/controllers/lti/ims/concerns/advantage_services_shared_examples.rb"
NOT_LINKED = "Access Token not linked to a Tool associated with this Context"
#: One action per controller: (path, its media type).
SERVICES = [(f"/api/lti/courses/{COURSE}/line_items", LINE_ITEM_CONTAINER),
            (f"/api/lti/courses/{COURSE}/names_and_roles", MEMBERSHIPS),
            (f"/api/lti/courses/{COURSE}/line_items/1/results", "application/vnd.ims.lis.v2.resultcontainer+json")]
parametrized = pytest.mark.parametrize("service", SERVICES, ids=["line_items", "names_and_roles", "results"])


@pytest.fixture
def headers(client: Any, config: dict[str, Any]) -> dict[str, str]:
    return auth(client, config)


def place_tool(client: Any, context_type: str, context_id: int, *, new_account: dict[str, Any] | None = None) -> None:
    def change(state: dict[str, Any]) -> None:
        if new_account:
            state["accounts"].append(new_account)
        record(state, "tools", id=1).update(context_type=context_type, context_id=context_id)
    edit_state(client, change)


@parametrized
@canvas_spec(SPEC, "with unknown context / returns 404 not found (and the mime_type check)")
def test_unknown_course(client: Any, headers: dict[str, str], service: tuple[str, str]) -> None:
    response = client.get(service[0].replace(f"/{COURSE}/", "/999/"), headers=headers)
    assert response.status_code == 404
    assert service[1] not in response.headers["content-type"]


@parametrized
@canvas_spec(SPEC, "with unbound developer key / returns 401 unauthorized and complains about missing developer key")
def test_binding_off(client: Any, headers: dict[str, str], service: tuple[str, str]) -> None:
    edit_state(client, lambda state: record(state, "developer_keys", id=GRADING_KEY).update(bindings={"1": "off"}))
    lti_error(client.get(service[0], headers=headers), 401, "Invalid Developer Key")


@parametrized
@canvas_spec(SPEC, "with deleted tool / returns 401 unauthorized and complains about missing tool")
def test_deleted_tool(client: Any, headers: dict[str, str], service: tuple[str, str]) -> None:
    edit_state(client, lambda state: record(state, "tools", id=1).update(workflow_state="deleted"))
    lti_error(client.get(service[0], headers=headers), 401, NOT_LINKED)


@parametrized
@canvas_spec(SPEC, "with tool attached to root account and course attached to deeply nested sub-account / returns 200 and "
                   "walks up account chain to find the correct tool")
def test_tool_in_the_root_account(client: Any, headers: dict[str, str], service: tuple[str, str]) -> None:
    place_tool(client, "Account", 1)
    assert client.get(service[0], headers=headers).status_code == 200


@parametrized
@canvas_spec(SPEC, "with course attached to sub-account and tool attached to another sub-account / returns 401 "
                   "unauthorized and complains about missing tool")
def test_tool_in_a_sibling_account(client: Any, headers: dict[str, str], service: tuple[str, str]) -> None:
    place_tool(client, "Account", 3)
    lti_error(client.get(service[0], headers=headers), 401, NOT_LINKED)


@parametrized
@canvas_spec(SPEC, "with course attached to sub-account and tool attached to another sub-account thereof / returns 401 "
                   "unauthorized and complains about missing tool")
def test_tool_below_the_course_account(client: Any, headers: dict[str, str], service: tuple[str, str]) -> None:
    place_tool(client, "Account", 4, new_account={"id": 4, "name": "sub-account-1-1", "parent_id": 2})
    lti_error(client.get(service[0], headers=headers), 401, NOT_LINKED)


@parametrized
@canvas_spec(SPEC, "with tool attached directly to a course / returns 200 and finds the tool attached directly to the course")
def test_tool_in_the_course(client: Any, headers: dict[str, str], service: tuple[str, str]) -> None:
    place_tool(client, "Course", COURSE)
    assert client.get(service[0], headers=headers).status_code == 200


@parametrized
@canvas_spec(SPEC, "extra developer key and course tool check / a account chain-reachable tool is associated with a "
                   "different developer key / returns 200 and finds the tool associated with the access token's developer key")
def test_another_keys_tool_in_the_course_is_ignored(client: Any, headers: dict[str, str], service: tuple[str, str]) -> None:
    response = client.get(service[0], headers=headers)  # the roster tool (key …03) sits in course 101 itself
    assert response.status_code == 200 and response.headers["content-type"].startswith(service[1])


@parametrized
@canvas_spec(SPEC, "extra developer key and tool check / and that tool is the only tool / returns 401 unauthorized and "
                   "complains about missing tool")
def test_only_another_keys_tool_is_not_enough(client: Any, headers: dict[str, str], service: tuple[str, str]) -> None:
    edit_state(client, lambda state: record(state, "tools", id=1).update(workflow_state="deleted"))
    lti_error(client.get(service[0], headers=headers), 401, NOT_LINKED)
