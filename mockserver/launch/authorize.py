"""The tool's OIDC authentication request (§10.2): ``authorize_redirect`` and ``authorize``.

``authorize`` runs Canvas's checks in Canvas's order, a later failing check overwriting the
error recorded by an earlier one, and answers with an auto-posting form to ``redirect_uri``
carrying either the signed id_token or ``error``/``error_description``. An unregistered
``redirect_uri`` gets HTTP 400 and no form at all, an unknown ``client_id`` a 404. The cached launch is consumed only by a
successful answer, so a rejected attempt can be corrected and retried within five minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..auth.keys import PlatformKeys
from ..world import DeveloperKey, World
from . import id_token, signing
from .cache import LaunchCache
from .login import HINT_PURPOSE, STORAGE_TARGET

REQUIRED_PARAMS = ("client_id", "login_hint", "lti_message_hint", "nonce", "prompt", "redirect_uri",
                   "response_mode", "response_type", "scope")
INVALID_HINT = "Invalid lti_message_hint"
INVALID_REDIRECT_URI = "Invalid redirect_uri"
LOGIN_REQUIRED = "Must have an active user session"
UNAUTHORIZED_CLIENT = "Client not authorized in requested context"
LAUNCH_NO_LONGER_VALID = "The launch has either expired or already been consumed"


@dataclass
class AuthorizeAnswer:
    """``redirect_uri`` is None when there is no form: a 400 (unregistered ``redirect_uri``) or,
    for a ``client_id`` that names no developer key, a 404 (``client_unknown``)."""

    redirect_uri: str | None
    fields: dict[str, str]
    client_unknown: bool = False

    @property
    def error(self) -> str | None:
        return self.fields.get("error")


def redirect_location(scheme: str, params: Mapping[str, str], secret: str, now: float) -> str | None:
    """Where ``authorize_redirect`` sends the tool: the hint's Canvas domain, params unchanged."""
    hint = signing.verify(secret, HINT_PURPOSE, params.get("lti_message_hint"), now)
    domain = hint.get("canvas_domain") if hint else None
    if not isinstance(domain, str) or not domain:
        return None
    return f"{scheme}://{domain}/api/lti/authorize?{urlencode(list(params.items()))}"


def redirect_uri_registered(key: DeveloperKey, uri: str) -> bool:
    """Before ``?`` the URI equals a registered one; a registered query's params must be there."""
    base, _, query = uri.partition("?")
    given = set(parse_qsl(query, keep_blank_values=True))
    for registered in key.redirect_uris:
        reg_base, _, reg_query = registered.partition("?")
        if base == reg_base and set(parse_qsl(reg_query, keep_blank_values=True)) <= given:
            return True
    return False


def authorize(world: World, cache: LaunchCache, keys: PlatformKeys, secret: str, params: Mapping[str, Any],
              now: float) -> AuthorizeAnswer:
    p = {k: v for k, v in params.items() if isinstance(v, str)}
    error: tuple[str, str] | None = None
    # 1-2: parameters
    missing = [name for name in REQUIRED_PARAMS if not p.get(name)]
    if missing:
        error = ("invalid_request_object", f"The following parameters are missing: {','.join(missing)}")
    if p.get("scope") != "openid":
        error = ("invalid_request_object", "The 'scope' must be 'openid'")
    # 3: the "session" (the user the launch was started for, carried in the hint)
    hint = signing.verify(secret, HINT_PURPOSE, p.get("lti_message_hint"), now)
    if hint is None or not p.get("login_hint") or hint.get("session_user") != p.get("login_hint"):
        error = ("login_required", LOGIN_REQUIRED)
    # 4: the client may launch in the hint's context
    key = world.developer_keys.get(p.get("client_id", ""))
    launch = cache.peek(str(hint.get("verifier")), now) if hint else None
    if hint is not None:
        course = world.courses.get(hint.get("context_id")) if isinstance(hint.get("context_id"), int) else None
        usable = (key is not None and key.workflow_state == "active" and course is not None
                  and world.key_active_in(key, course.account_id) and hint.get("client_id") == key.id)
        if not usable:
            error = ("unauthorized_client", UNAUTHORIZED_CLIENT)
    # 5: the cached launch is still there
    if launch is None:
        error = ("launch_no_longer_valid", LAUNCH_NO_LONGER_VALID)
    # 6: never post anything to a redirect URI the key did not register
    redirect_uri = p.get("redirect_uri", "")
    if key is None:  # Canvas's developer key lookup raises RecordNotFound
        return AuthorizeAnswer(None, {}, client_unknown=True)
    if not redirect_uri or not redirect_uri_registered(key, redirect_uri):
        return AuthorizeAnswer(None, {})
    state = {"state": p["state"]} if "state" in p else {}
    if error is None:
        taken = cache.take(str(hint.get("verifier")), now) if hint else None
        if taken is None:  # consumed by a concurrent request since the peek
            error = ("launch_no_longer_valid", LAUNCH_NO_LONGER_VALID)
        else:
            claims = {**taken.claims, "nonce": p["nonce"]}
            token = id_token.sign(keys, claims)
            return AuthorizeAnswer(redirect_uri, {"id_token": token, **state, "lti_storage_target": STORAGE_TARGET})
    assert error is not None
    return AuthorizeAnswer(redirect_uri, {"error": error[0], "error_description": error[1], **state})
