"""Ignore-file parsing and matching."""

from __future__ import annotations

import pytest

from conformance.drift import Finding, IgnoreRule, LoadError, Severity, Side, parse_ignore_text
from conformance.drift.ignore import parse_ignore_data, partition

F = Finding(
    "GET /api/lti/courses/{course_id}/line_items",
    "/responses/200/content/x/schema",
    "response-optional-property-removed",
    Severity.WARNING,
    Side.RESPONSE,
    "m",
)


def test_plain_text_forms() -> None:
    text = """
    # comment
    operation-summary-changed
    request-parameter-removed GET /api/lti/register   # trailing comment
    * * /responses/404
    response-* post /x /requestBody
    """
    assert parse_ignore_text(text) == [
        IgnoreRule("operation-summary-changed"),
        IgnoreRule("request-parameter-removed", "GET /api/lti/register"),
        IgnoreRule(None, None, "/responses/404"),
        IgnoreRule("response-*", "post /x", "/requestBody"),
    ]


@pytest.mark.parametrize("line", ["rule GET", "rule GET /x /loc extra"])
def test_plain_text_errors(line: str) -> None:
    with pytest.raises(LoadError):
        parse_ignore_text(line)


@pytest.mark.parametrize(
    ("rule", "matches"),
    [
        (IgnoreRule("response-optional-property-removed"), True),
        (IgnoreRule("response-*"), True),
        (IgnoreRule("request-*"), False),
        (IgnoreRule(operation="get /api/lti/courses/{course_id}/line_items"), True),
        (IgnoreRule(operation="GET /api/lti/courses/*"), True),
        (IgnoreRule(operation="POST /api/lti/courses/*"), False),
        (IgnoreRule(operation="/api/lti/courses/{course_id}/line_items"), True),
        (IgnoreRule(location="/responses/200"), True),
        (IgnoreRule(location="/responses/20"), False),
        (IgnoreRule(location="/responses/*/schema"), True),
        (IgnoreRule("response-*", location="/requestBody"), False),
    ],
)
def test_matching(rule: IgnoreRule, matches: bool) -> None:
    assert rule.matches(F) is matches
    assert partition([F], [rule]) == (([], 1) if matches else ([F], 0))


def test_structured_forms() -> None:
    assert parse_ignore_data({"ignore": [{"rule": "a", "reason": "x"}]}) == [IgnoreRule("a")]
    assert parse_ignore_data([{"operation": "GET /x"}, "b * /loc"]) == [
        IgnoreRule(operation="GET /x"),
        IgnoreRule("b", None, "/loc"),
    ]
    assert parse_ignore_data(None) == []
    for bad in ({"ignore": {"rule": "a"}}, [1], [{"reason": "only"}]):
        with pytest.raises(LoadError):
            parse_ignore_data(bad)
