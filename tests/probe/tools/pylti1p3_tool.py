"""A tool built on pylti1p3 2.0's Flask adapter as the library documents it, and the same tool
with the fixes a vendor makes after reading the probe's report (:class:`Fixes`).

The documented set-up: ``FlaskOIDCLogin(...).redirect(target_link_uri)`` at login,
``FlaskMessageLaunch(...).get_launch_data()`` at launch, the library's defaults (Flask session
storage, the JWKS fetched at each launch), its ``LtiException`` answered 400 and nothing else
caught, its ``DeepLink`` helper for deep linking. ``cache_storage`` swaps in the launch data
storage its README recommends where cookies are unreliable (``FlaskCacheDataStorage``, over a
dict standing in for Flask-Caching's simple cache). Every fix goes through the library's own
extension points (``MessageLaunch``'s ``validate_*`` steps, ``set_jwt_verify_options``, Flask's
config), so each weakened variant of the fixed tool is one real-world mistake.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from flask import Flask, make_response, request, url_for
from pylti1p3.contrib.flask import FlaskCacheDataStorage, FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.tool_config import ToolConfDict
from werkzeug.exceptions import HTTPException

from .serving import LAUNCHED, LTI

#: The fixed tool's age limit for an id_token (Canvas's own for deep linking responses).
MAX_AGE = 300


@dataclasses.dataclass(frozen=True)
class Fixes:
    """What is added to the documented set-up; ``skip_signature`` is the one weakening."""

    consume_nonce: bool = False  # a nonce launches once (a server-side record of used ones)
    single_use_state: bool = False  # a state launches once, and only with its cookie (no re-post by id_token hash)
    check_azp: bool = False  # azp present with several audiences, and naming this client when present
    require_claims: bool = False  # exp and iat required, iat at most MAX_AGE old, target_link_uri = this launch URL
    catch_errors: bool = False  # the library's plain Exception (unknown iss or client id) answered 400, not 500
    size_limit: bool = False  # MAX_CONTENT_LENGTH: Werkzeug answers 413 before anything is parsed
    own_target_only: bool = False  # the login refuses a target_link_uri that is not this tool's launch URL
    skip_signature: bool = False  # validate_jwt_signature does nothing ("for testing", left in)


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

    def __init__(self, tool_conf: ToolConfDict, fixes: Fixes, used: _Used, storage: FlaskCacheDataStorage | None) -> None:
        super().__init__(FlaskRequest(), tool_conf, launch_data_storage=storage)
        self.fixes, self.used = fixes, used
        if fixes.require_claims:
            self.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})

    def validate_state(self) -> _Launch:
        if not self.fixes.single_use_state:
            return super().validate_state()
        state = self._get_request_param("state")
        if not state or self._cookie_service.get_cookie(state) != state:
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
        return self if self.fixes.skip_signature else super().validate_jwt_signature()

    def validate_message(self) -> _Launch:
        super().validate_message()
        if self.fixes.require_claims:
            body = self._get_jwt_body()
            iat = body.get("iat")
            if isinstance(iat, int | float) and time.time() - iat > MAX_AGE:
                raise LtiException(f"id_token issued more than {MAX_AGE} s ago (iat)")
            if body.get(LTI + "target_link_uri") != request.base_url:
                raise LtiException("target_link_uri is not this launch URL")
        return self


def _tool_conf(config: dict[str, Any], tool: dict[str, Any], public_jwk: dict[str, Any]) -> ToolConfDict:
    settings = {config["issuer"]: [{
        "default": True, "client_id": tool["client_id"], "auth_login_url": config["authorize_url"],
        "auth_token_url": config["token_url"], "key_set_url": config["jwks_url"], "key_set": None,
        "deployment_ids": [tool["deployment_id"]],
    }]}
    tool_conf = ToolConfDict(settings)
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
    tool_conf, used = _tool_conf(config, tool, public_jwk), _Used()
    cache = _Cache() if cache_storage else None

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
        return make_response(f"LTI {step} refused: {exc}", 400)

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        flask_request = FlaskRequest()
        target = flask_request.get_param("target_link_uri")
        if fixes.own_target_only and target != url_for("launch", _external=True):
            return make_response("LTI login refused: target_link_uri is not this tool's launch URL", 400)
        try:
            login = FlaskOIDCLogin(flask_request, tool_conf, launch_data_storage=storage())
            return (login.enable_check_cookies() if check_cookies else login).redirect(target, js_redirect=js_redirect)
        except Exception as exc:
            return refused(exc, "login", ())  # documented: nothing caught at login

    @app.route("/launch", methods=["POST"])
    def launch() -> Any:
        message_launch = _Launch(tool_conf, fixes, used, storage())
        try:
            data = message_launch.get_launch_data()
        except Exception as exc:
            return refused(exc, "launch", (LtiException,))
        if message_launch.is_deep_link_launch():
            resource = DeepLinkResource().set_url(f"{request.host_url}item/1").set_title("Probe item")
            return make_response(message_launch.get_deep_link().output_response_form([resource]))
        return make_response(f"{LAUNCHED}: {data['sub']}")

    return app
