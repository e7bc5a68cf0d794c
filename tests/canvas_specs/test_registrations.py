"""Canvas's ``spec/controllers/lti/registrations_controller_spec.rb``: the LTI Registrations API.

Canvas's spec signs in an admin of a root account with the ``lti_registrations_page`` flag on; here the
fixture admin of root account 1. The fixture's three developer keys already have registrations in account
1 (Canvas gives every LTI key one), so counts below are relative to them. Registrations are made through
the API with an internal LTI configuration, as the spec's ``internal_lti_configuration``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.rest.helpers import ADMIN, NOT_FOUND, STUDENT, links, new_rsa_key

SPEC = "spec/controllers/lti/registrations_controller_spec.rb"
CODE = "app/controllers/lti/registrations_controller.rb"
BASE = "/api/v1/accounts/1/lti_registrations"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LIST = "GET list / correctness verifications"
SEARCH = f"{LIST} / with a search query param matching some results"
FIFTEEN = "GET list / pagination / with exactly 15 registrations present"
TWENTY = f"{FIFTEEN} / with 20 registrations present"


def configuration(title: str = "Test Tool", **extra: Any) -> dict[str, Any]:
    _, jwk = new_rsa_key("registration-kid")
    return {"title": title, "target_link_uri": "https://tool.example.com/launch", "oidc_initiation_url": "https://tool.example.com/oidc",
            "redirect_uris": ["https://tool.example.com/launch"], "scopes": [AGS_LINEITEM, AGS_SCORE], "public_jwk": jwk,
            "domain": "tool.example.com", "privacy_level": "public", "custom_fields": {"a": "b"},
            "placements": [{"placement": "course_navigation", "enabled": True}], **extra}


def create(mock: Any, name: str = "Test Tool", **params: Any) -> dict[str, Any]:
    body = {"name": name, "configuration": configuration(), **params}
    response = mock.post(BASE, headers=ADMIN, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


def listed(mock: Any, query: str = "") -> dict[str, Any]:
    response = mock.get(f"{BASE}{query}", headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


def names(mock: Any, query: str) -> list[str]:
    return [r["name"] for r in listed(mock, query)["data"]]


def later(mock: Any, seconds: int = 3600) -> None:
    assert mock.post("/__mock__/clock", json={"advance": seconds}).status_code == 200


def developer_key(mock: Any, registration: dict[str, Any]) -> dict[str, Any]:
    """The registration's developer key, as the tool configurations API shows it (the key bound on)."""
    url = f"/api/lti/accounts/1/developer_keys/{registration['developer_key_id']}/tool_configuration"
    return mock.get(url, headers=ADMIN).json()["developer_key"]


# -- GET list -----------------------------------------------------------------------------------

@canvas_spec(SPEC, f"{LIST} / returns the total count of registrations")
def test_list_total_counts_the_account_registrations(mock: Any) -> None:
    before = listed(mock)["total"]
    for number in range(3):
        create(mock, f"Registration no. {number}")
    body = listed(mock)
    assert body["total"] == before + 3 and len(body["data"]) == before + 3


@canvas_spec(SPEC, f"{LIST} / has the expected fields in the results")
def test_list_fields(mock: Any) -> None:
    create(mock, "Registration no. 1", workflow_state="on")
    first = listed(mock)["data"][0]
    assert isinstance(first["account_id"], int) and first["name"] == "Registration no. 1"
    assert isinstance(first["account_binding"]["workflow_state"], str)
    assert first["account_binding"]["created_by"]["id"] == 1


@canvas_spec(SPEC, f"{LIST} / sorts the results by newest first by default")
def test_list_newest_first(mock: Any) -> None:
    create(mock, "created an hour ago")
    later(mock)
    create(mock, "created just now")
    order = names(mock, "")
    assert order[0] == "created just now" and order.index("created just now") < order.index("created an hour ago")


