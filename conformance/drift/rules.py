"""The rule registry: every finding's id, severity and side is declared here, once.

Severities follow oasdiff's breaking-change semantics: what a *request* may contain can only be
widened (narrowing breaks clients that send today's values), what a *response* may contain can
only be narrowed (widening surprises clients that parse today's values). Declaring rules in one
table keeps ids stable and lets the tests check that every rule has a test case.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.drift.model import Severity, Side

BRK, WRN, INF = Severity.BREAKING, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    """A kind of difference. ``entity``/``change`` pair additions with removals (for symmetry)."""

    id: str
    severity: Severity
    side: Side
    description: str
    entity: str | None = None
    change: str | None = None  # "added" | "removed" | None


RULES: dict[str, Rule] = {}


def _add(
    rule_id: str,
    severity: Severity,
    side: Side,
    description: str,
    entity: str | None = None,
    change: str | None = None,
) -> None:
    if rule_id in RULES:
        raise ValueError(f"duplicate rule id {rule_id}")
    RULES[rule_id] = Rule(rule_id, severity, side, description, entity, change)


OP, REQ, RESP, SEC = Side.OPERATION, Side.REQUEST, Side.RESPONSE, Side.SECURITY

# --- paths and operations -------------------------------------------------------------------
_add("path-added", INF, OP, "A new path (with its operations) was added.", "operation", "added")
_add("path-removed", BRK, OP, "A path was removed: calls to it will 404.", "operation", "removed")
_add("operation-added", INF, OP, "A new method on an existing path.", "operation", "added")
_add(
    "operation-removed",
    BRK,
    OP,
    "An operation was removed without being deprecated first.",
    "operation",
    "removed",
)
_add(
    "deprecated-operation-removed",
    WRN,
    OP,
    "A deprecated operation was removed.",
    "operation",
    "removed",
)
_add(
    "operation-removed-before-sunset",
    BRK,
    OP,
    "A deprecated operation was removed before the date its x-sunset promised.",
    "operation",
    "removed",
)
_add(
    "unstable-operation-removed",
    INF,
    OP,
    "An operation marked x-stability-level alpha or draft was removed (no promise was made).",
    "operation",
    "removed",
)
_add(
    "operation-stability-decreased",
    BRK,
    OP,
    "x-stability-level went down (e.g. stable -> beta): the promise clients built on is withdrawn.",
)
_add("operation-stability-increased", INF, OP, "x-stability-level went up (e.g. beta -> stable).")
_add(
    "operation-stability-invalid",
    BRK,
    OP,
    "x-stability-level is not draft, alpha, beta or stable: what was promised cannot be read.",
)
_add(
    "operation-sunset-removed",
    BRK,
    OP,
    "A deprecated operation's x-sunset date was dropped: the date clients planned for is withdrawn.",
)
_add(
    "operation-sunset-invalid",
    BRK,
    OP,
    "A deprecated operation's x-sunset changed to or from a value that is not a date.",
)
_add("operation-id-changed", WRN, OP, "operationId changed: generated clients rename methods.")
_add("operation-id-added", INF, OP, "An operationId was added.")
_add("operation-id-removed", WRN, OP, "An operationId was removed.")
_add("operation-deprecated", INF, OP, "The operation is now deprecated.")
_add("operation-undeprecated", INF, OP, "The operation is no longer deprecated.")
_add("operation-summary-changed", INF, OP, "Summary text changed (cosmetic).")
_add("operation-description-changed", INF, OP, "Description text changed (cosmetic).")
_add(
    "request-path-parameter-renamed",
    INF,
    REQ,
    "A path parameter was renamed (same position; the URL is unchanged).",
)

# --- parameters ----------------------------------------------------------------------------
_add(
    "request-required-parameter-added", BRK, REQ, "A new required parameter.", "parameter", "added"
)
_add(
    "request-optional-parameter-added", INF, REQ, "A new optional parameter.", "parameter", "added"
)
_add(
    "request-parameter-removed",
    WRN,
    REQ,
    "A parameter was removed (servers may reject or ignore it).",
    "parameter",
    "removed",
)
_add("request-parameter-became-required", BRK, REQ, "An optional parameter became required.")
_add("request-parameter-became-optional", INF, REQ, "A required parameter became optional.")
_add(
    "request-parameter-location-changed",
    BRK,
    REQ,
    "A parameter moved between path/query/header/cookie.",
)
_add("request-parameter-deprecated", INF, REQ, "A parameter is now deprecated.")
_add(
    "request-parameter-allow-empty-value-removed",
    BRK,
    REQ,
    "A parameter no longer accepts an empty value: clients sending ?name= are refused.",
)
_add("request-parameter-allow-empty-value-added", INF, REQ, "A parameter now accepts an empty value.")
_add("request-parameter-style-changed", BRK, REQ,
     "A parameter's style changed: arrays and objects (and path values) are written another way.")
_add("request-parameter-explode-changed", BRK, REQ,
     "A parameter's explode changed: arrays and objects are written another way (a=1&a=2 vs a=1,2).")
_add("request-parameter-single-value-serialization-changed", INF, REQ,
     "A parameter's style/explode changed where its value is a single one (the same text on the wire).")
_add(
    "request-parameter-removed-before-sunset",
    BRK,
    REQ,
    "A deprecated parameter was removed before the date its x-sunset promised.",
    "parameter",
    "removed",
)
_add(
    "request-parameter-sunset-removed",
    BRK,
    REQ,
    "A deprecated parameter's x-sunset date was dropped: the date clients planned for is withdrawn.",
)
_add(
    "request-parameter-sunset-invalid",
    BRK,
    REQ,
    "A deprecated parameter's x-sunset changed to or from a value that is not a date.",
)
_add(
    "request-parameter-became-array",
    INF,
    REQ,
    "A query/cookie parameter became a form-exploded array whose items accept every old value.",
)

# --- request bodies ------------------------------------------------------------------------
_add("request-body-added-required", BRK, REQ, "A required request body was added.", "body", "added")
_add(
    "request-body-added-optional", INF, REQ, "An optional request body was added.", "body", "added"
)
_add(
    "request-body-removed",
    BRK,
    REQ,
    "The request body was removed: clients that send one may be rejected.",
    "body",
    "removed",
)
_add(
    "request-body-media-type-schema-added",
    BRK,
    REQ,
    "A schema was given to a request media type that had none: bodies are now validated.",
)
_add(
    "request-body-media-type-schema-removed",
    INF,
    REQ,
    "The schema of a request media type was removed (anything is accepted).",
)
_add("request-body-became-required", BRK, REQ, "The request body became required.")
_add("request-body-became-optional", INF, REQ, "The request body became optional.")
_add(
    "request-body-media-type-added",
    INF,
    REQ,
    "A request media type was added.",
    "request-media-type",
    "added",
)
_add(
    "request-body-media-type-removed",
    BRK,
    REQ,
    "A request media type is no longer accepted.",
    "request-media-type",
    "removed",
)

# --- object structure (request body properties, incl. nested ones) --------------------------
_add(
    "request-required-property-added",
    BRK,
    REQ,
    "A new required request property.",
    "request-property",
    "added",
)
_add(
    "request-optional-property-added",
    INF,
    REQ,
    "A new optional request property.",
    "request-property",
    "added",
)
_add(
    "request-required-property-removed",
    WRN,
    REQ,
    "A required request property was removed.",
    "request-property",
    "removed",
)
_add(
    "request-optional-property-removed",
    WRN,
    REQ,
    "An optional request property was removed.",
    "request-property",
    "removed",
)
_add("request-property-became-required", BRK, REQ, "A request property became required.")
_add("request-property-became-optional", INF, REQ, "A request property became optional.")
_add(
    "request-property-became-read-only",
    WRN,
    REQ,
    "A request property became readOnly: values sent by clients are ignored.",
)
_add("request-property-became-writable", INF, REQ, "An optional request property is no longer readOnly.")
_add(
    "request-required-property-became-writable",
    BRK,
    REQ,
    "A required request property is no longer readOnly: clients that never sent it must now.",
)
_add(
    "request-property-additional-properties-tightened",
    BRK,
    REQ,
    "additionalProperties was restricted: extra keys clients send are rejected.",
)
_add(
    "request-property-additional-properties-loosened",
    INF,
    REQ,
    "additionalProperties was relaxed in a request.",
)

# --- object structure (response bodies) -------------------------------------------------------
_add(
    "response-required-property-added",
    INF,
    RESP,
    "A new required response property.",
    "response-property",
    "added",
)
_add(
    "response-optional-property-added",
    INF,
    RESP,
    "A new optional response property.",
    "response-property",
    "added",
)
_add(
    "response-required-property-removed",
    BRK,
    RESP,
    "A required response property was removed: clients rely on it.",
    "response-property",
    "removed",
)
_add(
    "response-optional-property-removed",
    WRN,
    RESP,
    "An optional response property was removed.",
    "response-property",
    "removed",
)
_add(
    "response-property-became-write-only",
    WRN,
    RESP,
    "A response property became writeOnly: it is no longer returned (oasdiff does not count this as breaking "
    "even for a required property, so neither do we; --fail-on warning catches it).",
)
_add("response-property-became-readable", INF, RESP, "A response property is no longer writeOnly: it is returned now.")
_add("response-property-became-required", INF, RESP, "A response property is now always present.")
_add(
    "response-property-became-optional",
    BRK,
    RESP,
    "A response property is no longer guaranteed to be present.",
)
_add(
    "response-property-additional-properties-loosened",
    WRN,
    RESP,
    "additionalProperties was relaxed in a response: clients may see unknown keys.",
)
_add(
    "response-property-additional-properties-tightened",
    INF,
    RESP,
    "additionalProperties was restricted in a response.",
)

# --- responses ------------------------------------------------------------------------------
_add("response-success-status-added", INF, RESP, "A new 2xx status code.", "status", "added")
_add(
    "response-non-success-status-added", INF, RESP, "A new non-2xx status code.", "status", "added"
)
_add(
    "response-success-status-removed",
    BRK,
    RESP,
    "A 2xx status code was removed.",
    "status",
    "removed",
)
_add(
    "response-non-success-status-removed",
    WRN,
    RESP,
    "A non-2xx status code was removed.",
    "status",
    "removed",
)
_add(
    "response-media-type-added",
    INF,
    RESP,
    "A response media type was added.",
    "response-media-type",
    "added",
)
_add(
    "response-media-type-removed",
    BRK,
    RESP,
    "A response media type is no longer returned.",
    "response-media-type",
    "removed",
)
_add(
    "response-media-type-schema-added",
    INF,
    RESP,
    "A schema was given to a response media type that had none (documents the body).",
)
_add(
    "response-media-type-schema-removed",
    WRN,
    RESP,
    "The schema of a response media type was removed: the body is no longer described.",
)
_add("response-header-added", INF, RESP, "A response header was added.", "header", "added")
_add(
    "response-required-header-removed",
    BRK,
    RESP,
    "A required response header was removed.",
    "header",
    "removed",
)
_add(
    "response-optional-header-removed",
    WRN,
    RESP,
    "An optional response header was removed.",
    "header",
    "removed",
)
_add("response-header-became-optional", BRK, RESP, "A response header is no longer guaranteed.")
_add("response-header-became-required", INF, RESP, "A response header is now always sent.")
_add("response-header-style-changed", WRN, RESP, "A response header's style changed: clients split its array or object another way.")
_add("response-header-explode-changed", WRN, RESP, "A response header's explode changed: clients split its object another way.")
_add("response-header-single-value-serialization-changed", INF, RESP,
     "A response header's style/explode changed where its value is a single one (the same text on the wire).")

# --- webhooks (OpenAPI 3.1) --------------------------------------------------------------
_add("webhook-added", INF, OP, "A webhook was added.", "webhook", "added")
_add(
    "webhook-removed",
    BRK,
    OP,
    "A webhook was removed: clients relying on its calls no longer get them.",
    "webhook",
    "removed",
)

# --- security -------------------------------------------------------------------------------
_add("security-added", BRK, SEC, "An unauthenticated operation now requires authentication.")
_add("security-removed", INF, SEC, "The operation no longer requires authentication.")
_add(
    "security-requirement-added",
    INF,
    SEC,
    "A new alternative security requirement.",
    "security-requirement",
    "added",
)
_add(
    "security-requirement-removed",
    BRK,
    SEC,
    "An alternative security requirement was removed: clients using it are rejected.",
    "security-requirement",
    "removed",
)
_add(
    "security-scope-added",
    BRK,
    SEC,
    "A requirement needs an extra OAuth scope.",
    "security-scope",
    "added",
)
_add(
    "security-scope-removed",
    INF,
    SEC,
    "A requirement needs one OAuth scope less.",
    "security-scope",
    "removed",
)
_add(
    "security-scheme-added", INF, SEC, "A security scheme was declared.", "security-scheme", "added"
)
_add(
    "security-scheme-removed",
    WRN,
    SEC,
    "A security scheme was removed.",
    "security-scheme",
    "removed",
)
_add(
    "security-scheme-type-changed",
    BRK,
    SEC,
    "A security scheme changed type/scheme/location: clients authenticate differently.",
)
_add("security-scheme-token-url-changed", WRN, SEC, "An OAuth2 token URL changed.")
_add("security-scheme-authorization-url-changed", WRN, SEC,
     "An OAuth2 authorization URL changed: clients configured with the old one send users elsewhere.")
_add("security-scheme-refresh-url-changed", WRN, SEC, "An OAuth2 refresh URL changed.")
_add("security-scheme-open-id-connect-url-changed", WRN, SEC,
     "An OpenID Connect discovery URL changed: clients configured with the old one find no provider.")
_add("security-scheme-bearer-format-changed", INF, SEC, "A bearer token's declared format changed (documentation).")
_add(
    "security-requirement-relaxed",
    INF,
    SEC,
    "An alternative was replaced by a weaker one (fewer schemes or scopes): its credentials still suffice.",
)

# --- schema keywords, per prefix ---------------------------------------------------------------
#: suffix -> (request-parameter, request-property, response-property severities, description).
#: ``None`` means the rule does not exist for that prefix.
SCHEMA_RULES: dict[str, tuple[Severity | None, Severity | None, Severity | None, str]] = {
    "type-changed": (BRK, BRK, BRK, "The type changed incompatibly."),
    "type-widened": (INF, INF, None, "The type accepts more values (e.g. integer -> number)."),
    "type-narrowed": (None, None, INF, "The type returns fewer kinds of values."),
    "type-compatible": (INF, INF, INF, "The type changed where values travel as text (parameters, "
                        "XML/form/text bodies): to string in a request, from string in a response."),
    "format-changed": (BRK, BRK, BRK, "The format changed from one value to another."),
    "format-generalized": (INF, INF, None, "The format widened (date -> date-time, int32 -> int64)."),
    "format-specialized": (None, None, INF, "The format narrowed (date-time -> date, int64 -> int32)."),
    "format-added": (BRK, BRK, INF, "A format was introduced (narrows the values)."),
    "format-removed": (INF, INF, BRK, "The format was dropped: any value of the type may come back."),
    "enum-value-removed": (BRK, BRK, INF, "Enum values were removed."),
    "enum-value-added": (INF, INF, WRN, "Enum values were added (clients may not handle them)."),
    "enum-added": (BRK, BRK, INF, "An enum constraint was introduced."),
    "enum-removed": (INF, INF, WRN, "The enum constraint was dropped."),
    "extensible-enum-value-removed": (BRK, BRK, INF, "x-extensible-enum values were removed."),
    "extensible-enum-value-added": (INF, INF, INF, "x-extensible-enum values were added "
                                    "(clients of an extensible enum expect new values)."),
    "const-added": (BRK, BRK, INF, "A const was introduced: one value only."),
    "const-removed": (INF, INF, BRK, "The const was dropped: any value may come back."),
    "const-changed": (BRK, BRK, BRK, "The const value changed."),
    "max-set": (WRN, WRN, INF, "maximum was set where there was none."),
    "max-decreased": (BRK, BRK, INF, "maximum decreased."),
    "max-increased": (INF, INF, BRK, "maximum increased or was removed."),
    "min-set": (WRN, WRN, INF, "minimum was set where there was none."),
    "min-increased": (BRK, BRK, INF, "minimum increased."),
    "min-decreased": (INF, INF, BRK, "minimum decreased or was removed."),
    "exclusive-max-set": (WRN, WRN, INF, "exclusiveMaximum was set where there was none."),
    "exclusive-max-decreased": (BRK, BRK, INF, "exclusiveMaximum decreased."),
    "exclusive-max-increased": (INF, INF, BRK, "exclusiveMaximum increased or was removed."),
    "exclusive-min-set": (WRN, WRN, INF, "exclusiveMinimum was set where there was none."),
    "exclusive-min-increased": (BRK, BRK, INF, "exclusiveMinimum increased."),
    "exclusive-min-decreased": (INF, INF, BRK, "exclusiveMinimum decreased or was removed."),
    "max-length-set": (WRN, WRN, INF, "maxLength was set where there was none."),
    "max-length-decreased": (BRK, BRK, INF, "maxLength decreased."),
    "max-length-increased": (INF, INF, BRK, "maxLength increased or was removed."),
    "min-length-set": (WRN, WRN, INF, "minLength was set where there was none."),
    "min-length-increased": (BRK, BRK, INF, "minLength increased."),
    "min-length-decreased": (INF, INF, BRK, "minLength decreased or was removed."),
    "max-items-set": (WRN, WRN, INF, "maxItems was set where there was none."),
    "max-items-decreased": (BRK, BRK, INF, "maxItems decreased."),
    "max-items-increased": (INF, INF, BRK, "maxItems increased or was removed."),
    "min-items-set": (WRN, WRN, INF, "minItems was set where there was none."),
    "min-items-increased": (BRK, BRK, INF, "minItems increased."),
    "min-items-decreased": (INF, INF, BRK, "minItems decreased or was removed."),
    "max-properties-set": (WRN, WRN, INF, "maxProperties was set where there was none."),
    "max-properties-decreased": (BRK, BRK, INF, "maxProperties decreased."),
    "max-properties-increased": (INF, INF, BRK, "maxProperties increased or was removed."),
    "min-properties-set": (WRN, WRN, INF, "minProperties was set where there was none."),
    "min-properties-increased": (BRK, BRK, INF, "minProperties increased."),
    "min-properties-decreased": (INF, INF, BRK, "minProperties decreased or was removed."),
    "max-contains-decreased": (BRK, BRK, INF, "maxContains decreased or was set."),
    "max-contains-increased": (INF, INF, BRK, "maxContains increased or was removed."),
    "min-contains-increased": (BRK, BRK, INF, "minContains increased."),
    "min-contains-decreased": (INF, INF, BRK, "minContains decreased."),
    "multiple-of-narrowed": (BRK, BRK, INF, "multipleOf was set, or changed to a multiple of itself."),
    "multiple-of-widened": (INF, INF, WRN, "multipleOf was removed, or changed to a divisor of itself."),
    "multiple-of-changed": (BRK, BRK, WRN, "multipleOf changed to an unrelated value."),
    "unique-items-added": (BRK, BRK, INF, "uniqueItems was set: duplicates are rejected."),
    "unique-items-removed": (INF, INF, WRN, "uniqueItems was dropped: duplicates may come back."),
    "pattern-added": (BRK, BRK, INF, "A pattern was added."),
    "pattern-changed": (BRK, BRK, INF, "The pattern changed: values the old one accepted may be refused."),
    "pattern-generalized": (INF, INF, INF, "The pattern changed to '.*' (matches anything)."),
    "pattern-removed": (INF, INF, WRN, "The pattern was removed."),
    "became-nullable": (INF, INF, BRK, "null is now allowed."),
    "became-not-nullable": (BRK, BRK, INF, "null is no longer allowed."),
    "default-value-added": (BRK, INF, INF, "A default value was added (omitting it now means it)."),
    "default-value-removed": (BRK, INF, INF, "The default value was removed."),
    "default-value-changed": (BRK, INF, INF, "The default value changed: omitting the value "
                              "now means something else."),
    "one-of-branch-added": (INF, INF, BRK, "A oneOf branch was added."),
    "one-of-branch-removed": (BRK, BRK, INF, "A oneOf branch was removed."),
    "any-of-branch-added": (INF, INF, INF, "An anyOf branch was added."),
    "any-of-branch-removed": (BRK, BRK, INF, "An anyOf branch was removed."),
    "one-of-added": (BRK, BRK, BRK, "A oneOf was added where there was none: values must match "
                     "exactly one branch, and responses come in the branches' shapes."),
    "one-of-removed": (INF, INF, WRN, "A oneOf was removed (the schema keeps its other constraints)."),
    "any-of-added": (BRK, BRK, BRK, "An anyOf was added where there was none: values must match "
                     "one of its branches, and responses come in their shapes."),
    "any-of-removed": (INF, INF, WRN, "An anyOf was removed (the schema keeps its other constraints)."),
    "all-of-added": (BRK, BRK, INF, "An allOf member was added (values must match it too)."),
    "all-of-removed": (WRN, WRN, INF, "An allOf member was removed."),
    "all-of-annotation-changed": (INF, INF, INF, "An allOf member that only annotates was added "
                                  "or removed."),
    "wrapped-in-one-of": (BRK, BRK, BRK, "The schema was wrapped into a oneOf: a payload may "
                          "match several branches (rejected) or come in new shapes."),
    "unwrapped-from-one-of": (WRN, WRN, WRN, "A oneOf was replaced by a single schema."),
    "not-added": (BRK, BRK, INF, "A 'not' exclusion was added."),
    "not-removed": (INF, INF, BRK, "A 'not' exclusion was removed."),
    "not-changed": (BRK, BRK, WRN, "The 'not' exclusion changed (it may now exclude values "
                    "that were valid)."),
    "if-added": (BRK, BRK, INF, "An 'if' condition was added."),
    "if-removed": (INF, INF, BRK, "An 'if' condition was removed."),
    "if-changed": (BRK, BRK, WRN, "The 'if' condition changed (other values now meet it)."),
    "then-added": (BRK, BRK, INF, "A 'then' subschema was added."),
    "then-removed": (INF, INF, BRK, "A 'then' subschema was removed."),
    "else-added": (BRK, BRK, INF, "An 'else' subschema was added."),
    "else-removed": (INF, INF, BRK, "An 'else' subschema was removed."),
    "contains-added": (BRK, BRK, INF, "contains was added: arrays must hold a matching item."),
    "contains-removed": (INF, INF, BRK, "contains was removed."),
    "prefix-items-added": (INF, INF, BRK, "prefixItems were added (positions get own schemas)."),
    "prefix-items-removed": (BRK, BRK, INF, "prefixItems were removed (items applies to all)."),
    "dependent-required-added": (BRK, BRK, INF, "A dependentRequired entry was added."),
    "dependent-required-removed": (INF, INF, BRK, "A dependentRequired entry was removed."),
    "dependent-required-changed": (BRK, BRK, BRK, "A dependentRequired entry changed."),
    "dependent-schema-added": (BRK, BRK, INF, "A dependentSchemas entry was added."),
    "dependent-schema-removed": (INF, INF, BRK, "A dependentSchemas entry was removed."),
    "property-names-added": (BRK, BRK, INF, "propertyNames was added (restricts keys)."),
    "property-names-removed": (INF, INF, BRK, "propertyNames was removed (any key)."),
    "pattern-property-added": (BRK, BRK, INF, "A patternProperties entry was added."),
    "pattern-property-removed": (INF, INF, BRK, "A patternProperties entry was removed."),
    "unevaluated-items-tightened": (BRK, BRK, INF, "unevaluatedItems was added or restricted."),
    "unevaluated-items-loosened": (INF, INF, BRK, "unevaluatedItems was removed or relaxed."),
    "unevaluated-properties-tightened": (BRK, BRK, INF, "unevaluatedProperties was added or "
                                         "restricted."),
    "unevaluated-properties-loosened": (INF, INF, BRK, "unevaluatedProperties was removed or "
                                        "relaxed."),
    "content-schema-added": (BRK, BRK, INF, "contentSchema was added."),
    "content-schema-removed": (INF, INF, BRK, "contentSchema was removed."),
    "content-encoding-changed": (BRK, BRK, BRK, "contentEncoding changed (set, removed or "
                                 "replaced)."),
    "content-media-type-changed": (BRK, BRK, BRK, "contentMediaType changed (set, removed or "
                                   "replaced)."),
    "discriminator-changed": (INF, INF, INF, "The discriminator changed (documentation)."),
    "unsupported-keyword": (WRN, WRN, WRN, "A schema keyword this tool does not compare yet "
                            "differs: review it by hand."),
}
SCHEMA_PREFIXES = ("request-parameter", "request-property", "response-property")

for _suffix, (*_sevs, _desc) in SCHEMA_RULES.items():
    for _prefix, _sev in zip(SCHEMA_PREFIXES, _sevs, strict=True):
        if _sev is not None:
            _add(
                f"{_prefix}-{_suffix}", _sev, RESP if _prefix.startswith("response") else REQ, _desc
            )


def has_rule(rule_id: str) -> bool:
    return rule_id in RULES
