"""A tool that validates everything the probe tries, written out check by check: what passing
every case at every severity takes, and the yardstick that no case refuses a correct tool.

Login: the issuer, client id and target_link_uri must be its own. Launch, in order: a 64 KiB
body limit (413 before anything is parsed), the state against its cookie and once only, the
header (RS256 exactly, a plain kid, no key or key URL of its own), the signature with the
platform's JWKS key (refetched on an unknown kid), iss, aud (this client alone) and azp, exp,
iat and nbf (iat at most five minutes old), the nonce this login sent, then the LTI claims.

``mistakes`` switches on classic JOSE key-selection mistakes (:mod:`.key_mistakes`) one by one,
to show each forgery case caught by exactly the mistake it targets.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from typing import Any

import jwt
from flask import Flask, make_response, redirect, request, url_for

from tests import net

from .key_mistakes import signature_ok
from .serving import LAUNCHED, LTI, authorize_url, deep_link_response

MAX_AGE = 300
KID = re.compile(r"[A-Za-z0-9._-]{1,128}")
MESSAGE_TYPES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")


class Refused(Exception):
    """A launch or login the tool refuses: 400 with the reason."""


class _Logins:
    """Logins under way, server-side: state -> nonce, each taken once."""

    def __init__(self) -> None:
        self._pending: dict[str, str] = {}
        self._lock = threading.Lock()

    def begin(self) -> tuple[str, str]:
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        with self._lock:
            self._pending[state] = nonce
        return state, nonce

    def finish(self, state: str) -> str:
        with self._lock:
            nonce = self._pending.pop(state, None)
        if nonce is None:
            raise Refused("unknown or already used state")
        return nonce


def strict_tool(config: dict[str, Any], tool: dict[str, Any], *, mistakes: frozenset[str] = frozenset()) -> Flask:
    issuer, client_id = config["issuer"], tool["client_id"]
    jwks = jwt.PyJWKClient(config["jwks_url"], cache_keys=True, cooldown_duration=0, timeout=600)
    logins = _Logins()
    app = Flask("strict-tool")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

    @app.errorhandler(Refused)
    def refused(exc: Refused) -> Any:
        return make_response(f"refused: {exc}", 400)

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        params = {**request.args, **request.form}
        if params.get("iss") != issuer:
            raise Refused("unknown issuer")
        if params.get("client_id", client_id) != client_id:
            raise Refused("unknown client_id")
        if params.get("target_link_uri") != url_for("launch", _external=True) or not params.get("login_hint"):
            raise Refused("target_link_uri is not this tool's launch URL")
        state, nonce = logins.begin()
        response = redirect(authorize_url(config, client_id, params, url_for("launch", _external=True), state, nonce))
        response.set_cookie("strict-state", state, httponly=True, samesite="Lax")
        return response

    def header_of(token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Refused(f"not a JWT: {exc}") from None
        if header.get("alg") != "RS256":
            raise Refused(f"alg must be RS256, not {header.get('alg')!r}")
        if not KID.fullmatch(str(header.get("kid", ""))):
            raise Refused("kid is not a plain key id")
        if {"jwk", "jku", "x5u", "x5c"} & header.keys():
            raise Refused("the header names its own key")
        return header

    def mistaken(token: str) -> bool | None:
        """What the switched-on mistakes make of the signature (None: they do not apply)."""
        try:
            header = jwt.get_unverified_header(token)
            keys = net.get(config["jwks_url"]).json()["keys"]
            return signature_ok(token, header, mistakes, next((k for k in keys if k.get("kid") == header.get("kid")), None))
        except Exception:  # a mistake that blows up refuses, like the rest
            return False

    def claims_of(token: str) -> dict[str, Any]:
        verdict = mistaken(token) if mistakes else None
        if verdict is False:
            raise Refused("signature")
        if verdict is None:
            header_of(token)
        require = {"require": ["iss", "aud", "sub", "exp", "iat", "nonce"]}
        try:
            if verdict:  # the mistake vouched for the signature; every claim is still checked
                claims: dict[str, Any] = jwt.decode(
                    token, issuer=issuer, audience=client_id, options={
                        "verify_signature": False, "verify_exp": True, "verify_iat": True, "verify_nbf": True,
                        "verify_iss": True, "verify_aud": True, **require})
            else:
                key = jwks.get_signing_key_from_jwt(token)
                claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer, audience=client_id,
                                    options=require)
        except jwt.PyJWTError as exc:
            raise Refused(f"id_token: {exc}") from None
        aud, azp = claims["aud"], claims.get("azp")
        if isinstance(aud, list) and (set(aud) != {client_id} or azp != client_id):
            raise Refused("aud names other clients")
        if azp is not None and azp != client_id:
            raise Refused("azp is another client")
        if time.time() - claims["iat"] > MAX_AGE:
            raise Refused(f"id_token issued more than {MAX_AGE} s ago (iat)")
        return claims

    @app.route("/launch", methods=["POST"])
    def launch() -> Any:
        state = request.form.get("state", "")
        if not state or request.cookies.get("strict-state") != state:
            raise Refused("state does not match this browser's login")
        nonce = logins.finish(state)
        claims = claims_of(request.form.get("id_token", ""))
        if claims["nonce"] != nonce:
            raise Refused("nonce is not the one this login sent")
        if claims.get(LTI + "deployment_id") != tool["deployment_id"]:
            raise Refused("unknown deployment_id")
        kind = claims.get(LTI + "message_type")
        if kind not in MESSAGE_TYPES or claims.get(LTI + "version") != "1.3.0":
            raise Refused("message_type or version is not an LTI 1.3 launch's")
        if not isinstance(claims.get(LTI + "roles"), list):
            raise Refused("roles claim missing")
        if claims.get(LTI + "target_link_uri") != request.base_url:
            raise Refused("target_link_uri is not this launch URL")
        if kind == "LtiDeepLinkingRequest":
            return deep_link_response(config, tool, claims, f"{request.host_url}item/3")
        if not (claims.get(LTI + "resource_link") or {}).get("id"):
            raise Refused("resource_link id missing")
        response = make_response(f"{LAUNCHED}: {claims['sub']}")
        response.delete_cookie("strict-state")
        return response

    return app
