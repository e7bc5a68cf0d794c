"""Canvas's ``spec/controllers/lti/ims/deep_linking_controller_spec.rb`` (the deep linking response), against
the mock over HTTP: a deep linking launch of the grading tool in course 101 gives the return URL (with its
``data`` token); the tool's response JWT is signed with its TEST-ONLY key.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import COURSE, GRADING_KEY, edit_state, record
from tests.launch.dlutil import deep_linking_claims, response_claims, return_path, sign
from tests.ltiutil import tool_named

SPEC = "spec/controllers/lti/ims/deep_linking_controller_spec.rb"
SINGLE_USE = ("A deep linking return URL (its `data` token) can be posted to more than once; Canvas takes each "
              "once and answers a second response `already_used`.")


@pytest.fixture
def grading(config: dict[str, Any]) -> dict[str, Any]:
    return tool_named(config, "Mock Grading Tool")


def return_url(client: Any, placement: str = "link_selection") -> str:
    return return_path(deep_linking_claims(client, placement=placement))


def respond(client: Any, path: str, token: str) -> Any:
    return client.post(path, data={"JWT": token})


def message(response: Any) -> dict[str, Any]:
    """The ``deep_link_response`` message Canvas's page posts to its parent (embedded as JSON)."""
    assert response.status_code == 200, response.text
    start = response.text.index('id="deep-link-response">') + len('id="deep-link-response">')
    return json.loads(response.text[start:response.text.index("</script>", start)])


def refused(response: Any, text: str) -> None:
    """'errors': a 400 whose errors include the message."""
    assert response.status_code == 400, response.text
    assert text in json.dumps(response.json()["errors"])


def state(client: Any) -> dict[str, Any]:
    return client.get("/__mock__/state").json()


@canvas_spec(SPEC, "#deep_linking_response / it { is_expected.to be_ok }; renders the page")
def test_response_renders_the_page(client: Any, grading: dict[str, Any]) -> None:
    response = respond(client, return_url(client), sign(grading, response_claims(grading)))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert message(response)["subject"] == "LtiDeepLinkingResponse"


@pytest.mark.parametrize(("claims", "text"), [
    ({"aud": "banana"}, "the 'aud' is invalid"),
    ({"iat": int(time.time()) + 3600}, "the 'iat' must not be in the future"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 60}, "the JWT has expired"),
], ids=["aud", "iat", "exp"])
@canvas_spec(SPEC, "#deep_linking_response / when the aud is invalid, when the iat is in the future, when the exp is past / "
                   "errors: responds with an error")
def test_claim_errors(client: Any, grading: dict[str, Any], claims: dict[str, Any], text: str) -> None:
    refused(respond(client, return_url(client), sign(grading, response_claims(grading, **claims))), text)


@canvas_spec(SPEC, "#deep_linking_response / when the jwt format is invalid / errors")
def test_not_a_jwt(client: Any) -> None:
    refused(respond(client, return_url(client), "banana"), "JWT format is invalid")


@canvas_spec(SPEC, "#deep_linking_response / when the jwt has the wrong alg / errors")
def test_hs256_jwt(client: Any, grading: dict[str, Any]) -> None:
    token = jwt.encode(response_claims(grading), str(uuid.uuid4()), algorithm="HS256")
    refused(respond(client, return_url(client), token), "JWT has unexpected alg")


@canvas_spec(SPEC, "#deep_linking_response / when jwt verification fails / errors")
def test_jwt_signed_with_another_key(client: Any, grading: dict[str, Any], config: dict[str, Any]) -> None:
    other = tool_named(config, "Roster Only Tool")
    token = jwt.encode(response_claims(grading), other["private_key_pem"], algorithm="RS256", headers={"kid": grading["kid"]})
    refused(respond(client, return_url(client), token), "JWT verification failure")


@canvas_spec(SPEC, "#deep_linking_response / when the developer key is not found / errors")
def test_unknown_client(client: Any, grading: dict[str, Any]) -> None:
    refused(respond(client, return_url(client), sign(grading, response_claims(grading, iss="10000000000101"))),
            "Client not found")


@canvas_spec(SPEC, "#deep_linking_response / when the developer key binding is off / errors")
def test_binding_off(client: Any, grading: dict[str, Any]) -> None:
    path = return_url(client)
    edit_state(client, lambda dump: record(dump, "developer_keys", id=GRADING_KEY).update(bindings={"1": "off"}))
    refused(respond(client, path, sign(grading, response_claims(grading))), "Developer key inactive in context")


@canvas_spec(SPEC, "#deep_linking_response / when the developer key is not active (workflow_state deleted) / errors")
def test_deleted_key(client: Any, grading: dict[str, Any]) -> None:
    path = return_url(client)
    edit_state(client, lambda dump: record(dump, "developer_keys", id=GRADING_KEY).update(workflow_state="deleted"))
    response = respond(client, path, sign(grading, response_claims(grading)))
    refused(response, "Developer key inactive")
    assert "Client not found" not in response.text


@canvas_spec(SPEC, "#deep_linking_response / when the data token is invalid / when it is absent / errors")
def test_data_token_absent(client: Any, grading: dict[str, Any]) -> None:
    path = return_url(client).split("?", 1)[0]
    refused(respond(client, path, sign(grading, response_claims(grading))), "presence_required")


