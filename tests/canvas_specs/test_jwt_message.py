"""Canvas's ``spec/lib/lti/messages/jwt_message_spec.rb`` (the claims every LTI 1.3 launch carries), read
from the id_token the mock delivers at ``/api/lti/authorize``.

Canvas's spec builds ``Lti::Messages::JwtMessage`` for a ``course_navigation`` launch of a tool whose
placement has ``selection_width: 500``, ``selection_height: 400`` and custom fields ``has_expansion:
$User.id``, ``no_expansion: foo``; here the fixture's Mock Grading Tool gets the same settings through the
External Tools API. Examples that switch claim groups off with ``claim_group_blacklist`` (an internal
option no HTTP request reaches) are not mined. Where the spec is older than ``lib/lti/messages/jwt_message.rb``
the case follows the code and says so.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.launches import AGS, GRADING_TOOL, LTI, NRPS, REDIRECT, id_token, update_tool
from tests.canvas_specs.services import GRADING_KEY, edit_state, record, state_row

SPEC = "spec/lib/lti/messages/jwt_message_spec.rb"
CODE = "lib/lti/messages/jwt_message.rb"
EXPANDER = "lib/lti/variable_expander.rb"
NAV = {"placement": "course_navigation"}


@pytest.fixture
def placement_tool(client: Any) -> Any:
    """The spec's tool: a course_navigation placement 500x400 with two custom fields."""
    update_tool(client, course_navigation={"enabled": True, "selection_width": 500, "selection_height": 400,
                                           "custom_fields": {"has_expansion": "$User.id", "no_expansion": "foo"}})
    return client


def frozen_now(client: Any) -> int:
    client.post("/__mock__/clock", json={"freeze": True})
    return int(client.get("/__mock__/clock").json()["epoch"])


# -- security claims --------------------------------------------------------------------------------


@canvas_spec(SPEC, 'security claims / sets the "aud" claim', follows_code=CODE)
def test_aud_and_azp_are_the_client_id(client: Any) -> None:
    claims = id_token(client)
    assert claims["aud"] == GRADING_KEY and claims["azp"] == GRADING_KEY


@canvas_spec(SPEC, 'security claims / sets the "deployment_id" claim')
def test_deployment_id_is_tool_id_and_context_opaque_id(client: Any) -> None:
    """``"#{tool.id}:#{Lti::Asset.opaque_identifier_for(tool.context)}"``, the deployment the External Tools API shows."""
    deployment = id_token(client)[LTI + "deployment_id"]
    assert deployment.split(":")[0] == "1"
    assert deployment == client.get(GRADING_TOOL, headers={"Authorization": "Bearer mock-admin-token-TEST-ONLY"}).json()["deployment_id"]


@canvas_spec(SPEC, 'security claims / sets the "exp" claim to lti.oauth2.access_token.exp')
def test_exp_is_an_hour_after_issue(client: Any) -> None:
    now = frozen_now(client)
    assert id_token(client)["exp"] == now + 3600


@canvas_spec(SPEC, 'security claims / sets the "iat" claim to the current time')
def test_iat_is_now(client: Any) -> None:
    now = frozen_now(client)
    assert id_token(client)["iat"] == now


@canvas_spec(SPEC, 'security claims / sets the "iss" to "https://canvas.instructure.com"')
def test_iss(client: Any) -> None:
    assert id_token(client)["iss"] == "https://canvas.instructure.com"


@canvas_spec(SPEC, 'security claims / when user is an authorized user / sets the "sub" claim')
def test_sub_is_the_users_lti_id(client: Any) -> None:
    assert id_token(client, user="21")["sub"] == state_row(client, "users", id=21)["lti_id"]


@canvas_spec(SPEC, 'security claims / sets the "target_link_uri" claim')
def test_target_link_uri_is_the_tool_url(client: Any) -> None:
    assert id_token(client, **NAV)[LTI + "target_link_uri"] == REDIRECT


@canvas_spec(SPEC, "security claims / when the target_link_uri is specified in the tool's placement settings / "
                   'use the placement-specific "target_link_uri"')
