"""The validation report of a deep-linking response: every rule, its verdict and why.

``deep_linking.py`` decides a response as Canvas does and stops at the first failure, with
Canvas's terse message ("JWT verification failure"). The inspector needs more: which rule the
response broke, and how every other rule fared. Each rule here is one registered function, named
for what it verifies; message rules look at the whole response, item rules at one content item
(``None`` when the rule does not apply to that item).

Rules Canvas enforces are ``fail`` when broken; rules of the LTI Deep Linking 2.0 specification
that Canvas lets through are ``warn`` (the response is accepted, but another platform may refuse it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..auth.tokens import ASSERTION_MAX_AGE, FUTURE_LEEWAY
from ..lazy_imports import LazyModule
from ..world import DeveloperKey
from .deep_linking import DATA_ABSENT, DATA_INVALID
from .id_token import DL_SETTINGS, LTI, PLACEMENT_CLAIM
from .placements import CREATES_ASSIGNMENTS
from .record import Check

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
CONTENT_ITEMS = DL + "content_items"
RESPONSE_TYPE = "LtiDeepLinkingResponse"
#: Properties a content item of each type must have (LTI Deep Linking 2.0 §3).
REQUIRED_PROPERTIES = {"link": ("url",), "file": ("url",), "image": ("url",), "html": ("html",), "ltiResourceLink": ()}
#: Item properties that ask for a presentation target.
TARGET_PROPERTIES = ("iframe", "window", "embed")
ABSOLUTE_URL = re.compile(r"^https?://[^\s/]+", re.I)


@dataclass(frozen=True)
class DeepLinkingResponse:
    """The tool's JWT as received, read without trusting it, beside the launch that asked for it."""

    token: str
    header: dict[str, Any] | None
    claims: dict[str, Any] | None
    key: DeveloperKey | None
    jwks: list[dict[str, Any]]
    issuer: str
    now: float
    #: The id_token claims of the deep-linking request (settings, deployment id), when known.
    request: dict[str, Any] | None
    #: How the return URL's ``data`` query parameter came back: valid, missing, invalid (None: not known).
    return_data: str | None = None

    @classmethod
    def read(cls, token: Any, *, key_for: Callable[[str], DeveloperKey | None],
             keys_for: Callable[[DeveloperKey, str | None], list[dict[str, Any]]], issuer: str, now: float,
             request: dict[str, Any] | None, return_data: str | None = None) -> DeepLinkingResponse:
        text = token if isinstance(token, str) else ""
        try:
            header = jwt.get_unverified_header(text)
            claims = jwt.decode(text, options={"verify_signature": False})
        except (jwt.PyJWTError, ValueError, TypeError):
            header = claims = None
        iss = claims.get("iss") if claims else None
        key = key_for(str(iss)) if isinstance(iss, str | int) and not isinstance(iss, bool) else None
        kid = header.get("kid") if header and isinstance(header.get("kid"), str) else None
        return cls(text, header, claims, key, keys_for(key, kid) if key is not None else [], issuer, now, request,
                   return_data)

    @property
    def settings(self) -> dict[str, Any]:
        found = (self.request or {}).get(DL_SETTINGS)
        return found if isinstance(found, dict) else {}

    def claim(self, name: str) -> Any:
        return (self.claims or {}).get(name)


MessageRule = Callable[[DeepLinkingResponse], Check]
ItemRule = Callable[[DeepLinkingResponse, dict[str, Any]], Check | None]
MESSAGE_RULES: list[MessageRule] = []
ITEM_RULES: list[ItemRule] = []


