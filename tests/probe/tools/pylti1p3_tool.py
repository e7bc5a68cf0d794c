"""A tool built on pylti1p3 2.0's Flask adapter as the library documents it, and the same tool
with the fixes a vendor makes after reading the probe's report (:class:`Fixes`).

The documented set-up: ``FlaskOIDCLogin(...).redirect(target_link_uri)`` at login,
``FlaskMessageLaunch(...).get_launch_data()`` at launch, the library's defaults (Flask session
storage, the JWKS fetched at each launch), its ``LtiException`` answered 400 and nothing else
caught, its ``DeepLink`` helper for deep linking. ``cache_storage`` swaps in the launch data
storage its README recommends where cookies are unreliable (``FlaskCacheDataStorage``, over a
dict standing in for Flask-Caching's simple cache). Every fix goes through the library's own
extension points (``MessageLaunch``'s ``validate_*`` steps, ``set_jwt_verify_options``, Flask's
config), and so does every weakening (:data:`WEAKENINGS`, switched on by name in ``Fixes.weak``):
each weakened variant of the fixed tool is one real-world mistake.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from flask import Flask, make_response, redirect, request, url_for
from jwcrypto.jwk import JWK
from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.message_validators.deep_link import DeepLinkMessageValidator
from pylti1p3.message_validators.resource_message import ResourceMessageValidator
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfDict
from werkzeug.exceptions import HTTPException

from .serving import LAUNCHED, LTI

#: The fixed tool's age limit for an id_token (Canvas's own for deep linking responses).
MAX_AGE = 300

#: One-line weakenings a real deployment could plausibly have, by name (``Fixes.weak``); each is
#: written where it belongs below, through the same extension points as the fixes.
WEAKENINGS = {
    "skip_signature": "validate_jwt_signature does nothing ('for testing', left in)",
    "exp_unchecked": "PyJWT's verify_exp switched off (set_jwt_verify_options), say to live with clock drift",
    "nbf_unchecked": "PyJWT's verify_nbf switched off",
    "aud_unread": "get_client_id returns the client id the tool is configured with, not the token's aud",
    "any_issuer": "the tool config looks every iss up as the one platform it knows (a single-platform tool)",
    "first_jwks_key": "the JWKS's first key verifies, whatever the header's kid (and alg)",
    "header_alg": "the key is found by kid alone and the header's alg is trusted (algorithms=[header alg])",
    "jku_followed": "a jku in the header replaces the registration's key set URL",
    "jwks_cached": "the platform's JWKS cached for two hours (set_public_key_caching, the library's own option)",
    "state_cookie_unchecked": "the state is used once, but never compared with its cookie",
    "lax_login": "the login falls back to the configured registration for an unknown iss or client_id",
    "target_followed": "the login keeps its target_link_uri (pass_params_to_launch) and the launch redirects "
                       "there, unchecked",
    "deployment_unchecked": "validate_deployment skipped",
    "message_type_unchecked": "every message validated as a resource link launch (or deep linking, by type)",
    "errors_as_200": "a refusal answered 200 with its error text, not 4xx",
}


@dataclasses.dataclass(frozen=True)
class Fixes:
    """What is added to the documented set-up, and what is taken away (``weak``)."""

    consume_nonce: bool = False  # a nonce launches once (a server-side record of used ones)
    single_use_state: bool = False  # a state launches once, and only with its cookie (no re-post by id_token hash)
    check_azp: bool = False  # azp present with several audiences, and naming this client when present
    require_claims: bool = False  # exp and iat required, iat at most MAX_AGE old, target_link_uri = this launch URL
    catch_errors: bool = False  # the library's plain Exception (unknown iss or client id) answered 400, not 500
    size_limit: bool = False  # MAX_CONTENT_LENGTH: Werkzeug answers 413 before anything is parsed
    own_target_only: bool = False  # the login refuses a target_link_uri that is not this tool's launch URL
    weak: frozenset[str] = frozenset()  # names from WEAKENINGS

    def __post_init__(self) -> None:
        assert self.weak <= WEAKENINGS.keys(), self.weak - WEAKENINGS.keys()

    def weakened(self, *names: str) -> Fixes:
        return dataclasses.replace(self, weak=self.weak | set(names))


DOCUMENTED = Fixes()
FIXED = Fixes(consume_nonce=True, single_use_state=True, check_azp=True, require_claims=True, catch_errors=True,
              size_limit=True, own_target_only=True)


class _Used:
    """Values seen once, server-side (a Flask session is a cookie the client could send again)."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def first_time(self, kind: str, value: str) -> bool:
        with self._lock:
            if (kind, value) in self._seen:
                return False
            self._seen.add((kind, value))
            return True