def test_placement_target_link_uri(client: Any) -> None:
    update_tool(client, course_navigation={"enabled": True, "target_link_uri": f"{REDIRECT}?coursenav"})
    assert id_token(client, **NAV)[LTI + "target_link_uri"] == f"{REDIRECT}?coursenav"


@canvas_spec(SPEC, "security claims / when the target_link_uri is specified in the tool's placement settings / "
                   'ignores the placement-specific "target_link_uri" if it is an empty string')
def test_empty_placement_target_link_uri(client: Any) -> None:
    update_tool(client, course_navigation={"enabled": True, "target_link_uri": ""})
    assert id_token(client, **NAV)[LTI + "target_link_uri"] == REDIRECT


@canvas_spec(SPEC, "security claims / when the target_link_uri is specified in the tool's placement settings "
                   "(another placement's setting is not used)", follows_code=CODE)
def test_other_placements_target_link_uri_is_not_used(client: Any) -> None:
    update_tool(client, account_navigation={"enabled": True, "target_link_uri": f"{REDIRECT}?account"})
    assert id_token(client, **NAV)[LTI + "target_link_uri"] == REDIRECT


# -- i18n, context, platform ------------------------------------------------------------------------


@canvas_spec(SPEC, "i18n claims / sets the locale; launch_presentation claim / sets the locale")
def test_locale_claims_follow_the_users_locale(client: Any) -> None:
    edit_state(client, lambda state: record(state, "users", id=20).update(locale="ca"))
    claims = id_token(client)
    assert claims["locale"] == "ca" and claims[LTI + "launch_presentation"]["locale"] == "ca"


@canvas_spec(SPEC, "context claims / sets the id")
def test_context_id(client: Any) -> None:
    assert id_token(client)[LTI + "context"]["id"] == state_row(client, "courses", id=101)["lti_context_id"]


@canvas_spec(SPEC, "context claims / sets the label")
def test_context_label(client: Any) -> None:
    assert id_token(client)[LTI + "context"]["label"] == "CS-101"


@canvas_spec(SPEC, "context claims / sets the title")
def test_context_title(client: Any) -> None:
    assert id_token(client)[LTI + "context"]["title"] == "Computer Science 101"


@canvas_spec(SPEC, "context claims / sets the type")
def test_context_type(client: Any) -> None:
    assert id_token(client)[LTI + "context"]["type"] == ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"]


@canvas_spec(SPEC, "platform / sets the name")
def test_platform_name_is_the_root_accounts(client: Any) -> None:
    assert id_token(client)[LTI + "tool_platform"]["name"] == "Mock University"


@canvas_spec(SPEC, "platform / sets the version")
def test_platform_version(client: Any) -> None:
    assert id_token(client)[LTI + "tool_platform"]["version"] == "cloud"


@canvas_spec(SPEC, "platform / sets the product family code")
def test_platform_product_family_code(client: Any) -> None:
    assert id_token(client)[LTI + "tool_platform"]["product_family_code"] == "canvas"


@canvas_spec(SPEC, "platform / sets the guid")
def test_platform_guid_is_the_root_accounts_lti_guid(client: Any) -> None:
    assert id_token(client)[LTI + "tool_platform"]["guid"] == state_row(client, "accounts", id=1)["lti_guid"]


# -- launch_presentation ----------------------------------------------------------------------------


@canvas_spec(SPEC, "launch_presentation claim / includes document_target, return_url and locale / sets the document target")
def test_document_target_is_iframe(client: Any) -> None:
    assert id_token(client)[LTI + "launch_presentation"]["document_target"] == "iframe"


@canvas_spec(SPEC, "launch_presentation claim / includes document_target, return_url and locale / sets the return url")
def test_return_url_is_in_the_launch_course(client: Any) -> None:
    assert id_token(client)[LTI + "launch_presentation"]["return_url"].startswith("http://testserver/courses/101/")


@canvas_spec(SPEC, "launch_presentation claim / when launching a content without ContentTag / includes dimensions from "
                   "the tool.placement")
def test_size_from_the_placement(placement_tool: Any) -> None:
    presentation = id_token(placement_tool, **NAV)[LTI + "launch_presentation"]
    assert (presentation["width"], presentation["height"]) == (500, 400)


