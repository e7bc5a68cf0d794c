"""A second independent corpus: base/revision pairs and verdicts from openapi-diff's own tests.

``pairs.yaml`` (written by ``harvest.py`` from a clone of OpenAPITools/openapi-diff) lists each pair,
the verdict openapi-diff's tests assert for it (``unchanged``, ``compatible`` or ``breaking``) and the
tests that asserted it; the documents are under ``data/`` as in that repository's
``core/src/test/resources`` (Apache-2.0, see ``LICENSE`` and ``README.md`` here). Swagger 2.0 pairs
are not counted (the drift checker reads OpenAPI 3 only). ``EXCEPTIONS`` lists the pairs where our
verdict differs on purpose, with the reason. ``python -m tests.drift.openapi_diff_corpus`` prints the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from conformance.drift import Severity, compare, load_spec

HERE = Path(__file__).resolve().parent

# pair id -> why our verdict differs from openapi-diff's on purpose. openapi-diff calls every change in
# either direction of many keywords incompatible; we follow oasdiff's rule (a request may only widen, a
# response only narrow) and its severities, so a WARN or INFO here is reported, not counted as breaking.
_WIDER_REQUEST = "the request now accepts more (int32 -> int64): widening a request breaks no client (oasdiff: INFO)"
_NARROWER_RESPONSE = "the response now returns less: narrowing a response breaks no client (oasdiff: INFO)"
_CONFIG_URL = "an OAuth/OpenID Connect URL is configuration clients re-read: reported as WARN (security-scheme-*-url-changed)"
_DISCRIMINATOR = "a discriminator change is INFO, as oasdiff's *-discriminator-* rules rate it"
_SINGLE_VALUE = ("style/explode of a parameter or header whose value is a single string: the text on the wire is the "
                 "same, so INFO (*-single-value-serialization-changed); for arrays and objects it is breaking")
EXCEPTIONS: dict[str, str] = {
    "bc_enum_base.yaml -> bc_response_enum_increased.yaml":
        "a response enum value added is WARN, as oasdiff's response-property-enum-value-added",
    "bc_minlength_base.yaml -> bc_response_minlength_increased.yaml": _NARROWER_RESPONSE,
    "bc_minlength_base.yaml -> bc_response_minlength_changed_but_compatible.yaml":
        "a response minLength decreased (5 -> 3) widens what clients receive: breaking, as oasdiff's "
        "response-property-min-length-decreased",
    "bc_oauthflow_base.yaml -> bc_oauthflow_authorization_url_changed.yaml": _CONFIG_URL,
    "bc_oauthflow_base.yaml -> bc_oauthflow_refresh_url_changed.yaml": _CONFIG_URL,
    "bc_oauthflow_base.yaml -> bc_oauthflow_token_url_changed.yaml": _CONFIG_URL,
    "bc_security_scheme_base.yaml -> bc_security_scheme_open_id_connect_url_changed.yaml": _CONFIG_URL,
    "bc_security_scheme_base.yaml -> bc_security_scheme_bearer_format_changed.yaml":
        "bearerFormat documents the token's format; clients send the same token: INFO",
    "bc_readonly_base.yaml -> bc_request_readonly_increased.yaml":
        "a request property became readOnly: what clients send is ignored, not refused (WARN)",
    "bc_request_param_base.yaml -> bc_request_param_explode_changed.yaml": _SINGLE_VALUE,
    "bc_request_param_base.yaml -> bc_request_param_style_changed.yaml": _SINGLE_VALUE,
    "bc_response_header_base.yaml -> bc_response_header_explode_changed.yaml": _SINGLE_VALUE,
    "bc_request_params_base.yaml -> bc_request_params_decreased.yaml":
        "an optional request parameter removed is WARN, as oasdiff's request-parameter-removed",
    "bc_response_apiresponse_base.yaml -> bc_response_apiresponse_decreased.yaml":
        "an error status (400) no longer documented is WARN, as oasdiff's response-non-success-status-removed",
    "bc_response_header_base.yaml -> bc_response_header_required_increased.yaml":
        "a response header now always sent narrows the response: INFO",
    "bc_response_headers_base.yaml -> bc_response_headers_decreased.yaml":
        "an optional response header removed is WARN, as oasdiff's optional-response-header-removed",
    "bc_schema_base.yaml -> bc_request_schema_format_increased.yaml": _WIDER_REQUEST,
    "bc_schema_base.yaml -> bc_response_schema_format_decreased.yaml": _NARROWER_RESPONSE,
    "bc_schema_base.yaml -> bc_schema_discriminator_changed.yaml": _DISCRIMINATOR,
    "oneOf_discriminator-changed_1.yaml -> oneOf_discriminator-changed_2.yaml": _DISCRIMINATOR,
    "bc_schema_base.yaml -> bc_schema_max_properties_added.yaml":
        "maxProperties set where there was none is WARN in a request (oasdiff: request-property-max-properties-set)",
    "bc_schema_base.yaml -> bc_schema_min_properties_added.yaml":
        "minProperties set where there was none is WARN in a request, as maxProperties",
    "bc_writeonly_base.yaml -> bc_response_writeonly_increased.yaml":
        "a response property became writeOnly: WARN; oasdiff does not count it as breaking even when required",
    "bc_writeonly_base.yaml -> bc_response_writeonly_required_decreased.yaml":
        "a writeOnly response property is returned now: the response gains a property (INFO)",
}


@dataclass(frozen=True)
class Pair:
    id: str  # "base -> revision", names as in openapi-diff's test resources
    verdict: str  # unchanged | compatible | breaking
    tests: tuple[str, ...]
    base: Path
    revision: Path

    @property
    def breaking(self) -> bool:
        return self.verdict == "breaking"

    @property
    def swagger2(self) -> bool:
        return any(yaml.safe_load(path.read_text()).get("swagger") for path in (self.base, self.revision))


@cache
def pairs() -> tuple[Pair, ...]:
    entries = yaml.safe_load((HERE / "pairs.yaml").read_text())
    found = (Pair(f"{e['base']} -> {e['revision']}", e["verdict"], tuple(e["tests"]), HERE / "data" / e["base"],
                  HERE / "data" / e["revision"]) for e in entries)
    return tuple(pair for pair in found if not pair.swagger2)


def called_breaking(pair: Pair) -> bool:
    return compare(load_spec(pair.base), load_spec(pair.revision)).has_at_least(Severity.BREAKING)


def disagreements(corpus: tuple[Pair, ...] | None = None) -> list[Pair]:
    """The counted pairs (not documented exceptions) where our breaking verdict differs from openapi-diff's."""
    corpus = pairs() if corpus is None else corpus
    return [pair for pair in corpus if pair.id not in EXCEPTIONS and called_breaking(pair) != pair.breaking]