@canvas_spec(SPEC, f"{LIST} / when sorting by name / sorts by name")
def test_list_sort_by_name_descending(mock: Any) -> None:
    create(mock, "AAA registration")
    create(mock, "ZZZ registration")
    order = names(mock, "?sort=name")
    assert order[0] == "ZZZ registration" and order[-1] == "AAA registration"


@canvas_spec(SPEC, f"{LIST} / when sorting by name / with the dir=asc parameter / puts the results in ascending order")
def test_list_sort_by_name_ascending(mock: Any) -> None:
    create(mock, "AAA registration")
    create(mock, "ZZZ registration")
    order = names(mock, "?sort=name&dir=asc")
    assert order[0] == "AAA registration" and order[-1] == "ZZZ registration"


@canvas_spec(SPEC, f"{LIST} / when sorting by installed / sorts by created_at (and with the dir=asc parameter)")
@pytest.mark.parametrize(("query", "newer_first"), [("?sort=installed", True), ("?sort=installed&dir=asc", False)])
def test_list_sort_by_installed(mock: Any, query: str, newer_first: bool) -> None:
    create(mock, "older")
    later(mock)
    create(mock, "newer")
    order = names(mock, query)
    assert (order.index("newer") < order.index("older")) is newer_first


@canvas_spec(SPEC, f"{LIST} / when sorting by updated / sorts by updated_at (and with the dir=asc parameter)")
@pytest.mark.parametrize(("query", "touched_first"), [("?sort=updated", True), ("?sort=updated&dir=asc", False)])
def test_list_sort_by_updated(mock: Any, query: str, touched_first: bool) -> None:
    touched = create(mock, "touched")
    create(mock, "untouched")
    later(mock)
    assert mock.put(f"{BASE}/{touched['id']}", headers=ADMIN, json={"admin_nickname": "x"}).status_code == 200
    order = names(mock, query)
    assert (order.index("touched") < order.index("untouched")) is touched_first


@canvas_spec(SPEC, f"{LIST} / when sorting by a nil attribute / treats nil like an empty value")
def test_list_sort_by_nickname_puts_nil_last_descending(mock: Any) -> None:
    create(mock, "with nickname", admin_nickname="a nickname")
    create(mock, "without nickname")
    assert listed(mock, "?sort=nickname")["data"][0]["admin_nickname"] == "a nickname"


@canvas_spec(SPEC, f"{LIST} / with a search query param matching no results / finds no registrations")
def test_list_query_matching_nothing(mock: Any) -> None:
    create(mock, "Registration no. 1")
    assert listed(mock, "?query=searchterm")["data"] == []


@canvas_spec(SPEC, f"{SEARCH} / finds matching registrations")
def test_list_query_matches_every_term(mock: Any) -> None:
    for number in range(3):
        create(mock, f"Registration no. {number}")
    assert sorted(names(mock, "?query=registration%20no")) == ["Registration no. 0", "Registration no. 1", "Registration no. 2"]


@canvas_spec(SPEC, f"{SEARCH} / rejects registrations that do not match all terms")
def test_list_query_rejects_partial_matches(mock: Any) -> None:
    create(mock, "Registration no. 1")
    create(mock, "registration")
    assert names(mock, "?query=registration%20no") == ["Registration no. 1"]


@canvas_spec(SPEC, f"{SEARCH} / finds registrations with matching terms across different model attributes")
def test_list_query_terms_across_attributes(mock: Any) -> None:
    create(mock, "registration", vendor="no")
    assert names(mock, "?query=registration%20no") == ["registration"]


@canvas_spec(SPEC, f"{SEARCH} / includes the current search parameters in the Link header")
def test_list_link_header_keeps_the_query(mock: Any) -> None:
    create(mock, "Registration no. 1")
    response = mock.get(f"{BASE}?query=registration%20no", headers=ADMIN)
    assert "?query=registration+no" in response.headers["link"]