@canvas_spec(SPEC, "launch_presentation claim / when tool.placement don't provide selection_width and selection_height / "
                   "when tool.settings provides selection_width and selection_height / sets the height/width from the "
                   "tool.settings")
def test_size_from_the_tool_when_the_placement_has_none(client: Any) -> None:
    update_tool(client, selection_width=321, selection_height=654, course_navigation={"enabled": True})
    presentation = id_token(client, **NAV)[LTI + "launch_presentation"]
    assert (presentation["width"], presentation["height"]) == (321, 654)


@canvas_spec(SPEC, "launch_presentation claim / when tool.placement don't provide selection_width and selection_height / "
                   "when tool.settings don't provide selection_width and selection_height / sets a default height; "
                   "sets a default width")
def test_default_size_for_a_placement_without_one(client: Any) -> None:
    update_tool(client, course_navigation={"enabled": True})
    presentation = id_token(client, **NAV)[LTI + "launch_presentation"]
    assert (presentation["width"], presentation["height"]) == (800, 400)


@canvas_spec(SPEC, "launch_presentation claim / when tool.placement doesn't exist / when tool.settings provides "
                   "selection_width and selection_height / sets the height/width from the tool.settings")
def test_size_from_the_tool_without_the_placement(client: Any) -> None:
    update_tool(client, selection_width=321, selection_height=654)
    presentation = id_token(client, **NAV)[LTI + "launch_presentation"]
    assert (presentation["width"], presentation["height"]) == (321, 654)


@canvas_spec(SPEC, "launch_presentation claim / when tool.placement doesn't exist / when tool.settings don't provide "
                   "selection_width and selection_height / does not include height; does not include width")
def test_no_size_without_placement_or_tool_settings(client: Any) -> None:
    presentation = id_token(client, **NAV)[LTI + "launch_presentation"]
    assert "height" not in presentation and "width" not in presentation


# -- service claims ---------------------------------------------------------------------------------


def drop_scopes(client: Any, *prefixes: str) -> None:
    def change(state: dict[str, Any]) -> None:
        key = record(state, "developer_keys", id=GRADING_KEY)
        key["scopes"] = [s for s in key["scopes"] if not s.startswith(prefixes)]
    edit_state(client, change)


@canvas_spec(SPEC, "names and roles / when context is a course / names and roles claim check / sets the NRPS url using "
                   "the Account#domain")
def test_nrps_url(client: Any) -> None:
    assert id_token(client)[NRPS]["context_memberships_url"] == "http://testserver/api/lti/courses/101/names_and_roles"


@canvas_spec(SPEC, "names and roles / when context is a course / names and roles claim check / sets the NRPS version")
def test_nrps_version(client: Any) -> None:
    assert id_token(client)[NRPS]["service_versions"] == ["2.0"]


@canvas_spec(SPEC, "names and roles / when context is a course / lti advantage scopes missing from developer key / "
                   "does not set the lti advantage service claim")
def test_no_nrps_claim_without_the_scope(client: Any) -> None:
    drop_scopes(client, "https://purl.imsglobal.org/spec/lti-nrps/")
    assert NRPS not in id_token(client)


@canvas_spec(SPEC, "assignment and grade service claim / when context is a course / AGS line items url / sets the AGS "
                   "lineitems url")
def test_ags_lineitems_url(client: Any) -> None:
    assert id_token(client)[AGS]["lineitems"] == "http://testserver/api/lti/courses/101/line_items"


@canvas_spec(SPEC, "assignment and grade service claim / when context is a course / sets scopes from token",
             follows_code=CODE)
def test_ags_scopes_are_the_keys_ags_scopes_in_its_order(client: Any) -> None:
    """``developer_key.scopes & TokenScopes::LTI_AGS_SCOPES``: the key's order, Canvas's progress scope included."""
    def change(state: dict[str, Any]) -> None:
        key = record(state, "developer_keys", id=GRADING_KEY)
        key["scopes"] = ["https://purl.imsglobal.org/spec/lti-ags/scope/score",
                         "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
                         "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"]
    edit_state(client, change)
    assert id_token(client)[AGS]["scope"] == ["https://purl.imsglobal.org/spec/lti-ags/scope/score",
                                              "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"]


