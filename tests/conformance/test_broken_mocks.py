"""The suite catches wrong behaviour: each broken mock breaks one thing; the run must name it."""

from __future__ import annotations

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


def run(app: Any, operations: list[str], stateful: bool = False, examples: int = 10) -> RunResult:
    options = SuiteOptions(seed=7, max_examples=examples, operations=operations, stateful=stateful,
                           profile="deep" if stateful else "ci")
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
    with variants.patched_handler("createScore", variants.forget_scores) as app:
        result = run(app, ["createScore"], stateful=True, examples=2)
    assert ("listResults", "ags_model") in caught(result)


def test_deleted_line_item_still_readable_is_caught() -> None:
    with variants.patched_handler("deleteLineItem", variants.fake_delete) as app:
        result = run(app, ["deleteLineItem"], stateful=True, examples=2)
    model = {op for op, check in caught(result) if check == "ags_model"}
    assert model & {"getLineItem", "deleteLineItem", "listLineItems", "updateLineItem", "listResults",
                    "createScore"}, caught(result)