@canvas_spec(SPEC, "#deep_linking_response / when the data token is invalid / when it is malformed / errors")
def test_data_token_malformed(client: Any, grading: dict[str, Any]) -> None:
    refused(respond(client, return_url(client)[:-10], sign(grading, response_claims(grading))), "invalid_or_malformed")


@canvas_spec(SPEC, "#deep_linking_response / when the data token is invalid / when it has been used already / errors",
             difference=SINGLE_USE)
def test_data_token_used_twice(client: Any, grading: dict[str, Any]) -> None:
    path = return_url(client)
    assert respond(client, path, sign(grading, response_claims(grading))).status_code == 200
    refused(respond(client, path, sign(grading, response_claims(grading))), "already_used")


@canvas_spec(SPEC, "#deep_linking_response / when the jti is being reused / it { is_expected.to be_successful }")
def test_reused_jti(client: Any, grading: dict[str, Any]) -> None:
    claims = response_claims(grading, nonce="static value")
    assert respond(client, return_url(client), sign(grading, claims)).status_code == 200
    assert respond(client, return_url(client), sign(grading, claims)).status_code == 200


@canvas_spec(SPEC, "when only creating resource links / when context is a course / creates resource links in context: "
                   "creates a resource link in the context; sends resource link uuid in content item response")
def test_resource_link_in_the_course(client: Any, grading: dict[str, Any]) -> None:
    items = [{"type": "ltiResourceLink", "url": "http://127.0.0.1:9001/launch", "title": "Item 1"},
             {"type": "link", "url": "http://too.url/sample", "title": "Item 2"}]
    before = len(state(client)["resource_links"])
    sent = message(respond(client, return_url(client, "editor_button"), sign(grading, response_claims(grading, items))))
    links = state(client)["resource_links"]
    assert len(links) == before + 1
    link = links[-1]
    assert (link["course_id"], link["tool_id"], link["title"]) == (COURSE, 1, "Item 1")
    assert sent["content_items"][0]["lookup_uuid"] == link["lookup_uuid"]


@canvas_spec(SPEC, "content_item claim message / when is empty / is ok; doesn't ask to reload page; when is omitted / is ok")
def test_no_content_items(client: Any, grading: dict[str, Any]) -> None:
    empty = message(respond(client, return_url(client), sign(grading, response_claims(grading, []))))
    assert empty["content_items"] == [] and empty["reloadpage"] is False
    omitted = response_claims(grading)
    del omitted["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert message(respond(client, return_url(client), sign(grading, omitted)))["reloadpage"] is False


@canvas_spec(SPEC, "module item content items / multiple items / adds custom params to the resource links")
def test_custom_params_on_links(client: Any, grading: dict[str, Any]) -> None:
    items = [{"type": "ltiResourceLink", "url": "http://127.0.0.1:9001/launch", "title": "Item 2",
              "custom": {"mycustom": "123"}}]
    respond(client, return_url(client, "editor_button"), sign(grading, response_claims(grading, items)))
    assert state(client)["resource_links"][-1]["custom"] == {"mycustom": "123"}


LINE_ITEM = {"type": "ltiResourceLink", "url": "http://127.0.0.1:9001/launch", "title": "Item 1",
             "lineItem": {"scoreMaximum": 10}}


@canvas_spec(SPEC, "when content items that contain line items are received / leaves assignment unpublished")
def test_line_item_makes_an_unpublished_assignment(client: Any, grading: dict[str, Any]) -> None:
    before = len(state(client)["assignments"])
    respond(client, return_url(client, "course_assignments_menu"), sign(grading, response_claims(grading, [LINE_ITEM])))
    assignments = state(client)["assignments"]
    assert len(assignments) == before + 1
    assert (assignments[-1]["workflow_state"], assignments[-1]["points_possible"]) == ("unpublished", 10.0)


@canvas_spec(SPEC, "when content items that contain line items are received / when placement is not allowed to create "
                   "line items / does nothing")
def test_line_item_from_another_placement(client: Any, grading: dict[str, Any]) -> None:
    before = len(state(client)["assignments"])
    response = respond(client, return_url(client, "homework_submission"), sign(grading, response_claims(grading, [LINE_ITEM])))
    assert response.status_code == 200
    assert len(state(client)["assignments"]) == before


@canvas_spec(SPEC, "when required parameter scoreMaximum is absent / does nothing; sends error in content item response; "
                   "when label is present in line item / includes label as title in response",
             follows_code="app/controllers/lti/ims/deep_linking_controller.rb")
def test_line_item_without_a_maximum(client: Any, grading: dict[str, Any]) -> None:
    item = {**LINE_ITEM, "lineItem": {"label": "will not work"}}
    before = len(state(client)["assignments"])
    sent = message(respond(client, return_url(client, "course_assignments_menu"), sign(grading, response_claims(grading, [item]))))
    assert len(state(client)["assignments"]) == before
    assert sent["content_items"][0]["errors"] == {"lineItem.scoreMaximum": "lineItem.scoreMaximum is a required field"}
    assert sent["content_items"][0]["title"] == "will not work"