@canvas_spec(SPEC, f"{SEARCH} / query param validations")
@pytest.mark.parametrize(("query", "message"), [("?page=bad", "page param should be an integer"),
                                                ("?dir=bad", "dir param should be asc, desc, or empty"),
                                                ("?sort=bad", "bad is not a valid field for sorting")])
def test_list_query_param_validations(mock: Any, query: str, message: str) -> None:
    response = mock.get(f"{BASE}{query}", headers=ADMIN)
    assert response.status_code == 422 and response.json()["errors"][0]["message"] == message


@canvas_spec(SPEC, f"{LIST} / with 'overlay' in include[] parameter / includes the overlay")
def test_list_include_overlay(mock: Any) -> None:
    create(mock, "overlaid", overlay={"title": "different title!"})
    first = listed(mock, "?include[]=overlay")["data"][0]
    assert first["name"] == "overlaid" and first["overlay"]["data"] == {"title": "different title!"}


@canvas_spec(SPEC, f"{LIST} / with 'overlay_versions' in include[] parameter / does not include overlay_versions")
def test_list_never_includes_overlay_versions(mock: Any) -> None:
    created = create(mock, "overlaid", overlay={"title": "v1"})
    mock.put(f"{BASE}/{created['id']}", headers=ADMIN, json={"overlay": {"title": "v2"}})
    first = listed(mock, "?include[]=overlay&include[]=overlay_versions")["data"][0]
    assert first["overlay"]["data"] == {"title": "v2"} and "versions" not in first["overlay"]


@canvas_spec(SPEC, f"{LIST} / without user session / returns 401; with non-admin user / returns 403")
def test_list_without_session_and_as_student(mock: Any) -> None:
    assert mock.get(BASE).status_code == 401
    response = mock.get(BASE, headers=STUDENT)
    assert response.status_code == 403 and response.json()["errors"] == [{"message": "user not authorized to perform that action"}]


def fill(mock: Any, total: int) -> None:
    for number in range(total - listed(mock)["total"]):
        create(mock, f"Registration no. {number}")


@canvas_spec(SPEC, f"{FIFTEEN} / puts results on one page and does not give a 'next' page in the Link header")
def test_list_fifteen_fit_one_page(mock: Any) -> None:
    fill(mock, 15)
    response = mock.get(BASE, headers=ADMIN)
    assert len(response.json()["data"]) == 15
    current = f"{'http://testserver'}{BASE}?page=1&per_page=15"
    values = response.headers["link"].split(",")
    for rel in ("first", "last", "current"):
        assert f'<{current}>; rel="{rel}"' in values
    assert len(values) == 3


@canvas_spec(SPEC, f"{TWENTY} / gives a link to page 2 for the next, and last, page")
def test_list_twenty_link_to_page_two(mock: Any) -> None:
    fill(mock, 20)
    response = mock.get(BASE, headers=ADMIN)
    page_two = f"http://testserver{BASE}?page=2&per_page=15"
    assert links(response)["next"] == page_two and links(response)["last"] == page_two


@canvas_spec(SPEC, f"{TWENTY} / returns the total count")
def test_list_twenty_total(mock: Any) -> None:
    fill(mock, 20)
    assert listed(mock)["total"] == 20 and len(listed(mock)["data"]) == 15


@canvas_spec(SPEC, f"{TWENTY} / returns five results on page 2 and says that is the last page")
def test_list_twenty_page_two(mock: Any) -> None:
    fill(mock, 20)
    response = mock.get(f"{BASE}?page=2", headers=ADMIN)
    assert len(response.json()["data"]) == 5
    page_two = f"http://testserver{BASE}?page=2&per_page=15"
    assert links(response)["current"] == page_two and links(response)["last"] == page_two


# -- GET show / show_by_client_id -----------------------------------------------------------------

@canvas_spec(SPEC, "GET show / returns the registration")
def test_show_returns_the_registration(mock: Any) -> None:
    created = create(mock)
    body = mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()
    assert body["id"] == created["id"] and body["name"] == "Test Tool"