class _Cache:
    """The ``get``/``set`` Flask-Caching's cache offers pylti1p3 (expiry ignored: a test lives seconds)."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        return self._values.get(key)

    def set(self, key: str, value: Any, exp: int | None = None) -> None:
        self._values[key] = value


class _Launch(FlaskMessageLaunch):
    """``FlaskMessageLaunch`` with the fixes switched on, each in the validation step it belongs to."""

    def __init__(self, tool_conf: ToolConfDict, fixes: Fixes, used: _Used, storage: FlaskCacheDataStorage | None,
                 client_id: str) -> None:
        super().__init__(FlaskRequest(), tool_conf, launch_data_storage=storage)
        self.fixes, self.used, self.weak, self.own_client_id = fixes, used, fixes.weak, client_id
        options: dict[str, Any] = {"verify_aud": False}  # the library's own
        if fixes.require_claims:
            options["require"] = ["exp", "iat"]
        options |= {"verify_exp": False} if "exp_unchecked" in self.weak else {}
        options |= {"verify_nbf": False} if "nbf_unchecked" in self.weak else {}
        self.set_jwt_verify_options(options)

    def get_client_id(self) -> str:
        return self.own_client_id if "aud_unread" in self.weak else super().get_client_id()

    def get_public_key(self) -> tuple[str, str]:
        header = self._jwt.get("header", {})
        assert self._registration is not None
        if "jku_followed" in self.weak and header.get("jku"):
            self._registration.set_key_set(self.fetch_public_key(header["jku"]))
        if not {"first_jwks_key", "header_alg"} & self.weak:
            return super().get_public_key()
        keys = self.fetch_public_key(self._registration.get_key_set_url() or "")["keys"]
        if "first_jwks_key" in self.weak:
            return JWK.from_json(json.dumps(keys[0])).export_to_pem(), keys[0].get("alg", "RS256")
        key = next((k for k in keys if k.get("kid") == header.get("kid")), None)
        if key is None:
            raise LtiException("Unable to find public key")
        return JWK.from_json(json.dumps(key)).export_to_pem(), header.get("alg")

    def validate_state(self) -> _Launch:
        if not self.fixes.single_use_state:
            return super().validate_state()
        state = self._get_request_param("state")
        if not state or ("state_cookie_unchecked" not in self.weak and self._cookie_service.get_cookie(state) != state):
            raise LtiException("State not found")
        if not self.used.first_time("state", state):
            raise LtiException("State already used")
        return self

    def validate_nonce(self) -> _Launch:
        super().validate_nonce()
        if self.fixes.consume_nonce and not self.used.first_time("nonce", self._get_jwt_body()["nonce"]):
            raise LtiException("Nonce already used")
        return self

    def validate_registration(self) -> _Launch:
        super().validate_registration()
        if self.fixes.check_azp:
            body = self._get_jwt_body()
            aud, azp = body.get("aud"), body.get("azp")
            if isinstance(aud, list) and len(aud) > 1 and azp is None:
                raise LtiException("azp is required when aud names several clients")
            if azp is not None and azp != self.get_client_id():
                raise LtiException("azp is not this tool's client id")
        return self

    def validate_jwt_signature(self) -> _Launch:
        return self if "skip_signature" in self.weak else super().validate_jwt_signature()

    def validate_deployment(self) -> _Launch:
        return self if "deployment_unchecked" in self.weak else super().validate_deployment()

    def validate_message(self) -> _Launch:
        if "message_type_unchecked" in self.weak:
            body = self._get_jwt_body()
            deep = body.get(LTI + "message_type") == "LtiDeepLinkingRequest"
            (DeepLinkMessageValidator() if deep else ResourceMessageValidator()).validate(body)
        else:
            super().validate_message()
        if self.fixes.require_claims:
            body = self._get_jwt_body()
            iat = body.get("iat")
            if isinstance(iat, int | float) and time.time() - iat > MAX_AGE:
                raise LtiException(f"id_token issued more than {MAX_AGE} s ago (iat)")
            if body.get(LTI + "target_link_uri") != request.base_url:
                raise LtiException("target_link_uri is not this launch URL")
        return self


class _OneIssuer(ToolConfDict):
    """``any_issuer``: every iss is looked up as the one platform the tool knows."""

    def __init__(self, settings: dict[str, Any], issuer: str) -> None:
        super().__init__(settings)
        self.issuer = issuer

    def get_iss_config(self, iss: str, client_id: str | None = None) -> Any:
        return super().get_iss_config(self.issuer, client_id)


class _Login(FlaskOIDCLogin):
    """``lax_login``: an unknown iss or client_id at login falls back to the configured registration."""

    def __init__(self, tool_conf: ToolConfDict, storage: FlaskCacheDataStorage | None, issuer: str, client_id: str,
                 lax: bool) -> None:
        super().__init__(FlaskRequest(), tool_conf, launch_data_storage=storage)
        self.fallback = (issuer, client_id) if lax else None

    def validate_oidc_login(self) -> Registration:
        try:
            return super().validate_oidc_login()
        except Exception:
            if self.fallback is None:
                raise
            return self._tool_config.find_registration_by_params(*self.fallback)


def _tool_conf(config: dict[str, Any], tool: dict[str, Any], public_jwk: dict[str, Any], weak: frozenset[str]
               ) -> ToolConfDict:
    settings = {config["issuer"]: [{
        "default": True, "client_id": tool["client_id"], "auth_login_url": config["authorize_url"],
        "auth_token_url": config["token_url"], "key_set_url": config["jwks_url"], "key_set": None,
        "deployment_ids": [tool["deployment_id"]],
    }]}
    tool_conf = _OneIssuer(settings, config["issuer"]) if "any_issuer" in weak else ToolConfDict(settings)
    tool_conf.set_private_key(config["issuer"], tool["private_key_pem"], client_id=tool["client_id"])
    public_pem = jwt.PyJWK(public_jwk).key.public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    tool_conf.set_public_key(config["issuer"], public_pem.decode(), client_id=tool["client_id"])
    return tool_conf


def pylti1p3_tool(config: dict[str, Any], tool: dict[str, Any], public_jwk: dict[str, Any], *,
                  fixes: Fixes = DOCUMENTED, js_redirect: bool = False, cache_storage: bool = False,
                  check_cookies: bool = False) -> Flask:
    """``config`` is the mock's ``/__mock__/config``, ``tool`` its entry for the developer key;
    ``js_redirect`` makes the login answer a page that redirects by script, ``check_cookies`` one
    that first checks the browser keeps cookies (``enable_check_cookies()``, as pylti1p3's Flask
    example does) — both the library's options."""
    tool_conf, used, weak = _tool_conf(config, tool, public_jwk, fixes.weak), _Used(), fixes.weak
    cache = _Cache() if cache_storage else None
    key_cache = FlaskCacheDataStorage(_Cache())  # jwks_cached: one key set cache for the tool's life

    def storage() -> FlaskCacheDataStorage | None:
        return FlaskCacheDataStorage(cache) if cache is not None else None

    app = Flask("pylti1p3-tool")
    app.secret_key = secrets.token_hex(16)
    if fixes.size_limit:
        app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

    def refused(exc: Exception, step: str, caught: tuple[type[Exception], ...]) -> Any:
        """The documented set-up answers ``caught`` with 400 and lets anything else become a 500."""
        if isinstance(exc, HTTPException) or not (isinstance(exc, caught) or fixes.catch_errors):
            raise exc
        return make_response(f"LTI {step} refused: {exc}", 200 if "errors_as_200" in weak else 400)

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        target = FlaskRequest().get_param("target_link_uri")
        follow = "target_followed" in weak  # the launch goes to the tool's own URL, then on to the target
        if fixes.own_target_only and not follow and target != url_for("launch", _external=True):
            return refused(LtiException("target_link_uri is not this tool's launch URL"), "login", (LtiException,))
        try:
            login = _Login(tool_conf, storage(), config["issuer"], tool["client_id"], "lax_login" in weak)
            if follow:
                login.pass_params_to_launch({"target": target})
            return (login.enable_check_cookies() if check_cookies else login).redirect(
                url_for("launch", _external=True) if follow else target, js_redirect=js_redirect)
        except Exception as exc:
            return refused(exc, "login", ())  # documented: nothing caught at login

    @app.route("/launch", methods=["POST"])
    def launch() -> Any:
        message_launch = _Launch(tool_conf, fixes, used, storage(), tool["client_id"])
        if "jwks_cached" in weak:
            message_launch.set_public_key_caching(key_cache, cache_lifetime=7200)
        try:
            data = message_launch.get_launch_data()
        except Exception as exc:
            return refused(exc, "launch", (LtiException,))
        if message_launch.is_deep_link_launch():
            resource = DeepLinkResource().set_url(f"{request.host_url}item/1").set_title("Probe item")
            return make_response(message_launch.get_deep_link().output_response_form([resource]))
        target = (message_launch.get_params_from_login() or {}).get("target") if "target_followed" in weak else None
        if target and target != request.base_url:
            return redirect(target)
        return make_response(f"{LAUNCHED}: {data['sub']}")

    return app