@canvas_spec(SPEC, "assignment and grade service claim / when context is a course / lti advantage scopes missing from "
                   "developer key / does not set the lti advantage service claim")
def test_no_ags_claim_without_ags_scopes(client: Any) -> None:
    drop_scopes(client, "https://purl.imsglobal.org/spec/lti-ags/", "https://canvas.instructure.com/lti-ags/")
    claims = id_token(client)
    assert AGS not in claims and NRPS in claims


# -- custom parameters ------------------------------------------------------------------------------


@canvas_spec(SPEC, "custom parameters / adds custom parameters in the root settings")
def test_tool_custom_fields(client: Any) -> None:
    update_tool(client, custom_fields={"my_custom_field": "banana"})
    assert id_token(client, **NAV)[LTI + "custom"]["my_custom_field"] == "banana"


@canvas_spec(SPEC, "custom parameters / adds placement-specific custom parameters")
def test_placement_custom_fields(placement_tool: Any) -> None:
    assert id_token(placement_tool, **NAV)[LTI + "custom"]["no_expansion"] == "foo"


@canvas_spec(SPEC, "custom parameters / expands variable expansions")
def test_custom_fields_are_expanded_as_text(placement_tool: Any) -> None:
    assert id_token(placement_tool, **NAV)[LTI + "custom"]["has_expansion"] == "20"


@canvas_spec(SPEC, "custom parameters / adds placement-specific custom parameters (only the launched placement's)",
             follows_code="app/models/context_external_tool.rb")
def test_other_placements_custom_fields_are_not_sent(placement_tool: Any) -> None:
    """``set_custom_fields(resource_type)`` merges the tool's fields and the launched placement's only."""
    update_tool(placement_tool, custom_fields={"root": "r"})
    claims = id_token(placement_tool, placement="account_navigation")
    assert claims[LTI + "custom"] == {"root": "r"}


@canvas_spec(SPEC, "custom parameters / adds custom parameters in the root settings (names as Canvas stores them)",
             follows_code="app/models/context_external_tool.rb")
def test_custom_field_names_are_normalized(client: Any) -> None:
    """``set_custom_fields``: non-word characters become ``_``, the name is lower-cased, ``custom_`` is dropped."""
    update_tool(client, custom_fields={"Favorite Color": "blue", "custom_Shoe-Size": "9"})
    assert id_token(client, **NAV)[LTI + "custom"] == {"favorite_color": "blue", "shoe_size": "9"}


# -- roles, names, email, picture -------------------------------------------------------------------


@canvas_spec(SPEC, "roles claims / sets the roles", follows_code="lib/lti/substitutions_helper.rb")
def test_student_roles(client: Any) -> None:
    """A student: ``membership#Learner`` and ``system/person#User`` (an active student is also an institution
    ``#Student``); ``all_roles`` sorts the list."""
    roles = id_token(client, user="21")[LTI + "roles"]
    assert {"http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
            "http://purl.imsglobal.org/vocab/lis/v2/system/person#User"} <= set(roles)
    assert roles == sorted(set(roles))


@canvas_spec(SPEC, "roles claims / sets the roles (an admin who teaches: sorted, unique)",
             follows_code="lib/lti/substitutions_helper.rb")
def test_roles_are_sorted(client: Any) -> None:
    edit_state(client, lambda state: state["api_tokens"].append(
        {"token": "extra-admin-TEST-ONLY", "user_id": 10, "admin_of": 1}))
    roles = id_token(client, user="10")[LTI + "roles"]
    assert "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator" in roles
    assert roles == sorted(set(roles))


def set_privacy(client: Any, level: str) -> None:
    edit_state(client, lambda state: record(state, "tools", id=1).update(privacy_level=level))


@canvas_spec(SPEC, "include name claims / adds the name; adds the given name; adds the family name")
def test_name_claims_for_name_only(client: Any) -> None:
    set_privacy(client, "name_only")
    claims = id_token(client)
    assert (claims["name"], claims["given_name"], claims["family_name"]) == ("Sienna Howell", "Sienna", "Howell")
    assert "email" not in claims and "picture" not in claims


