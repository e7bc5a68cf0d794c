"""What the probe's test tools share: serving a Flask app on loopback, Canvas's login request
turned into an OIDC authentication request, and a correct deep linking response."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import jwt
from flask import Flask, make_response
from werkzeug.serving import make_server

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LAUNCHED = "Launched OK"


@contextlib.contextmanager
def serve(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields its base URL (the socket is bound on return)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log lines in test output
    app.logger.disabled = True  # a 500 is the answer under test, not a traceback for the test output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def authorize_url(config: dict[str, Any], client_id: str, params: dict[str, str], redirect_uri: str,
                  state: str, nonce: str) -> str:
    """The OIDC authentication request (IMS Security Framework §5.1.1.2) for Canvas's login request."""
    query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
             "client_id": client_id, "redirect_uri": redirect_uri, "login_hint": params["login_hint"],
             "lti_message_hint": params.get("lti_message_hint", ""), "state": state, "nonce": nonce}
    return f"{config['authorize_url']}?{urlencode(query)}"


def deep_link_response(config: dict[str, Any], tool: dict[str, Any], claims: dict[str, Any], item_url: str,
                       *, mistakes: bool = False) -> Any:
    """An auto-posting form with the tool's deep linking response; ``mistakes``: aud = the client
    id, no deployment_id and a ``link`` item without a url."""
    settings = claims[DL + "deep_linking_settings"]
    now = int(time.time())
    item: dict[str, Any] = {"type": "ltiResourceLink", "url": item_url, "title": "Probe test item"}
    payload = {"iss": tool["client_id"], "aud": config["issuer"], "iat": now, "exp": now + 300,
               "nonce": uuid.uuid4().hex, LTI + "deployment_id": claims[LTI + "deployment_id"],
               LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0", DL + "content_items": [item]}
    if mistakes:
        payload["aud"] = tool["client_id"]
        del payload[LTI + "deployment_id"]
        payload[DL + "content_items"] = [item, {"type": "link", "title": "no url"}]
    token = jwt.encode(payload, tool["private_key_pem"], algorithm="RS256", headers={"kid": tool["kid"]})
    return make_response(f'<form action="{settings["deep_link_return_url"]}" method="POST">'
                         f'<input type="hidden" name="JWT" value="{token}"></form>'
                         "<script>document.forms[0].submit()</script>")