@canvas_spec(SPEC, "GET show / includes the account binding; includes the configuration")
def test_show_includes_binding_and_configuration(mock: Any) -> None:
    created = create(mock)
    body = mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()
    assert body["account_binding"]["workflow_state"] == "off" and body["configuration"]["title"] == "Test Tool"


@canvas_spec(SPEC, "GET show / for nonexistent registration / returns 404")
def test_show_nonexistent(mock: Any) -> None:
    created = create(mock)
    assert mock.get(f"{BASE}/{created['id'] + 1}", headers=ADMIN).json() == NOT_FOUND


@canvas_spec(SPEC, "GET show / with 'overlaid_configuration' in include[] parameter / includes the overlaid configuration")
def test_show_include_overlaid_configuration(mock: Any) -> None:
    created = create(mock, overlay={"title": "Overlaid"})
    body = mock.get(f"{BASE}/{created['id']}?include[]=overlaid_configuration", headers=ADMIN).json()
    assert body["overlaid_configuration"]["title"] == "Overlaid" and body["configuration"]["title"] == "Test Tool"


@canvas_spec(SPEC, "GET show / with 'overlaid_legacy_configuration' in include[] parameter / includes the overlaid legacy configuration")
def test_show_include_overlaid_legacy_configuration(mock: Any) -> None:
    created = create(mock)
    body = mock.get(f"{BASE}/{created['id']}?include[]=overlaid_legacy_configuration", headers=ADMIN).json()
    legacy = body["overlaid_legacy_configuration"]
    assert legacy["title"] == "Test Tool" and legacy["extensions"][0]["platform"] == "canvas.instructure.com"


@canvas_spec(SPEC, "GET show / with 'overlay' in include[] parameter / includes the overlay")
def test_show_include_overlay(mock: Any) -> None:
    created = create(mock, overlay={"title": "Overlaid"})
    body = mock.get(f"{BASE}/{created['id']}?include[]=overlay", headers=ADMIN).json()
    assert body["overlay"]["data"] == {"title": "Overlaid"}


@canvas_spec(SPEC, "GET show / with 'overlay_versions' in include[] parameter / includes the overlay versions",
             follows_code="lib/api/v1/lti/registration.rb")
def test_show_overlay_versions_newest_five(mock: Any) -> None:
    """Six overlay changes: the overlay carries its five newest versions, newest first."""
    created = create(mock)
    for number in range(6):
        assert mock.put(f"{BASE}/{created['id']}", headers=ADMIN, json={"overlay": {"title": f"v{number}"}}).status_code == 200
    body = mock.get(f"{BASE}/{created['id']}?include[]=overlay&include[]=overlay_versions", headers=ADMIN).json()
    versions = body["overlay"]["versions"]
    assert len(versions) == 5
    assert [v["id"] for v in versions] == sorted((v["id"] for v in versions), reverse=True)
    assert "overlay_versions" not in body


@canvas_spec(SPEC, "GET show_by_client_id / returns the registration; includes the configuration")
def test_show_by_client_id(mock: Any) -> None:
    created = create(mock)
    body = mock.get(f"/api/v1/accounts/1/lti_registration_by_client_id/{created['developer_key_id']}", headers=ADMIN).json()
    assert body["id"] == created["id"] and body["configuration"]["title"] == "Test Tool"


# -- PUT update ---------------------------------------------------------------------------------

def update(mock: Any, registration: dict[str, Any], **params: Any) -> Any:
    return mock.put(f"{BASE}/{registration['id']}", headers=ADMIN, json=params)


@canvas_spec(SPEC, "PUT update / is successful")
def test_update_nickname_description_and_updated_by(mock: Any) -> None:
    created = create(mock)
    response = update(mock, created, admin_nickname="New Name", description="neat little description")
    assert response.status_code == 200
    body = mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()
    assert body["admin_nickname"] == "New Name" and body["updated_by"]["id"] == 1


