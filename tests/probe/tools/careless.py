"""A hand-written tool with three deliberate flaws: it takes ``alg: none`` at its word, never
checks the nonce, and ignores ``aud`` (so ``azp`` too). Everything else it checks properly:
state against its cookie, the signature (RS256, JWKS refetched on an unknown kid), exp/iat
required, iss, deployment, the LTI claims, and a 64 KiB body limit."""

from __future__ import annotations

import secrets
import socket
import time
from typing import Any

import jwt
from flask import Flask, jsonify, make_response, redirect, request, url_for

from .serving import LAUNCHED, LTI, authorize_url, deep_link_response


def careless_tool(config: dict[str, Any], tool: dict[str, Any], *, deep_link_mistakes: bool = False,
                  picker: bool = False, redirect_to: str | None = None, deep_link_crash: bool = False,
                  json_errors: bool = False, hang_up: bool = False, lax_login: bool = False,
                  server_state: bool = False, layout: str | None = None, refuse_by_redirect: bool = False,
                  login_error_page_crashes: bool = False, size_refused_as_400: bool = False) -> Flask:
    """With ``deep_link_mistakes`` its deep linking response has ``aud`` = its client id, no
    deployment_id and a ``link`` item without a url; with ``picker`` a deep linking launch shows
    a page for a person to choose from instead of answering at once; ``deep_link_crash`` answers
    it with a 500; with ``redirect_to`` an accepted resource link launch redirects there (``/home``
    is its own landing page); ``json_errors`` answers a refused launch with Canvas-style JSON errors;
    ``hang_up`` closes the connection instead of answering an expired id_token (a crash, not a refusal);
    ``lax_login`` takes any iss and client_id at login, and remembers the login's target_link_uri to
    send the browser there after the launch (its redirect_uri being its own launch URL): an open
    redirect; ``server_state`` keeps issued states in a server-side set instead of a cookie, so a
    state is good from any browser; ``layout`` puts every page, launched or refused, in a page layout
    whose header is that text; ``refuse_by_redirect`` answers a refused launch with a redirect to its
    own error page (a 200); ``login_error_page_crashes`` answers a refused login with a redirect to an
    error page of its own that answers 500; ``size_refused_as_400`` answers a body over its limit
    with Django's bare ``Bad Request (400)`` page (``RequestDataTooBig``), not a 413."""
    issuer, client_id = config["issuer"], tool["client_id"]
    # PyJWT ≥ 2.10 refetches on an unknown kid at most every 30 s (wall clock); the probe sends an
    # unknown kid seconds before the rotated one, so that window would decide the rotation case.
    jwks = jwt.PyJWKClient(config["jwks_url"], cache_keys=True, cooldown_duration=0, timeout=600)
    app = Flask("careless-tool")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    issued: set[str] = set()  # server_state: every state the login handed out

    if size_refused_as_400:
        app.register_error_handler(413, lambda _: make_response("<h1>Bad Request (400)</h1>", 400))

    def page(text: str, status: int = 200) -> Any:
        return make_response(f"<html><body><header>{layout}</header><main>{text}</main></body></html>"
                             if layout else text, status)

    def refuse(message: str) -> Any:
        if hang_up and "expired" in message:
            request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        if refuse_by_redirect:
            return redirect(url_for("error", message=message))
        return make_response(jsonify(errors=[{"message": message}]), 400) if json_errors else page(message, 400)

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        params = {**request.args, **request.form}
        if not lax_login and (params.get("iss") != issuer or params.get("client_id") != client_id):
            return redirect(url_for("error", crash=1)) if login_error_page_crashes else \
                make_response("unknown platform", 400)
        state = secrets.token_urlsafe(16)
        launch_url = url_for("launch", _external=True) if lax_login else params["target_link_uri"]
        # flaw: the nonce is never remembered
        response = redirect(authorize_url(config, client_id, params, launch_url, state, secrets.token_urlsafe(16)))
        response.set_cookie("careless-state", state, httponly=True)
        issued.add(state)
        if lax_login:
            response.set_cookie("careless-target", params["target_link_uri"], httponly=True)
        return response

    def verify(token: str) -> dict[str, Any]:
        if jwt.get_unverified_header(token).get("alg") == "none":  # flaw: trusts alg none
            return jwt.decode(token, options={"verify_signature": False})
        key = jwks.get_signing_key_from_jwt(token)
        return jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer,
                          options={"verify_aud": False, "require": ["exp", "iat", "iss"]})  # flaw: aud ignored

    @app.route("/launch", methods=["POST"])
    def launch() -> Any:
        state = request.form.get("state", "")
        if not state or (state not in issued if server_state else state != request.cookies.get("careless-state")):
            return refuse("state mismatch")
        try:
            claims = verify(request.form.get("id_token", ""))
        except jwt.PyJWTError as exc:
            return refuse(f"bad id_token: {exc}")
        if claims.get("iat", 0) > time.time() + 60:
            return refuse("issued in the future")
        if claims.get(LTI + "deployment_id") != tool["deployment_id"]:
            return refuse("unknown deployment")
        if claims.get(LTI + "version") != "1.3.0" or not isinstance(claims.get(LTI + "roles"), list):
            return refuse("not an LTI 1.3 launch")
        kind = claims.get(LTI + "message_type")
        if kind == "LtiResourceLinkRequest" and (claims.get(LTI + "resource_link") or {}).get("id"):
            target = request.cookies.get("careless-target") if lax_login else redirect_to
            if target and target != request.base_url:
                return redirect(target)
            return page(f"{LAUNCHED}: {claims['sub']}")
        if kind == "LtiDeepLinkingRequest":
            if deep_link_crash:
                return make_response("Internal Server Error", 500)
            if picker:
                return make_response("<h1>Pick a resource</h1><a href='/pick/1'>Chapter 1</a>")
            return deep_link_response(config, tool, claims, f"{request.host_url}item/2", mistakes=deep_link_mistakes)
        return refuse("unsupported message")

    @app.route("/home")
    def home() -> Any:
        return page(f"{LAUNCHED}: home")

    @app.route("/error")
    def error() -> Any:
        return page(f"Sorry: {request.args.get('message', '')}", 500 if request.args.get("crash") else 200)

    return app
