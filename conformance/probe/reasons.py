"""What the tool said when it refused, and which of its checks most likely said it.

The reason is the tool's own words: an HTML page read as text, a JSON error body as its
compact JSON (so ``{"error": "invalid_nonce"}`` shows), bounded so that a tool echoing the
1 MiB token back does not make a 1 MiB report. Which check refused is read from those words
with a small table of patterns (``Invalid Nonce`` → ``nonce``): a guess, reported as one, but
it tells a reader when a case was refused by some other check than the one it targets — an
id_token with a foreign nonce refused for its *signature* says nothing about the nonce check.
"""

from __future__ import annotations

import json
import re

from .flow import TAG_RE, Answer

#: The full reason in the Markdown and JUnit reports is cut here.
REASON_LIMIT = 2048
#: The console shows one line of this length.
SUMMARY_LIMIT = 90

# Check names, shared with the cases' ``targets`` (what each case aims at).
SIGNATURE = "signature"
KEY = "key lookup (kid/alg)"
EXPIRY = "expiry (exp)"
TIME = "time (iat/nbf)"
NONCE = "nonce"
STATE = "state"
AUDIENCE = "audience (aud/azp)"
ISSUER = "issuer / registration"
DEPLOYMENT = "deployment"
CLAIMS = "LTI claims"
SIZE = "size limit"
TARGET = "target link"
LOGIN = "login initiation"

#: First match wins: the specific before the general ("Signature has expired" is about ``exp``).
#: Matched against the text with ``_`` read as a space, so error codes (ltijs's ``KEY_NOT_FOUND``,
#: ``ISS_CLAIM_DOES_NOT_MATCH``) read as the words they are.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern, re.I)) for name, pattern in (
    (SIZE, r"too large|payload too|request entity|content[- ]length|\bsize\b|exceeds"),
    (EXPIRY, r"expired|\bexp\b"),
    (TIME, r"not yet valid|not active|immature|\bnbf\b|\biat\b|issued (in the future|too long ago)|too old|future"),
    (NONCE, r"nonce|replay|already used"),
    (STATE, r"\bstate\b|csrf|cookie"),
    (SIGNATURE, r"signature|verif(y|ication) failed"),
    (KEY, r"public key|\bkid\b|\bjwks?\b|\bkey\b|\balg(orithm)?\b"),
    (AUDIENCE, r"audience|\baud\b|\bazp\b|client[_ ]?id|authori[sz]ed party"),
    (DEPLOYMENT, r"deployment"),
    (TARGET, r"target[_ ]link|redirect"),
    (ISSUER, r"\biss claim|\biss (mismatch|does not match)|unknown (issuer|platform)|unregistered platform"),
    (CLAIMS, r"message[_ ]type|version|roles?\b|resource[_ ]link|claim|\bsub\b"),
    (ISSUER, r"issuer|\biss\b|registration|platform"),
))


def _compact_json(text: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def reason(answer: Answer) -> str:
    """The tool's whole answer as one readable text, at most :data:`REASON_LIMIT` characters."""
    if answer.error:
        return f"no answer: {answer.error}"
    text = answer.text.strip()
    if "json" in answer.content_type or text[:1] in "{[":
        text = _compact_json(text) or text
    else:
        text = " ".join(TAG_RE.sub(" ", text).split())
    status = f"{answer.status} " if answer.status is not None else ""
    full = f"{status}{text}".strip()
    return full if len(full) <= REASON_LIMIT else full[:REASON_LIMIT] + f"… ({len(full):,} characters)"


def summary(text: str) -> str:
    """One console line of a reason."""
    line = " ".join(text.split())
    return line if len(line) <= SUMMARY_LIMIT else line[:SUMMARY_LIMIT - 1] + "…"


def refused_by(answer: Answer) -> str | None:
    """The check the tool's answer most likely came from, or None when it cannot be told."""
    if answer.status == 413:
        return SIZE
    if answer.error or answer.status is None or answer.location:  # a redirect's URL says nothing
        return None
    text = reason(answer).removeprefix(str(answer.status)).strip().replace("_", " ")
    for name, pattern in PATTERNS:
        if pattern.search(text):
            return name
    return None