@canvas_spec(SPEC, "PUT update / updates the registration's attributes")
def test_update_attributes(mock: Any) -> None:
    created = create(mock)
    update(mock, created, admin_nickname="New Name", vendor="vendor", name="foo")
    body = mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()
    assert (body["admin_nickname"], body["vendor"], body["name"]) == ("New Name", "vendor", "foo")


@canvas_spec(SPEC, "PUT update / updates the associated developer key")
def test_update_developer_key(mock: Any) -> None:
    created = create(mock, workflow_state="on")
    new = configuration(scopes=[AGS_LINEITEM], redirect_uris=["https://tool.example.com/other"])
    assert update(mock, created, configuration=new).status_code == 200
    key = developer_key(mock, created)
    assert key["scopes"] == [AGS_LINEITEM] and key["public_jwk"] == new["public_jwk"]
    assert key["redirect_uris"] == "https://tool.example.com/other"


@canvas_spec(SPEC, "PUT update / updates the associated registration account binding; returns the appropriate info")
def test_update_binding_and_answer(mock: Any) -> None:
    created = create(mock)
    new = configuration("Updated Tool")
    body = update(mock, created, configuration=new, workflow_state="on").json()
    assert body["configuration"] == new and body["account_binding"]["workflow_state"] == "on"
    assert mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()["account_binding"]["workflow_state"] == "on"


@canvas_spec(SPEC, "PUT update / sending an overlay / creates an overlay")
def test_update_creates_an_overlay(mock: Any) -> None:
    created = create(mock)
    assert update(mock, created, overlay={"title": "overlay name"}).status_code == 200
    body = mock.get(f"{BASE}/{created['id']}?include[]=overlay", headers=ADMIN).json()
    assert body["overlay"]["data"] == {"title": "overlay name"}


@canvas_spec(SPEC, "PUT update / sending an overlay / but an overlay already exists / returns the overlay versions")
def test_update_answers_the_overlay_versions(mock: Any) -> None:
    created = create(mock, overlay={"title": "old name"})
    body = update(mock, created, overlay={"title": "overlay name"}).json()
    assert body["overlay"]["data"] == {"title": "overlay name"} and isinstance(body["overlay"]["versions"], list)
    assert body["overlay"]["versions"]


@canvas_spec(SPEC, "PUT update / when updating only the nickname / is successful")
def test_update_only_the_nickname_keeps_the_configuration(mock: Any) -> None:
    created = create(mock)
    before = mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()["configuration"]
    assert update(mock, created, admin_nickname="A Great Partial Update").status_code == 200
    after = mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()
    assert after["configuration"] == before and after["admin_nickname"] == "A Great Partial Update"


@canvas_spec(SPEC, "PUT update / when updating only the overlay / is successful")
def test_update_only_the_overlay(mock: Any) -> None:
    created = create(mock)
    assert update(mock, created, overlay={"disabled_placements": ["course_navigation"]}).status_code == 200
    body = mock.get(f"{BASE}/{created['id']}?include[]=overlay&include[]=overlaid_configuration", headers=ADMIN).json()
    assert body["overlay"]["data"] == {"disabled_placements": ["course_navigation"]}
    assert body["overlaid_configuration"]["placements"] == [] and body["configuration"]["placements"]


@canvas_spec(SPEC, "PUT update / when updating only the workflow state / is successful")
def test_update_only_the_workflow_state(mock: Any) -> None:
    created = create(mock, workflow_state="on")
    assert update(mock, created, workflow_state="off").status_code == 200
    assert mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()["account_binding"]["workflow_state"] == "off"


@canvas_spec(SPEC, "PUT update / when updating only the name / is successful")
def test_update_only_the_name(mock: Any) -> None:
    created = create(mock)
    assert update(mock, created, name="A Great Partial Update").status_code == 200
    assert mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()["name"] == "A Great Partial Update"


