"""Replay and state: a real id_token, posted where it does not belong.

Each of these tokens carries the platform's valid signature; what is wrong is *where* it is
posted. The nonce binds an id_token to the one login that asked for it (OpenID Connect Core
§3.1.3.7 step 11: it must be the value *this* authentication request sent), and the state binds
that login to one browser (RFC 6749 §10.12). So a used token posted after a new login, or a
victim's unused token posted in the attacker's login, must fail on the nonce; the attacker's
token posted from the victim's browser (login CSRF) must fail on the state.
"""

from __future__ import annotations

import secrets

from ..reasons import NONCE, STATE
from ..severity import Severity
from .context import Attempt, Context
from .registry import case

GROUP = "replay and state"
MUST, SHOULD = Severity.MUST, Severity.SHOULD
NONCE_MUST = "OpenID Connect Core §3.1.3.7 step 11 (the nonce sent by this login)"
NONCE_REPLAY = "IMS Security Framework §5.1.3 step 9"
CSRF = ("RFC 6749 §10.12", "OpenID Connect Core §3.1.2.1 (state)")
FORM = "the platform's auto-posting form"


@case("nonce_replay", GROUP, "the same id_token posted twice, same state and cookies", SHOULD, targets=(NONCE, STATE),
      references=(NONCE_REPLAY,),
      accepted="the tool launched the same id_token a second time: whoever sees a launch (a proxy log, "
               "the browser history) can replay it",
      reproduce=f"Launch once; in the browser's developer tools, re-send the POST of {FORM} to the tool.")
def nonce_replay(ctx: Context) -> Attempt:
    ctx.launch(ctx.flow)
    return Attempt(ctx.flow.id_token, note="posted twice: the second post is judged")


@case("id_token_after_new_login", GROUP, "a used id_token posted into a new login in the same browser", MUST,
      targets=(NONCE,), references=(NONCE_MUST, NONCE_REPLAY),
      accepted="the tool launched an id_token its new login never asked for: a used token stays good for every "
               "later login of that browser",
      reproduce=f"Launch once and keep the id_token from {FORM}; start a second launch in the same browser, and when "
                "its form appears, replace its id_token with the kept one before it posts.")
def id_token_after_new_login(ctx: Context) -> Attempt:
    first = ctx.flow
    ctx.launch(first)
    second = ctx.start(browser=first.browser)
    return Attempt(first.id_token, flow=second, note="the first login's id_token, the second login's state and cookies")


@case("foreign_id_token", GROUP, "a victim's unused id_token posted in another browser's login", MUST,
      targets=(NONCE,), references=(NONCE_MUST, "RFC 9700 §4.5 (injection)"),
      accepted="the tool launched an id_token that another browser's login asked for: a stolen, unused token "
               "(a log line, a Referer) logs the thief in as the victim",
      reproduce=f"Start a launch as the victim and keep the id_token from {FORM} without posting it; start a launch "
                "in another browser and replace its form's id_token with the victim's.")
def foreign_id_token(ctx: Context) -> Attempt:
    victim = ctx.flow
    attacker = ctx.start()
    return Attempt(victim.id_token, flow=attacker, note="the victim's id_token, the attacker's state and cookies")


@case("wrong_nonce", GROUP, "a nonce the tool never issued", MUST, targets=(NONCE,), references=(NONCE_MUST,),
      accepted="the tool launched a token with a nonce it never sent",
      reproduce="Have the platform sign the launch's claims with another nonce (`POST /__mock__/id_tokens`).")
def wrong_nonce(ctx: Context) -> Attempt:
    return ctx.resign(nonce=f"probe-{secrets.token_hex(8)}")


@case("state_mismatch", GROUP, "state differs from the one the tool issued", MUST, targets=(STATE,), references=CSRF,
      accepted="the tool launched with a state it never issued",
      reproduce=f"Change the state field of {FORM} before it posts.")
def state_mismatch(ctx: Context) -> Attempt:
    state = f"probe-{secrets.token_hex(8)}"
    return Attempt(ctx.flow.id_token, state=state, note=f"form state={state}")


@case("state_without_cookie", GROUP, "the valid id_token and state, posted without the browser's cookies", MUST,
      targets=(STATE,), references=CSRF,
      accepted="the tool accepted a state that is not bound to the browser that started the login",
      reproduce=f"Copy {FORM} (action, id_token, state) and post it with curl, without cookies.")
def state_without_cookie(ctx: Context) -> Attempt:
    return Attempt(ctx.flow.id_token, browser=ctx.browser(), note="posted from a browser with no cookies")


@case("login_csrf", GROUP, "the attacker's id_token and state, posted from the victim's browser", MUST,
      targets=(STATE,), references=(*CSRF, "OWASP Cross-Site Request Forgery Prevention Cheat Sheet"),
      accepted="the victim's browser is now logged in to the tool as the attacker (login CSRF): what the "
               "victim does next lands in the attacker's account",
      reproduce=f"Start a launch as the attacker and keep {FORM}; start a launch in the victim's browser, then make "
                "that browser post the attacker's form (a page of yours with the same fields).")
def login_csrf(ctx: Context) -> Attempt:
    attacker = ctx.flow
    victim = ctx.start()
    return Attempt(attacker.id_token, flow=attacker, browser=victim.browser,
                   note="the attacker's id_token and state, the victim's cookies (a login of its own under way)")