def unverified_claims(token: Any) -> dict[str, Any]:
    """A JWT's claims read without checking anything ({} when it is not one): to find its launch."""
    try:
        claims = jwt.decode(token if isinstance(token, str) else "", options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def message_rule(function: MessageRule) -> MessageRule:
    MESSAGE_RULES.append(function)
    return function


def item_rule(function: ItemRule) -> ItemRule:
    ITEM_RULES.append(function)
    return function


def report(response: DeepLinkingResponse) -> dict[str, Any]:
    """``{"checks": [...], "items": [{"index", "type", "title", "checks"}]}`` as JSON data."""
    checks = [rule(response).__dict__ for rule in MESSAGE_RULES]
    raw = response.claim(CONTENT_ITEMS)
    items = []
    for index, item in enumerate(raw if isinstance(raw, list) else [], 1):
        if not isinstance(item, dict):
            items.append({"index": index, "type": None, "title": None,
                          "checks": [Check("item", "fail", "not a JSON object").__dict__]})
            continue
        found = [c for rule in ITEM_RULES if (c := rule(response, item)) is not None]
        items.append({"index": index, "type": item.get("type"), "title": item.get("title"),
                      "checks": [c.__dict__ for c in found]})
    return {"checks": checks, "items": items}


# -- the JWT ----------------------------------------------------------------------------------------


@message_rule
def is_a_compact_jws(r: DeepLinkingResponse) -> Check:
    if r.claims is None:
        return Check("format", "fail", "not a compact JWS with a JSON header and payload: Canvas answers "
                                       "\"JWT format is invalid\"")
    return Check("format", "pass", "a compact JWS; header and payload decode to JSON objects")


@message_rule
def alg_is_rs256(r: DeepLinkingResponse) -> Check:
    alg = (r.header or {}).get("alg")
    if alg == "RS256":
        return Check("alg", "pass", "RS256")
    return Check("alg", "fail", f"must be RS256, got {alg!r}: Canvas answers \"JWT has unexpected alg\"")


@message_rule
def iss_is_the_tool_client_id(r: DeepLinkingResponse) -> Check:
    iss = r.claim("iss")
    if r.key is not None and r.key.workflow_state != "deleted":
        return Check("iss", "pass", f"{iss} is the client id of developer key {r.key.name!r}")
    return Check("iss", "fail", f"must be the tool's client id, got {iss!r}: Canvas answers \"Client not found\"")


@message_rule
def kid_names_a_tool_key(r: DeepLinkingResponse) -> Check:
    kid = (r.header or {}).get("kid")
    if r.key is None:
        return Check("kid", "fail", "no developer key to look the key up in (see iss)")
    kids = [k.get("kid") for k in r.jwks]
    where = f"the key set at {r.key.public_jwk_url}" if r.key.public_jwk_url else "the key's public JWK"
    if not kid:
        return Check("kid", "warn", f"no kid in the header: Canvas tries {where}, but a tool with several keys "
                                    "should name the one it used (LTI Security Framework §6.3)")
    if kid in kids:
        return Check("kid", "pass", f"{kid} is in {where}")
    known = ", ".join(str(k) for k in kids if k) or "no kid"
    return Check("kid", "warn", f"{kid} is not in {where} ({known}); Canvas tries its keys anyway")


@message_rule
def signature_verifies_with_the_tool_key(r: DeepLinkingResponse) -> Check:
    if r.key is None or r.claims is None:
        return Check("signature", "fail", "not checked: no developer key (see iss) or no JWS (see format)")
    if not r.jwks:
        return Check("signature", "fail", "the developer key has no public JWK, and no key set could be fetched: "
                                          "Canvas answers \"JWT verification failure\"")
    for jwk in r.jwks:
        try:
            jwt.decode(r.token, jwt.PyJWK(jwk, algorithm="RS256").key, algorithms=["RS256"],
                       options={"verify_exp": False, "verify_iat": False, "verify_aud": False, "verify_nbf": False,
                                "verify_iss": False, "verify_sub": False, "verify_jti": False})
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue
        return Check("signature", "pass", f"verifies with the tool's key {jwk.get('kid') or '(no kid)'}")
    return Check("signature", "fail", "does not verify with any of the tool's keys: Canvas answers "
                                      "\"JWT verification failure\"")


@message_rule
def aud_is_the_platform_issuer(r: DeepLinkingResponse) -> Check:
    aud = r.claim("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if r.issuer in map(str, audiences):
        return Check("aud", "pass", f"contains the platform's issuer {r.issuer}")
    return Check("aud", "fail", f"must contain the platform's issuer {r.issuer}, got {aud!r}: "
                                "Canvas answers \"the 'aud' is invalid\"")


@message_rule
def nonce_is_present(r: DeepLinkingResponse) -> Check:
    if r.claim("nonce") not in (None, ""):
        return Check("nonce", "pass", "present (Canvas reads it as the JWT's jti)")
    return Check("nonce", "fail", "missing: Canvas requires it (as jti) and answers \"the following assertions "
                                  "are missing: jti\"")


@message_rule
def iat_is_recent(r: DeepLinkingResponse) -> Check:
    iat = r.claim("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        return Check("iat", "fail", f"must be a number of seconds, got {iat!r}")
    age = r.now - iat
    if age > ASSERTION_MAX_AGE:
        return Check("iat", "fail", f"{age:.0f} seconds old; Canvas accepts at most {ASSERTION_MAX_AGE}")
    if age < -FUTURE_LEEWAY:
        return Check("iat", "fail", f"{-age:.0f} seconds in the future; Canvas allows {FUTURE_LEEWAY}")
    return Check("iat", "pass", f"issued {max(age, 0):.0f} seconds ago (mock clock)")


@message_rule
def exp_is_in_the_future(r: DeepLinkingResponse) -> Check:
    exp = r.claim("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        return Check("exp", "fail", f"must be a number of seconds, got {exp!r}")
    if exp <= r.now:
        return Check("exp", "fail", f"expired {r.now - exp:.0f} seconds ago (mock clock): Canvas answers "
                                    "\"the JWT has expired\"")
    return Check("exp", "pass", f"expires in {exp - r.now:.0f} seconds")


@message_rule
def deployment_id_is_the_launch_deployment(r: DeepLinkingResponse) -> Check:
    sent = (r.request or {}).get(LTI + "deployment_id")
    got = r.claim(LTI + "deployment_id")
    if sent is None:
        return Check("deployment_id", "warn", "the launch that asked for this response is unknown; not compared")
    if got == sent:
        return Check("deployment_id", "pass", f"{got}, as in the request")
    return Check("deployment_id", "warn", f"must be the request's {sent} (LTI Deep Linking 2.0 §4.2), got {got!r}; "
                                          "Canvas does not check it")


@message_rule
def message_type_is_deep_linking_response(r: DeepLinkingResponse) -> Check:
    got = r.claim(LTI + "message_type")
    if got == RESPONSE_TYPE:
        return Check("message_type", "pass", RESPONSE_TYPE)
    return Check("message_type", "warn", f"must be {RESPONSE_TYPE}, got {got!r}; Canvas does not check it")


@message_rule
def version_is_1_3_0(r: DeepLinkingResponse) -> Check:
    got = r.claim(LTI + "version")
    if got == "1.3.0":
        return Check("version", "pass", "1.3.0")
    return Check("version", "warn", f"must be 1.3.0, got {got!r}; Canvas does not check it")


@message_rule
def data_is_echoed(r: DeepLinkingResponse) -> Check:
    sent, got = r.settings.get("data"), r.claim(DL + "data")
    if sent is None:
        if got is None:
            return Check("data", "pass", "Canvas sent no data claim (its own data travels in the return URL); "
                                         "none came back")
        return Check("data", "warn", "Canvas sent no data claim, yet the response has one; it is ignored")
    if got == sent:
        return Check("data", "pass", "the request's data, echoed unchanged")
    return Check("data", "fail", "must echo the request's data claim unchanged (LTI Deep Linking 2.0 §4.4.7)")


@message_rule
def return_url_data_is_canvas_own(r: DeepLinkingResponse) -> Check:
    """Canvas's own ``data`` travels in the ``deep_link_return_url`` query (it sends no data claim):
    a tool must post to that URL exactly as given."""
    if r.return_data in (None, "valid"):
        return Check("return_url_data", "pass", "the return URL's data parameter came back as Canvas sent it")
    if r.return_data == "missing":
        return Check("return_url_data", "fail", "the response was posted to the return URL without its data query "
                     "parameter: post to deep_link_return_url exactly as the request gave it, query included; Canvas "
                     f'answers {{"errors": {{"data": ["{DATA_ABSENT}"]}}}}')
    return Check("return_url_data", "fail", "the return URL's data query parameter is not the one Canvas sent for this "
                 "course (changed, or expired: Canvas signs it and it lasts as long as the launch); Canvas answers "
                 f'{{"errors": {{"data": ["{DATA_INVALID}"]}}}}')


@message_rule
def content_items_is_an_array(r: DeepLinkingResponse) -> Check:
    items = r.claim(CONTENT_ITEMS)
    if items is None:
        return Check("content_items", "pass", "absent: nothing selected (Canvas treats it as an empty list)")
    if isinstance(items, list) and all(isinstance(i, dict) and isinstance(i.get("type"), str) for i in items):
        return Check("content_items", "pass", f"{len(items)} item(s)")
    return Check("content_items", "fail", "must be an array of objects, each with a type: Canvas refuses the response")


@message_rule
def item_count_respects_accept_multiple(r: DeepLinkingResponse) -> Check:
    items = r.claim(CONTENT_ITEMS)
    count = len(items) if isinstance(items, list) else 0
    if r.settings.get("accept_multiple") is False and count > 1:
        return Check("accept_multiple", "warn", f"the request said accept_multiple=false, yet {count} items came back")
    return Check("accept_multiple", "pass", f"{count} item(s); accept_multiple={r.settings.get('accept_multiple')}")


# -- each content item ------------------------------------------------------------------------------


@item_rule
def type_is_accepted(r: DeepLinkingResponse, item: dict[str, Any]) -> Check:
    accepted = r.settings.get("accept_types") or []
    kind = item.get("type")
    if not accepted:
        return Check("type", "pass", f"{kind} (the request's accept_types are unknown)")
    if kind in accepted:
        return Check("type", "pass", f"{kind} is one of the request's accept_types")
    return Check("type", "warn", f"{kind!r} is not one of the request's accept_types ({', '.join(accepted)})")


@item_rule
def required_properties_are_present(r: DeepLinkingResponse, item: dict[str, Any]) -> Check | None:
    required = REQUIRED_PROPERTIES.get(str(item.get("type")))
    if required is None:
        return Check("properties", "warn", f"{item.get('type')!r} is not a content item type of LTI Deep Linking 2.0")
    missing = [name for name in required if not isinstance(item.get(name), str) or not item[name]]
    if missing:
        return Check("properties", "fail", f"a {item['type']} item needs {', '.join(missing)}")
    return None if not required else Check("properties", "pass", f"has {', '.join(required)}")


@item_rule
def url_is_absolute(r: DeepLinkingResponse, item: dict[str, Any]) -> Check | None:
    url = item.get("url")
    if url is None:
        return None
    if isinstance(url, str) and ABSOLUTE_URL.match(url):
        return Check("url", "pass", url)
    return Check("url", "fail", f"must be an absolute http(s) URL, got {url!r}")


@item_rule
def texts_are_strings(r: DeepLinkingResponse, item: dict[str, Any]) -> Check | None:
    wrong = [name for name in ("title", "text", "html") if name in item and not isinstance(item[name], str)]
    if wrong:
        return Check("title/text", "fail", f"{', '.join(wrong)} must be text: Canvas refuses the response")
    return None


@item_rule
def custom_is_strings(r: DeepLinkingResponse, item: dict[str, Any]) -> Check | None:
    custom = item.get("custom")
    if custom is None:
        return None
    if isinstance(custom, dict) and all(isinstance(v, str) for v in custom.values()):
        return Check("custom", "pass", f"{len(custom)} parameter(s), all text")
    if isinstance(custom, dict) and all(isinstance(v, str | int | float | bool) for v in custom.values()):
        return Check("custom", "warn", "values must be strings (LTI Deep Linking 2.0 §3.1); Canvas turns them into text")
    return Check("custom", "fail", "must be an object of strings: Canvas refuses the response")


@item_rule
def presentation_target_is_accepted(r: DeepLinkingResponse, item: dict[str, Any]) -> Check | None:
    asked = [name for name in TARGET_PROPERTIES if name in item]
    if not asked:
        return None
    accepted = r.settings.get("accept_presentation_document_targets") or []
    refused = [name for name in asked if accepted and name not in accepted]
    if refused:
        return Check("presentation", "warn", f"{', '.join(refused)} is not one of the request's "
                                             f"accept_presentation_document_targets ({', '.join(accepted)})")
    return Check("presentation", "pass", f"{', '.join(asked)} accepted")


@item_rule
def line_item_is_valid(r: DeepLinkingResponse, item: dict[str, Any]) -> Check | None:
    line_item = item.get("lineItem")
    if line_item is None:
        return None
    maximum = line_item.get("scoreMaximum") if isinstance(line_item, dict) else None
    if isinstance(maximum, bool) or not isinstance(maximum, int | float) or maximum < 0:
        return Check("lineItem", "fail", "lineItem.scoreMaximum must be a non-negative number: Canvas refuses the response")
    placement = (r.request or {}).get(PLACEMENT_CLAIM)
    if item.get("type") != "ltiResourceLink":
        return Check("lineItem", "warn", "only an ltiResourceLink item's lineItem creates an assignment")
    if placement not in CREATES_ASSIGNMENTS:
        return Check("lineItem", "warn", f"ignored: launches from {placement} do not create assignments "
                                         f"({', '.join(sorted(CREATES_ASSIGNMENTS))} do)")
    return Check("lineItem", "pass", f"creates an assignment worth {maximum:g} points")