@canvas_spec(SPEC, "PUT update / with an invalid configuration; with an invalid overlay")
@pytest.mark.parametrize("params", [{"configuration": {"invalid": "config"}}, {"overlay": {"disabled_scopes": ["invalid"]}}])
def test_update_invalid_configuration_or_overlay(mock: Any, params: dict[str, Any]) -> None:
    created = create(mock)
    response = update(mock, created, **params)
    assert response.status_code == 422
    assert mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()["configuration"]["title"] == "Test Tool"


@canvas_spec(SPEC, "PUT update / with overlay containing nil attribute / is successful")
def test_update_overlay_with_a_null_attribute(mock: Any) -> None:
    created = create(mock)
    assert update(mock, created, overlay={"domain": None}).status_code == 200
    assert mock.get(f"{BASE}/{created['id']}?include[]=overlay", headers=ADMIN).json()["overlay"]["data"].get("domain") is None


@canvas_spec(SPEC, "PUT update / with configuration containing nil attribute / is successful")
def test_update_configuration_with_a_null_domain(mock: Any) -> None:
    created = create(mock)
    assert update(mock, created, configuration=configuration(domain=None)).status_code == 200
    assert mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()["configuration"].get("domain") is None


# -- PUT reset, POST bind ---------------------------------------------------------------------------

@canvas_spec(SPEC, "PUT reset / resets the overlay")
def test_reset_empties_the_overlay(mock: Any) -> None:
    created = create(mock, overlay={"title": "Test Title"})
    assert mock.put(f"{BASE}/{created['id']}/reset", headers=ADMIN).status_code == 200
    assert mock.get(f"{BASE}/{created['id']}?include[]=overlay", headers=ADMIN).json()["overlay"]["data"] == {}


@canvas_spec(SPEC, "PUT reset / returns the overlay versions, overlay, and overlaid configuration")
def test_reset_answer(mock: Any) -> None:
    created = create(mock, overlay={"title": "Test Title"})
    body = mock.put(f"{BASE}/{created['id']}/reset", headers=ADMIN).json()
    assert {"overlay", "overlaid_configuration"} <= set(body)
    assert body["overlay"]["data"] == {} and body["overlaid_configuration"]["title"] == "Test Tool"
    reset_version = body["overlay"]["versions"][0]
    assert reset_version["caused_by_reset"] is True and reset_version["created_by"]["id"] == 1


@canvas_spec(SPEC, "POST bind / with invalid workflow state / returns 422")
def test_bind_invalid_state(mock: Any) -> None:
    created = create(mock)
    response = mock.post(f"{BASE}/{created['id']}/bind", headers=ADMIN, json={"workflow_state": "invalid"})
    assert response.status_code == 422
    assert mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()["account_binding"]["workflow_state"] == "off"


@canvas_spec(SPEC, "POST bind / without existing binding / constructs the binding properly")
def test_bind_answers_the_binding(mock: Any) -> None:
    created = create(mock)
    body = mock.post(f"{BASE}/{created['id']}/bind", headers=ADMIN, json={"workflow_state": "on"}).json()
    assert (body["registration_id"], body["account_id"], body["workflow_state"], body["root_account_id"]) == (created["id"], 1, "on", 1)
    assert body["created_by"]["id"] == 1 and body["updated_by"]["id"] == 1


@canvas_spec(SPEC, "POST bind / with existing binding / updates the existing binding")
def test_bind_updates_the_binding(mock: Any) -> None:
    created = create(mock, workflow_state="on")
    body = mock.post(f"{BASE}/{created['id']}/bind", headers=ADMIN, json={"workflow_state": "off"}).json()
    assert body["workflow_state"] == "off" and body["id"] == created["account_binding"]["id"]


# -- POST create --------------------------------------------------------------------------------

@canvas_spec(SPEC, "POST create / creates a new LTI registration")
def test_create_stores_name_vendor_nickname_description(mock: Any) -> None:
    before = listed(mock)["total"]
    created = create(mock, "Test Tool", vendor="Test Vendor", admin_nickname="Test Nickname", description="A great little description")
    shown = mock.get(f"{BASE}/{created['id']}", headers=ADMIN).json()
    assert (shown["name"], shown["vendor"], shown["admin_nickname"]) == ("Test Tool", "Test Vendor", "Test Nickname")
    assert listed(mock)["total"] == before + 1