@canvas_spec(SPEC, "include name claims / adds the person sourcedid")
def test_person_sourcedid_of_a_user_without_a_login_is_left_unexpanded(client: Any) -> None:
    """Canvas's spec user has no login (pseudonym): ``$Person.sourcedId``'s guard fails and the text is sent."""
    set_privacy(client, "name_only")
    edit_state(client, lambda state: record(state, "users", id=21).update(login_id=None))
    assert id_token(client, user="21")[LTI + "lis"]["person_sourcedid"] == "$Person.sourcedId"


@canvas_spec(SPEC, "include name claims / adds the person sourcedid (a user with a SIS id)", follows_code=EXPANDER)
def test_person_sourcedid_is_the_sis_user_id(client: Any) -> None:
    assert id_token(client)[LTI + "lis"]["person_sourcedid"] == "1238.8763.00"


@canvas_spec(SPEC, "include name claims / adds the courses offering sourcedid")
def test_course_offering_sourcedid(client: Any) -> None:
    edit_state(client, lambda state: record(state, "courses", id=101).update(sis_source_id="sis-course-101"))
    assert id_token(client)[LTI + "lis"]["course_offering_sourcedid"] == "sis-course-101"


@canvas_spec(SPEC, "include name claims / adds the courses offering sourcedid (a course without one: null)",
             follows_code=EXPANDER)
def test_course_offering_sourcedid_null_without_sis_id(client: Any) -> None:
    """``$CourseSection.sourcedId``'s guard holds in a course; an empty value is sent as null, the key kept."""
    lis = id_token(client)[LTI + "lis"]
    assert "course_offering_sourcedid" in lis and lis["course_offering_sourcedid"] is None


@canvas_spec(SPEC, "include name claims / when tool privacy policy does not allow name release / does not set name claim "
                   "group")
def test_no_name_claims_when_anonymous(client: Any) -> None:
    set_privacy(client, "anonymous")
    claims = id_token(client)
    assert not {"name", "given_name", "family_name", LTI + "lis", "email", "picture"} & claims.keys()


@canvas_spec(SPEC, "include email claims / adds the user email")
def test_email_for_email_only(client: Any) -> None:
    set_privacy(client, "email_only")
    claims = id_token(client)
    assert claims["email"] == "showell@example.edu"
    assert "name" not in claims and LTI + "lis" not in claims


@canvas_spec(SPEC, "include email claims / when tool privacy policy does not allow email release / does not set email "
                   "claims")
def test_no_email_for_name_only(client: Any) -> None:
    set_privacy(client, "name_only")
    assert "email" not in id_token(client)


@canvas_spec(SPEC, "public claims / sets picture / adds the user picture")
def test_picture_for_public(client: Any) -> None:
    assert id_token(client)["picture"] == state_row(client, "users", id=20)["avatar_url"]


@canvas_spec(SPEC, "public claims / when tool privacy policy does not allow public claim release / skips picture")
def test_no_picture_for_name_only(client: Any) -> None:
    set_privacy(client, "name_only")
    assert "picture" not in id_token(client)


# -- legacy ids and extensions ----------------------------------------------------------------------


@canvas_spec(SPEC, "legacy user id claims / is expected to eq tool.opaque_identifier_for(user)")
def test_lti11_legacy_user_id(client: Any) -> None:
    assert id_token(client)[LTI + "lti11_legacy_user_id"] == state_row(client, "users", id=20)["lti11_id"]


@canvas_spec(SPEC, "lti1p1 claims / when user has lti_context_id / adds user_id")
def test_lti1p1_user_id(client: Any) -> None:
    assert id_token(client)[LTI + "lti1p1"]["user_id"] == state_row(client, "users", id=20)["lti11_id"]


@canvas_spec(SPEC, "lti1p1 claims / when there isn't an associated LTI 1.1 tool / doesn't include the oauth_consumer_key "
                   "related claims")
def test_lti1p1_without_consumer_key(client: Any) -> None:
    assert not {"oauth_consumer_key", "oauth_consumer_key_sign"} & id_token(client)[LTI + "lti1p1"].keys()


@canvas_spec(SPEC, "inst-specific extension claims / placement claim / matches the resource_type")
def test_placement_extension(client: Any) -> None:
    assert id_token(client, placement="account_navigation")["https://www.instructure.com/placement"] == "account_navigation"
