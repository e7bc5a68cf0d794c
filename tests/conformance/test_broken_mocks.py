"""The suite catches wrong behaviour: each broken mock breaks one thing; a run at the default profile
with a fixed seed, restricted to the operations concerned, must name it."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import pytest

from conformance.report import RunResult
from conformance.safety import Gate
from conformance.suite import SuiteOptions, run_suite
from conformance.targets import in_process_target
from mockserver import create_app

from . import variants

logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)


def run(app: Any, operations: list[str], stateful: bool = False, examples: int | None = None,
        semantic: bool = True) -> RunResult:
    """The default profile (``examples=None``) with a fixed seed, restricted to ``operations``."""
    options = SuiteOptions(seed=7, max_examples=examples, operations=operations, stateful=stateful, semantic=semantic)
    return run_suite(in_process_target(Gate(), app=app), options)


def caught(result: RunResult) -> set[tuple[str, str]]:
    return {(f.operation, f.check) for f in result.findings.values()}


def _token(app: Any) -> str:
    from tests.ltiutil import get_token

    with app.test_client() as client:
        config = client.get("/__mock__/config").json()
        return get_token(client, config, "Mock Grading Tool")


RESPONSE_VARIANTS = [
    ("wrong media type", variants.wrong_media_type, ["getLineItem"],
     {("getLineItem", "content_type_conformance"), ("getLineItem", "media_type_family")}),
    ("500 on some input", variants.server_error_on_tag, ["listLineItems"],
     {("listLineItems", "not_a_server_error")}),
    ("malformed Link header", variants.spaced_link_header, ["listLineItems"],
     {("listLineItems", "link_header_format")}),
    ("wrong error shape", variants.wrong_error_shape, ["getLineItem"],
     {("getLineItem", "error_body_shape")}),
    ("wrong status code", variants.created_as_200, ["createLineItem"],
     {("createLineItem", "status_code_conformance")}),
    ("unvalidated body", variants.accepts_invalid_body, ["createLineItem"],
     {("createLineItem", "negative_data_rejection")}),
    ("line item id on another host", variants.relative_ids, ["getLineItem"],
     {("getLineItem", "resource_url_format")}),
]


@pytest.mark.parametrize(("name", "rewrite", "operations", "expected"), RESPONSE_VARIANTS,
                         ids=[v[0] for v in RESPONSE_VARIANTS])
def test_response_variant_is_caught(name: str, rewrite: Any, operations: list[str], expected: set) -> None:
    result = run(variants.wrap(rewrite), operations)
    assert expected & caught(result), f"{name}: caught only {caught(result)}"


def test_unchanged_wrapper_passes() -> None:
    """Control: the rewriting wrapper itself introduces nothing."""
    result = run(variants.wrap(variants.unchanged), ["getLineItem", "listLineItems", "createLineItem"])
    assert not caught(result)


def test_auth_not_enforced_is_caught() -> None:
    """A mock that lets token-less requests through (here: it injects a valid token)."""
    app = create_app()
    wrapped = variants.RewritingApp(app, variants.unchanged, variants.auth_injector(_token(app)))
    result = run(wrapped, ["listLineItems"])
    assert ("listLineItems", "auth_enforced") in caught(result)


def test_missing_required_field_is_caught() -> None:
    with variants.patched_handler("getLineItem", variants.drop_label) as app:
        result = run(app, ["getLineItem"])
    assert ("getLineItem", "response_schema_conformance") in caught(result)


def test_score_not_persisted_is_caught() -> None:
    """By the AGS model on its own (the semantic checks catch it too: they are off here)."""
    with variants.patched_handler("createScore", variants.forget_scores) as app:
        result = run(app, ["createScore"], stateful=True, semantic=False)
    assert ("listResults", "ags_model") in caught(result)


def test_deleted_line_item_still_readable_is_caught() -> None:
    with variants.patched_handler("deleteLineItem", variants.fake_delete) as app:
        result = run(app, ["deleteLineItem"], stateful=True, semantic=False)
    model = {op for op, check in caught(result) if check == "ags_model"}
    assert model & {"getLineItem", "deleteLineItem", "listLineItems", "updateLineItem", "listResults",
                    "createScore"}, caught(result)


# -- semantic bugs: well-formed answers that are wrong in meaning ----------------------------------

def _semantic_names() -> set[str]:
    from conformance.semantics import all_semantic_checks

    return {check.name for check in all_semantic_checks()}


def _handler(operation_id: str, replacement: Any) -> Any:
    """A mock whose ``operation_id`` handler is replaced while the context lasts."""
    return lambda: variants.patched_handler(operation_id, replacement)


def _handlers(replacement: Any, *operation_ids: str) -> Any:
    """A mock whose handlers of ``operation_ids`` are all replaced by ``replacement``."""
    return lambda: variants.patched_handlers(dict.fromkeys(operation_ids, replacement))


def _built(build: Any) -> Any:
    return lambda: contextlib.nullcontext(build())


def _rewritten(rewrite: Any) -> Any:
    return _built(lambda: variants.wrap(rewrite))


def _hooked(param: str, path: Any) -> Any:
    return _built(lambda: variants.with_request_hook(variants.ignoring(param, path)))


ROSTERS = variants.ROSTER_PATH
FORGETS_TOOLS = variants.forgets_changes("tools")
REGISTRATION_EDITS = ("createLtiRegistration", "updateLtiRegistration", "resetLtiRegistration",
                      "applyLtiRegistrationUpdateRequest")
SEMANTIC_VARIANTS = [
    # 1. filters (§3.4, §5, §7.4)
    ("ignored tag filter", _hooked("tag", variants.LINE_ITEMS_PATH), ["listLineItems"], "line_item_tag_filter"),
    ("ignored resource_id filter", _hooked("resource_id", variants.LINE_ITEMS_PATH), ["listLineItems"],
     "line_item_resource_id_filter"),
    ("ignored resource_link_id filter", _hooked("resource_link_id", variants.LINE_ITEMS_PATH), ["listLineItems"],
     "line_item_resource_link_filter"),
    ("ignored user_id filter", _hooked("user_id", variants.RESULTS_PATH), ["listResults"], "result_user_filter"),
    ("ignored role filter", _hooked("role", ROSTERS), ["listCourseMemberships"], "membership_role_filter"),
    ("ignored rlid", _hooked("rlid", ROSTERS), ["listCourseMemberships"], "membership_rlid_filter"),
    # 2. pagination (§15.1)
    ("pages one element larger than asked", _built(lambda: variants.with_request_hook(
        variants.page_size_plus_one("limit", variants.LINE_ITEMS_PATH))), ["listLineItems"], "page_sizes_exact"),
    ("page silently drops an element", _rewritten(variants.page_drops_element), ["listLineItems"], "pagination_complete"),
    ("next link on the last page", _rewritten(variants.next_on_last_page), ["listCourseMemberships"], "next_link_exact"),
    ("links forget the filter", _rewritten(variants.links_forget_filters), ["listLineItems"], "link_rels_exact"),
    ("last link one page too far", _rewritten(variants.last_link_off_by_one), ["listResults"], "link_rels_exact"),
    ("registrations page drops an element", _rewritten(variants.registrations_page_drops_element),
     ["listLtiRegistrations"], "pagination_complete"),
    ("course tool pages one short", _rewritten(variants.course_tools_pages_one_short), ["listCourseExternalTools"],
     "page_sizes_exact"),
    ("resource links: next link on the last page", _rewritten(variants.resource_links_next_on_last_page),
     ["listLtiResourceLinks"], "next_link_exact"),
    # 3. tokens (§8)
    ("wrong expires_in", _rewritten(variants.token_lifetime(7200)), ["createAccessToken"], "token_lifetime_and_type"),
    ("token with scopes its key lacks", _handler("createAccessToken", variants.grants_unheld_scopes),
     ["createAccessToken"], "token_refuses_unheld_scope"),
    ("token scope lists the whole key", _handler("createAccessToken", variants.grants_every_key_scope),
     ["createAccessToken"], "token_scope_is_requested_scope"),
    ("results open to a line item token", _built(variants.results_open_to_any_ags_read_scope), ["listResults"],
     "token_works_for_its_scopes_only"),
    # 4. ownership (§2.1 step 8, §3.4)
    ("foreign line item readable", _built(variants.foreign_line_item_readable), ["getLineItem"], "foreign_line_item_refused"),
    ("foreign line items listed", _handler("listLineItems", variants.lists_foreign_line_items), ["listLineItems"],
     "foreign_line_items_hidden"),
    # 5. writes (§3-§5)
    ("decimal maximum truncated", _rewritten(variants.truncates_decimal_maximum), ["createLineItem"], "line_item_reads_back"),
    ("stale score accepted", _handler("createScore", variants.accepts_stale_scores), ["createScore"], "stale_score_refused"),
    ("results name another line item", _rewritten(variants.results_name_another_line_item), ["createScore"],
     "score_reads_back_as_result"),
    ("score without scoreGiven keeps the old score", _handler("createScore", variants.keeps_score_without_score_given),
     ["createScore"], "score_without_score_given_clears_result"),
    ("results of a deleted line item served", _built(variants.results_survive_delete), ["deleteLineItem"], "deleted_line_item_gone"),
    ("score for a non-student accepted", _handler("createScore", variants.scores_for_anyone), ["createScore"],
     "score_for_non_student_refused"),
    ("result comment dropped", _rewritten(variants.drops_result_comment), ["getResult"], "score_reads_back_as_result"),
    # 6. rosters (§7)
    ("inactive student listed Active", _handler("listCourseMemberships", variants.lists_inactive_enrollments),
     ["listCourseMemberships"], "roster_lists_active_members_only"),
    ("roles that are not §7.3 URIs", _rewritten(variants.wrong_role_uris), ["listGroupMemberships", "listCourseMemberships"],
     "roster_roles_are_lis_uris"),
    ("roster names another context", _rewritten(variants.roster_names_another_context), ["listCourseMemberships"],
     "roster_context_is_the_one_asked_for"),
    ("anonymous tool sees names", _handler("listCourseMemberships", variants.ignores_privacy), ["listCourseMemberships"],
     "roster_fields_match_privacy"),
    # 7. External Tools (§16.1)
    ("tool update answered, not stored", _handlers(FORGETS_TOOLS, "updateCourseExternalTool", "updateAccountExternalTool"),
     ["updateCourseExternalTool"], "external_tool_reads_back"),
    ("tool update ignores custom fields", _handlers(variants.ignores_fields("custom_fields"), "updateCourseExternalTool",
                                                    "updateAccountExternalTool"),
     ["updateCourseExternalTool"], "external_tool_reads_back"),
    ("tool create ignores placements", _handlers(variants.ignores_fields("course_navigation"), "createCourseExternalTool",
                                                 "createAccountExternalTool"),
     ["createCourseExternalTool"], "external_tool_reads_back"),
    ("deleted tool still listed", _handlers(FORGETS_TOOLS, "deleteCourseExternalTool", "deleteAccountExternalTool"),
     ["deleteCourseExternalTool"], "external_tool_delete_removes"),
    ("include_parents ignored", _hooked("include_parents", variants.COURSE_TOOLS_PATH), ["listCourseExternalTools"],
     "external_tool_include_parents"),
    ("search_term ignored", _hooked("search_term", variants.COURSE_TOOLS_PATH), ["listCourseExternalTools"],
     "external_tool_search_term"),
    ("tool link launches the first-installed tool", _handler("launchCourseExternalTool", variants.launches_first_installed_tool),
     ["getCourseSessionlessLaunch"], "sessionless_link_launches_the_tool"),
    ("retrieve launches the first-installed tool", _handler("retrieveCourseExternalTool", variants.retrieves_first_installed_tool),
     ["retrieveCourseExternalTool"], "sessionless_retrieve_launches_its_tool"),
    ("assignment link launches the newest tool", _handler("launchCourseAssignment", variants.assignment_launches_newest_tool),
     ["launchCourseAssignment"], "sessionless_assignment_launches_its_tool"),
    ("account link made for the account's first tool", _built(variants.account_links_for_first_tool),
     ["getAccountSessionlessLaunch"], "sessionless_account_link_names_the_tool"),
    ("group list ignores include_parents", _hooked("include_parents", variants.GROUP_TOOLS_PATH),
     ["listGroupExternalTools"], "group_tools_include_the_course_s"),
    # 8. LTI Resource Links (§16.2)
    ("lookup returns another link", _handler("getLtiResourceLink", variants.lookup_returns_another_link),
     ["getLtiResourceLink"], "resource_link_lookup_returns_it"),
    ("link custom update answered, not stored", _handler("updateLtiResourceLink", variants.link_custom_not_updated),
     ["updateLtiResourceLink"], "resource_link_custom_reads_back"),
    ("bulk links stored with the first title", _handler("bulkCreateLtiResourceLinks",
                                                        variants.bulk_links_stored_with_the_first_title),
     ["bulkCreateLtiResourceLinks"], "bulk_resource_links_read_back"),
    ("link update answered, not stored", _handlers(variants.forgets_changes("resource_links"), "updateLtiResourceLink"),
     ["updateLtiResourceLink"], "resource_link_reads_back"),
    ("deleted link still listed", _handlers(variants.forgets_changes("resource_links"), "deleteLtiResourceLink"),
     ["deleteLtiResourceLink"], "resource_link_delete_removes"),
    # 9. LTI Registrations (§16.3)
    ("registration update answered, not stored",
     _handlers(variants.forgets_changes("registrations", "developer_keys"), "updateLtiRegistration"),
     ["updateLtiRegistration"], "registration_reads_back"),
    ("registration update ignores its configuration",
     _handlers(variants.ignores_fields("configuration"), "updateLtiRegistration"),
     ["updateLtiRegistration"], "registration_reads_back"),
    ("deleted registration still listed",
     _handlers(variants.forgets_changes("registrations", "developer_keys", "tools"), "deleteLtiRegistration"),
     ["deleteLtiRegistration"], "registration_delete_removes"),
    ("binding answered, not stored", _handlers(variants.forgets_changes("developer_keys"), "bindLtiRegistration"),
     ["bindLtiRegistration"], "registration_bind_reads_back"),
    ("registration query ignored", _hooked("query", variants.REGISTRATIONS_PATH), ["listLtiRegistrations"],
     "registration_query_filter"),
    ("registration history never records", _handlers(variants.never_recorded("history"), *REGISTRATION_EDITS),
     ["listLtiRegistrationHistory"], "registration_history_records_edit"),
    ("overlay history never records", _handlers(variants.never_recorded("overlay_versions"), *REGISTRATION_EDITS),
     ["listLtiRegistrationOverlayHistory"], "overlay_history_records_edit"),
    ("reset answered, not stored",
     _handlers(variants.forgets_changes("registrations", "developer_keys", "tools"), "resetLtiRegistration"),
     ["resetLtiRegistration"], "registration_reset_removes_overlay"),
    ("context search ignores search_term", _hooked("search_term", variants.CONTEXT_SEARCH_PATH),
     ["searchLtiRegistrationContexts"], "registration_context_search_matches"),
    ("update request applied in the answer only",
     _handlers(variants.forgets_changes("registrations", "developer_keys"), "applyLtiRegistrationUpdateRequest"),
     ["applyLtiRegistrationUpdateRequest"], "update_request_applied_reads_back"),
    ("dynamic registration answered, not stored",
     _handlers(variants.forgets_changes("ims_registrations", "registrations", "developer_keys", "tools"), "createRegistration"),
     ["createRegistration"], "dynamic_registration_reads_back"),
    ("client id finds another registration", _handler("getLtiRegistrationByClientId", variants.finds_another_registration),
     ["getLtiRegistrationByClientId"], "registration_by_client_id_returns_it"),
    # 10. account-level LTI services (§13.1)
    ("subscription update answered, not stored",
     _handlers(variants.forgets_changes("data_subscriptions"), "updateDataServiceSubscription"),
     ["updateDataServiceSubscription"], "subscription_reads_back"),
    ("deleted subscription still listed",
     _handlers(variants.forgets_changes("data_subscriptions"), "deleteDataServiceSubscription"),
     ["deleteDataServiceSubscription"], "subscription_delete_removes"),
    ("account lookup answers the root", _rewritten(variants.account_lookup_answers_root), ["getLtiAccountLookup"],
     "account_lookup_returns_account"),
    ("tool configuration update answered, not stored",
     _handlers(variants.forgets_changes("registrations", "developer_keys"), "updateToolConfiguration"),
     ["updateToolConfiguration"], "tool_configuration_reads_back"),
    ("deleted tool configuration still served", _handlers(variants.forgets_changes("registrations"), "deleteToolConfiguration"),
     ["deleteToolConfiguration"], "tool_configuration_delete_removes"),
    ("LTI account tools list forgets the accounts above", variants.lti_account_tools_without_parents,
     ["listLtiAccountExternalTools"], "lti_account_tools_include_parents"),
    ("LTI account tool lookup answers the first tool", _handler("getLtiAccountExternalTool",
                                                               variants.lti_account_tool_lookup_answers_first),
     ["getLtiAccountExternalTool"], "lti_account_tool_lookup_returns_it"),
    ("account tool install answered, not stored", _handlers(FORGETS_TOOLS, "createLtiAccountExternalTool"),
     ["createLtiAccountExternalTool"], "lti_account_tool_install_reads_back"),
    ("deleted account tool still listed", _handlers(FORGETS_TOOLS, "deleteLtiAccountExternalTool"),
     ["deleteLtiAccountExternalTool"], "lti_account_tool_delete_removes"),
    # 11. token lifecycle (§2.2, §3.1, §8.3)
    ("expired token accepted", variants.accepts_expired_tokens, ["listLineItems"], "expired_token_refused"),
    ("tokens die before their expires_in", variants.tokens_expire_early, ["listLineItems"], "token_valid_until_expiry"),
    ("read-only token writes line items", _built(variants.line_items_writable_read_only), ["createLineItem"],
     "read_only_token_cannot_write"),
    # 12. keys and discovery (§9)
    ("JWKS kids change on every request", _built(lambda: variants.wrap(variants.jwks_kids_change_every_request())),
     ["getPlatformJwks"], "jwks_stable_until_rotated"),
    ("id_token kid not in the JWKS", _rewritten(variants.jwks_kids_not_the_signing_kids), ["authorizeLaunch"],
     "signed_token_kid_in_jwks"),
    *((f"id_token: wrong {bug}", variants.id_token_changed(variants.ID_TOKEN_BUGS[bug]), ["authorizeLaunch"], check)
      for bug, check in (("issuer", "id_token_issuer_is_platform"), ("audience", "id_token_audience_is_client"),
                         ("nonce", "id_token_nonce_is_request_nonce"), ("deployment", "id_token_deployment_is_tool_s"),
                         ("message type", "id_token_message_claims_match_launch"), ("roles", "id_token_roles_are_lis_uris"),
                         ("lifetime", "id_token_lifetime"), ("AGS endpoint", "id_token_ags_claim_matches_launch"),
                         ("NRPS endpoint", "id_token_nrps_claim_matches_launch"))),
    ("authorize_redirect drops state", variants.redirect_drops_state, ["authorizeRedirect"],
     "authorize_redirect_forwards_the_request"),
    ("deep linking answered, no link made", _handlers(variants.forgets_changes("resource_links", "link_by_uuid"), "deepLinkingResponse"),
     ["deepLinkingResponse"], "deep_linking_items_become_links"),
    ("OpenID configuration's jwks_uri serves nothing", _rewritten(variants.openid_jwks_uri_elsewhere),
     ["getOpenIdConfiguration"], "openid_configuration_matches_platform"),
    ("rotation unpublishes the previous key", variants.rotation_drops_previous_key, ["getPlatformJwks"],
     "rotation_keeps_cached_keys_valid"),
    ("rotation signs with an unannounced key", variants.rotation_signs_with_unpublished_key, ["getPlatformJwks"],
     "rotation_keeps_cached_keys_valid"),
    ("public JWK update answered, not stored", _handlers(variants.forgets_changes("developer_keys"), "updatePublicJwk"),
     ["updatePublicJwk"], "public_jwk_update_takes_effect"),
    # 13. the client assertion (§8.2 steps 2-5)
    ("assertion signature not verified", variants.assertion_signature_unchecked, ["createAccessToken"],
     "assertion_signature_verified"),
    ("developer key taken from iss", variants.client_taken_from_iss, ["createAccessToken"],
     "assertion_sub_names_the_client"),
    ("expired assertion accepted", variants.accepts_expired_assertions, ["createAccessToken"],
     "expired_assertion_refused"),
    ("stale assertion accepted", variants.accepts_stale_assertions, ["createAccessToken"], "stale_assertion_refused"),
    ("assertion from the future accepted", variants.accepts_future_assertions, ["createAccessToken"],
     "future_assertion_refused"),
    ("assertion audience unchecked", variants.accepts_any_assertion_audience, ["createAccessToken"],
     "assertion_audience_checked"),
    ("assertion without jti accepted", variants.assertion_jti_optional, ["createAccessToken"],
     "assertion_claims_required"),
]


def test_every_semantic_check_has_a_broken_mock_it_alone_catches() -> None:
    """A check no broken mock fails could be a check that cannot fail."""
    assert _semantic_names() - {check for *_, check in SEMANTIC_VARIANTS} == set()


@pytest.mark.parametrize(("name", "build", "operations", "check"), SEMANTIC_VARIANTS, ids=[v[0] for v in SEMANTIC_VARIANTS])
def test_semantic_variant_is_caught(name: str, build: Any, operations: list[str], check: str) -> None:
    """Caught by the named semantic check at the default profile with a fixed seed; the shape checks
    (schemathesis's, ours, the auth probe) find nothing: the broken answers are well-formed."""
    with build() as app:
        result = run(app, operations, examples=None)
    found = caught(result)
    assert check in {c for _, c in found}, f"{name}: caught only {found}"
    shape = {(op, c) for op, c in found if c not in _semantic_names()}
    assert not shape, f"{name} is not well-formed: shape checks caught {shape}"
    assert not result.errors(), result.errors()


def test_semantic_failure_through_the_cli_over_http(tmp_path: Any, capsys: Any) -> None:
    """End to end: `canvas-lti conform --base-url` on a running broken mock exits 1 and its report
    names the semantic check, with the § it enforces and a curl for the request that showed it."""
    from conformance.cli import main
    from mockserver.testing import run_mock

    report = tmp_path / "r.md"
    with run_mock(app=variants.wrap(variants.token_lifetime(7200))) as mock:
        code = main(["conform", "--base-url", mock.base_url, "--seed", "3", "--operation", "createAccessToken",
                     "--max-examples", "3", "--no-stateful", "--report", str(report), "-q"])
    capsys.readouterr()
    text = report.read_text()
    assert code == 1
    assert "`createAccessToken` — `token_lifetime_and_type`" in text
    assert "expires_in must be 3600" in text and "(§8.3)" in text
    assert "curl -X POST" in text and "/login/oauth2/token" in text and "client_assertion=[Filtered]" in text