@canvas_spec(SPEC, "POST create / returns the created registration")
def test_create_answer(mock: Any) -> None:
    config = configuration()
    body = mock.post(BASE, headers=ADMIN, json={"name": "Test Tool", "admin_nickname": "Test Nickname", "configuration": config}).json()
    assert (body["name"], body["admin_nickname"]) == ("Test Tool", "Test Nickname")
    assert body["configuration"] == config and body["account_binding"]


@canvas_spec(SPEC, 'POST create / creates an account binding with a default state of "off"')
def test_create_binding_defaults_off(mock: Any) -> None:
    assert create(mock)["account_binding"]["workflow_state"] == "off"


@canvas_spec(SPEC, "POST create / without nickname / leaves nickname empty; without a name / infers the name from the configuration")
def test_create_defaults_name_and_nickname(mock: Any) -> None:
    body = mock.post(BASE, headers=ADMIN, json={"configuration": configuration("Configured Title")}).json()
    assert body["admin_nickname"] is None and body["name"] == "Configured Title"


@canvas_spec(SPEC, "POST create / specifying a workflow state / creates an account binding with the specified state")
def test_create_with_workflow_state_on(mock: Any) -> None:
    assert create(mock, workflow_state="on")["account_binding"]["workflow_state"] == "on"


@canvas_spec(SPEC, "POST create / specifying a workflow state / returns 422 if the state is invalid")
def test_create_with_invalid_workflow_state(mock: Any) -> None:
    before = listed(mock)["total"]
    response = mock.post(BASE, headers=ADMIN, json={"configuration": configuration(), "workflow_state": "asdfasdfasdfasdf"})
    assert response.status_code == 422 and listed(mock)["total"] == before


@canvas_spec(SPEC, "POST create / with invalid configuration / returns 422")
def test_create_with_invalid_configuration(mock: Any) -> None:
    response = mock.post(BASE, headers=ADMIN, json={"configuration": {"title": "Invalid Tool"}})
    assert response.status_code == 422 and "required" in response.json()["errors"][0]


@canvas_spec(SPEC, "POST create / without required parameters / returns 400")
def test_create_without_configuration(mock: Any) -> None:
    response = mock.post(BASE, headers=ADMIN, json={})
    assert response.status_code == 400 and "configuration is missing" in response.json()["errors"][0]["message"]


@canvas_spec(SPEC, "POST create / with overlay / returns the created overlay in the response")
def test_create_with_overlay_answers_it(mock: Any) -> None:
    assert create(mock, overlay={"title": "different title!"})["overlay"]["data"] == {"title": "different title!"}


@canvas_spec(SPEC, "POST create / with overlay / removes scopes from the dev key that are disabled in the overlay")
def test_create_overlay_disabled_scopes_leave_the_key(mock: Any) -> None:
    created = create(mock, overlay={"disabled_scopes": [AGS_SCORE]}, workflow_state="on")
    assert developer_key(mock, created)["scopes"] == [AGS_LINEITEM]


@canvas_spec(SPEC, "POST create / with invalid overlay")
def test_create_with_invalid_overlay(mock: Any) -> None:
    before = listed(mock)["total"]
    response = mock.post(BASE, headers=ADMIN, json={"configuration": configuration(), "overlay": {"title": 5}})
    assert response.status_code == 422 and listed(mock)["total"] == before


@canvas_spec(SPEC, "POST create / without user session / returns 401; with non-admin user / returns 403")
def test_create_without_session_and_as_student(mock: Any) -> None:
    assert mock.post(BASE, json={"configuration": configuration()}).status_code == 401
    assert mock.post(BASE, headers=STUDENT, json={"configuration": configuration()}).status_code == 403
