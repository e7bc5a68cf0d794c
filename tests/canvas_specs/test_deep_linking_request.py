"""Canvas's ``spec/lib/lti/messages/deep_linking_request_spec.rb`` (``LtiDeepLinkingRequest`` claims), read from the
id_token of a deep linking launch the mock delivers. Each placement's case asserts the five
``sets deep linking attributes`` examples Canvas's spec runs for it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.launches import DL_SETTINGS, LTI, id_token

SPEC = "spec/lib/lti/messages/deep_linking_request_spec.rb"
CODE = "lib/lti/messages/deep_linking_request.rb"
ATTRIBUTES = ('sets the correct "accept_types"; sets the correct "accept_presentation_document_targets"; sets the '
              'correct "accept_media_types"; sets the correct "auto_create"; sets "accept_multiple"')
LTILINK = "application/vnd.ims.lti.v1.ltilink"


def settings(client: Any, placement: str) -> dict[str, Any]:
    claims = id_token(client, message_type="LtiDeepLinkingRequest", placement=placement)
    assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
    return claims[DL_SETTINGS]


def check(found: dict[str, Any], types: list[str], targets: list[str], media: str, auto_create: bool,
          multiple: bool) -> None:
    assert sorted(found["accept_types"]) == sorted(types)
    assert sorted(found["accept_presentation_document_targets"]) == sorted(targets)
    assert found["accept_media_types"] == media
    assert found["auto_create"] is auto_create and found["accept_multiple"] is multiple


@canvas_spec(SPEC, f'#generate_post_payload_message / when resource type is "collaboration" / {ATTRIBUTES}')
def test_collaboration(client: Any) -> None:
    check(settings(client, "collaboration"), ["ltiResourceLink"], ["iframe"], LTILINK, True, False)


@canvas_spec(SPEC, f'#generate_post_payload_message / when resource type is "link_selection" / {ATTRIBUTES}')
def test_link_selection(client: Any) -> None:
    check(settings(client, "link_selection"), ["ltiResourceLink"], ["iframe", "window"], LTILINK, False, True)


@canvas_spec(SPEC, f'#generate_post_payload_message / when resource type is "assignment_selection" / {ATTRIBUTES}')
def test_assignment_selection(client: Any) -> None:
    check(settings(client, "assignment_selection"), ["ltiResourceLink"], ["iframe", "window"], LTILINK, False, False)


@canvas_spec(SPEC, f'#generate_post_payload_message / when resource type is "homework_submission" / {ATTRIBUTES}')
def test_homework_submission(client: Any) -> None:
    check(settings(client, "homework_submission"), ["file", "ltiResourceLink"], ["iframe"], "*/*", False, False)


@canvas_spec(SPEC, f'#generate_post_payload_message / when resource type is "migration_selection" / {ATTRIBUTES}')
def test_migration_selection(client: Any) -> None:
    media = ("application/vnd.ims.imsccv1p1,application/vnd.ims.imsccv1p2,application/vnd.ims.imsccv1p3,"
             "application/zip,application/xml")
    check(settings(client, "migration_selection"), ["file"], ["iframe"], media, False, False)


@canvas_spec(SPEC, f'#generate_post_payload_message / when resource type is "editor_button" / {ATTRIBUTES}')
def test_editor_button(client: Any) -> None:
    check(settings(client, "editor_button"), ["link", "file", "html", "ltiResourceLink", "image"],
          ["embed", "iframe", "window"], f"image/*,text/html,{LTILINK},*/*", False, True)


@canvas_spec(SPEC, f'#generate_post_payload_message / when resource type is "conference_selection" / {ATTRIBUTES}')
def test_conference_selection(client: Any) -> None:
    check(settings(client, "conference_selection"), ["html", "link"], ["iframe", "window"], "text/html,*/*", True, False)


@canvas_spec(SPEC, f'#generate_post_payload_message / when resource type is "course_assignments_menu" / {ATTRIBUTES}')
def test_course_assignments_menu(client: Any) -> None:
    check(settings(client, "course_assignments_menu"), ["ltiResourceLink"], ["iframe", "window"], LTILINK, False, True)


@canvas_spec(SPEC, f'#generate_post_payload_message / when resource type is "module_index_menu_modal" / {ATTRIBUTES}')
def test_module_index_menu_modal(client: Any) -> None:
    check(settings(client, "module_index_menu_modal"), ["ltiResourceLink"], ["iframe", "window"], LTILINK, True, True)


@canvas_spec(SPEC, '#generate_post_payload_message / sets the "deep_link_return_url"', follows_code=CODE)
def test_deep_link_return_url(client: Any) -> None:
    """The context's ``deep_linking_response`` URL with its signed ``data`` token."""
    url = urlsplit(settings(client, "editor_button")["deep_link_return_url"])
    assert (url.scheme, url.netloc, url.path) == ("http", "testserver", "/courses/101/deep_linking_response")
    assert parse_qs(url.query)["data"][0].count(".") == 2


@canvas_spec(SPEC, "#generate_post_payload_message / when assignment with nil lti_context_id exists / does not use "
                   "assignment return url")
def test_return_url_is_the_courses(client: Any) -> None:
    url = urlsplit(settings(client, "link_selection")["deep_link_return_url"])
    assert url.path == "/courses/101/deep_linking_response"


@canvas_spec(SPEC, "lti 1.3 message initialization / adds public claims if the tool is public; adds private claims; "
                   "adds security claims")
def test_deep_linking_message_initialization(client: Any) -> None:
    claims = id_token(client, message_type="LtiDeepLinkingRequest", placement="editor_button")
    assert claims["picture"].startswith("https://") and claims["locale"] == "en" and claims["sub"]


@canvas_spec(SPEC, "#generate_post_payload_message (no resource_link claim in a deep linking request)", follows_code=CODE)
def test_no_resource_link_claim(client: Any) -> None:
    claims = id_token(client, message_type="LtiDeepLinkingRequest", placement="editor_button")
    assert LTI + "resource_link" not in claims
    assert claims["https://www.instructure.com/placement"] == "editor_button"
