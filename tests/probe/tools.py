"""Two small LTI tools for the probe's tests, each a Flask app served by werkzeug in a thread.

- :func:`pylti1p3_tool`: a tool as its library makes it — pylti1p3's ``FlaskOIDCLogin`` and
  ``FlaskMessageLaunch`` with the library's defaults (Flask session, JWKS fetched per launch), and
  its ``DeepLink`` helper for deep linking.
- :func:`careless_tool`: hand-written, with three deliberate flaws: it takes ``alg: none`` at its
  word, never checks the nonce, and ignores ``aud``. Everything else it checks properly.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import jwt
from flask import Flask, make_response, redirect, request
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.tool_config import ToolConfDict
from werkzeug.serving import make_server

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LAUNCHED = "Launched OK"


@contextlib.contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields its base URL (the socket is bound on return)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log lines in test output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def pylti1p3_tool(config: dict[str, Any], tool: dict[str, Any], public_jwk: dict[str, Any], *,
                  js_redirect: bool = False) -> Flask:
    """``config`` is the mock's ``/__mock__/config``, ``tool`` its entry for the developer key;
    ``js_redirect`` makes the login answer a page that redirects by script (pylti1p3's option)."""
    settings = {config["issuer"]: [{
        "default": True, "client_id": tool["client_id"], "auth_login_url": config["authorize_url"],
        "auth_token_url": config["token_url"], "key_set_url": config["jwks_url"], "key_set": None,
        "deployment_ids": [tool["deployment_id"]],
    }]}
    tool_conf = ToolConfDict(settings)
    tool_conf.set_private_key(config["issuer"], tool["private_key_pem"], client_id=tool["client_id"])
    tool_conf.set_public_key(config["issuer"], jwt.PyJWK(public_jwk).key.public_bytes(
        *_pem_spki()).decode(), client_id=tool["client_id"])
    app = Flask("pylti1p3-tool")
    app.secret_key = secrets.token_hex(16)

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        flask_request = FlaskRequest()
        return FlaskOIDCLogin(flask_request, tool_conf).redirect(flask_request.get_param("target_link_uri"),
                                                                 js_redirect=js_redirect)

    @app.route("/launch", methods=["POST"])
    def launch() -> Any:
        message_launch = FlaskMessageLaunch(FlaskRequest(), tool_conf)
        try:
            data = message_launch.get_launch_data()
        except LtiException as exc:
            return make_response(f"LTI launch refused: {exc}", 400)
        if message_launch.is_deep_link_launch():
            resource = DeepLinkResource().set_url(f"{request.host_url}item/1").set_title("Probe item")
            return make_response(message_launch.get_deep_link().output_response_form([resource]))
        return make_response(f"{LAUNCHED}: {data['sub']}")

    return app


def _pem_spki() -> tuple[Any, Any]:
    from cryptography.hazmat.primitives import serialization
    return serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo


def careless_tool(config: dict[str, Any], tool: dict[str, Any], *, deep_link_mistakes: bool = False,
                  picker: bool = False, redirect_to: str | None = None) -> Flask:
    """Accepts ``alg: none``, skips the nonce check, ignores ``aud``; checks state, signature (RS256,
    JWKS refetched on an unknown kid), exp/iat, iss, deployment and the LTI claims. With
    ``deep_link_mistakes`` its deep linking response has ``aud`` = its client id, no deployment_id
    and a ``link`` item without a url; with ``picker`` a deep linking launch shows a page for a
    person to choose from instead of answering at once; with ``redirect_to`` an accepted resource
    link launch redirects there (``/home`` is its own landing page)."""
    issuer, client_id = config["issuer"], tool["client_id"]
    # PyJWT ≥ 2.10 refetches on an unknown kid at most every 30 s (wall clock); the probe sends an
    # unknown kid seconds before the rotated one, so that window would decide the rotation case.
    jwks = jwt.PyJWKClient(config["jwks_url"], cache_keys=True, cooldown_duration=0)
    app = Flask("careless-tool")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        params = {**request.args, **request.form}
        if params.get("iss") != issuer or params.get("client_id") != client_id:
            return make_response("unknown platform", 400)
        state = secrets.token_urlsafe(16)
        query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
                 "client_id": client_id, "redirect_uri": params["target_link_uri"], "login_hint": params["login_hint"],
                 "lti_message_hint": params.get("lti_message_hint", ""), "state": state,
                 "nonce": secrets.token_urlsafe(16)}  # flaw: the nonce is never remembered
        response = redirect(f"{config['authorize_url']}?{urlencode(query)}")
        response.set_cookie("careless-state", state, httponly=True)
        return response

    def verify(token: str) -> dict[str, Any]:
        if jwt.get_unverified_header(token).get("alg") == "none":  # flaw: trusts alg none
            return jwt.decode(token, options={"verify_signature": False})
        key = jwks.get_signing_key_from_jwt(token)
        return jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer,
                          options={"verify_aud": False, "require": ["exp", "iat", "iss"]})  # flaw: aud ignored

    @app.route("/launch", methods=["POST"])
    def launch() -> Any:
        if not request.form.get("state") or request.form.get("state") != request.cookies.get("careless-state"):
            return make_response("state mismatch", 400)
        try:
            claims = verify(request.form.get("id_token", ""))
        except jwt.PyJWTError as exc:
            return make_response(f"bad id_token: {exc}", 400)
        if claims.get("iat", 0) > time.time() + 60:
            return make_response("issued in the future", 400)
        if claims.get(LTI + "deployment_id") != tool["deployment_id"]:
            return make_response("unknown deployment", 400)
        if claims.get(LTI + "version") != "1.3.0" or not isinstance(claims.get(LTI + "roles"), list):
            return make_response("not an LTI 1.3 launch", 400)
        kind = claims.get(LTI + "message_type")
        if kind == "LtiResourceLinkRequest" and (claims.get(LTI + "resource_link") or {}).get("id"):
            return redirect(redirect_to) if redirect_to else make_response(f"{LAUNCHED}: {claims['sub']}")
        if kind == "LtiDeepLinkingRequest":
            return make_response("<h1>Pick a resource</h1><a href='/pick/1'>Chapter 1</a>") if picker else deep_link(claims)
        return make_response("unsupported message", 400)

    @app.route("/home")
    def home() -> Any:
        return make_response(f"{LAUNCHED}: home")

    def deep_link(claims: dict[str, Any]) -> Any:
        settings = claims[DL + "deep_linking_settings"]
        now = int(time.time())
        item: dict[str, Any] = {"type": "ltiResourceLink", "url": f"{request.host_url}item/2", "title": "Careless item"}
        payload = {"iss": client_id, "aud": issuer, "iat": now, "exp": now + 300, "nonce": uuid.uuid4().hex,
                   LTI + "deployment_id": claims[LTI + "deployment_id"], LTI + "message_type": "LtiDeepLinkingResponse",
                   LTI + "version": "1.3.0", DL + "content_items": [item]}
        if deep_link_mistakes:
            payload["aud"] = client_id
            del payload[LTI + "deployment_id"]
            payload[DL + "content_items"] = [item, {"type": "link", "title": "no url"}]
        token = jwt.encode(payload, tool["private_key_pem"], algorithm="RS256", headers={"kid": tool["kid"]})
        return make_response(f'<form action="{settings["deep_link_return_url"]}" method="POST">'
                             f'<input type="hidden" name="JWT" value="{token}"></form>'
                             "<script>document.forms[0].submit()</script>")

    return app
