"""What the request journal must not keep: secrets, recognised by meaning rather than by prefix.

Every string the journal keeps (path, query, headers, bodies of any media type, the response
headers it records) passes through a :class:`Redactor`, which replaces

- the value of any field whose *name* says it holds a secret (``shared_secret``,
  ``client_assertion``, ``external_tool[consumer_secret]``, an ``X-Api-Key`` header, a
  ``"password": …`` pair inside free text), whatever the value is, and the private members of
  any JWK;
- any substring that parses as a JWS or JWE compact serialisation: dot-separated base64url
  segments of which the first (or, for a mangled header, the second) decodes to a JSON object.
  That is how PyJWT reads a token, so a JOSE header with a leading space, which does not encode
  to the familiar ``eyJ``, is still caught. LTI messages are the exception: a JWS whose payload
  carries an LTI ``message_type`` claim (a launch's id_token, a tool's deep-linking response)
  is what a vendor came to read, signed with TEST-ONLY keys, and is kept, under any field name;
- any bearer token this mock issued (its access and registration tokens are JWTs, caught above;
  its fixture API tokens are opaque and matched literally);
- PEM blocks;

also after percent-decoding (a token in a query string or path may arrive encoded).

Cost: the journal runs on every request, so each string is first screened with cheap tests (two
dots for a token, ``-----BEGIN`` for a key, a secret-ish word for a ``name=value`` pair, a ``%``
for an encoded form) and only candidates are decoded.
"""

from __future__ import annotations

import binascii
import functools
import json
import re
from collections.abc import Collection
from typing import Any
from urllib.parse import unquote

from .canvas.text import printable
from .lazy_imports import LazyModule

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first JWT to redact

REDACTED = "[redacted]"
REDACTED_JWT = "[redacted jwt]"
REDACTED_PEM = "[redacted pem]"
REDACTED_TOKEN = "[redacted token]"

#: A field name (lower case, ``-`` as ``_``, the last ``[segment]`` of a Rails name) that says
#: its value is a secret. ``token_type``/``token_url``/``public_jwk`` do not match.
SECRET_NAME = re.compile(
    r"secret|passw(?:or)?d|private_?key|api_?key|assertion$|credential|(?:^|_)token$|^jwt$|"
    r"^authorization$|^proxy_authorization$|^cookie$|^set_cookie$|^oauth_signature$|^signature$")
#: Screen for free text that may hold a ``name=value`` / ``"name": "value"`` / ``<name>value`` pair.
SECRET_WORD = re.compile(r"secret|passw|private[_-]?key|api[_-]?key|assertion|credential|token|jwt|signature", re.I)
SECRET_PAIR = re.compile(
    r"""(?<![\w\-\[\]])(?P<name>[\w\-\[\]]*(?:secret|passw|private[_-]?key|api[_-]?key|assertion|credential|token|jwt|signature)[\w\-\[\]]*)"""
    r"""(?:["']?\s*[:=]\s*(?:(?P<q>["'])(?P<quoted>[^"']*)(?P=q)|(?P<bare>[^\s"'&,;<>]+))|>(?P<element>[^<]+))""", re.I)
#: Candidate compact JOSE serialisations: 3 (JWS), 5 (JWE) or more base64url segments. Both
#: patterns only start where a run of their characters starts: matching from inside a run would
#: make a long run cost quadratic time.
JOSE_CANDIDATE = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{2,}={0,2}(?:\.[A-Za-z0-9_\-]*={0,2}){2,}")
#: Private (and symmetric) key members of a JWK (RFC 7518 §6).
PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "k", "oth"})
PEM_BLOCK = re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|$)", re.S)


#: Names up to this long are memoised; a fuzzer's megabyte-long names are judged, not kept.
MEMO_NAME = 256


def _secret_name(name: str) -> bool:
    normal = name.strip().lower().replace("-", "_")
    if normal.endswith("]") and "[" in normal:
        normal = normal[normal.rindex("[") + 1:-1]
    return bool(normal) and SECRET_NAME.search(normal) is not None


_memo_secret_name = functools.lru_cache(maxsize=256)(_secret_name)


def is_secret_name(name: str) -> bool:
    """``shared_secret``, ``external_tool[consumer_secret]``, ``X-Api-Key`` … (memoised: the
    same few names come back on every request)."""
    return _memo_secret_name(name) if len(name) <= MEMO_NAME else _secret_name(name)


#: First characters a base64url-encoded JSON object can have: ``{`` ("e"), JSON whitespace
#: ("I", "C", "D"), a UTF-8 BOM ("7"), UTF-16/32 (which ``json.loads`` also reads: "A", "_").
#: Anything else cannot decode to one, and is not worth decoding.
JSON_OBJECT_STARTS = frozenset("eICD7A_")


def _json_object(segment: str) -> bool:
    if len(segment) < 3 or segment[0] not in JSON_OBJECT_STARTS:  # "e30" is ``{}``, the shortest object
        return False
    try:
        decoded = json.loads(jwt.utils.base64url_decode(segment.rstrip("=")))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return False
    return isinstance(decoded, dict)


#: The claim every LTI message has, and no credential (access token, assertion) does.
LTI_MESSAGE_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/message_type"


def is_lti_message(candidate: str) -> bool:
    """Whether ``candidate`` is a compact JWS (three segments) whose payload is an LTI message."""
    parts = candidate.split(".")
    if len(parts) != 3 or not _json_object(parts[0]) or len(parts[1]) < 3:
        return False
    try:
        payload = json.loads(jwt.utils.base64url_decode(parts[1].rstrip("=")))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return False
    return isinstance(payload, dict) and isinstance(payload.get(LTI_MESSAGE_CLAIM), str)


def is_jose(candidate: str) -> bool:
    """Whether ``candidate`` (three or more dot-separated base64url segments) holds a compact
    JWS/JWE: its header — or, when the header was mangled, its payload — is base64url-encoded
    JSON, as PyJWT decodes it. Segments before or after (``<jws>.json``) do not hide it."""
    return any(_json_object(segment) for segment in candidate.split("."))


class Redactor:
    """Redaction for one request: knows the opaque bearer tokens the mock issued."""

    def __init__(self, issued_tokens: Collection[str] = ()) -> None:
        tokens = frozenset(t for t in issued_tokens if t)
        self.issued = _token_pattern(tokens)
        self.shortest = min(map(len, tokens), default=0)

    def text(self, text: str) -> str:
        """``text`` with every secret in it replaced."""
        cleaned = current = self._scrub(text)
        for _ in range(3):  # a secret percent-encoded, up to three times over
            if "%" not in current:
                break
            decoded = unquote(current)
            if decoded == current:
                break
            current = self._scrub(decoded)
            if current != decoded:  # found one: keep the decoded form, the encoded one holds it
                cleaned = current
        return printable(cleaned)

    def _scrub(self, text: str) -> str:
        if self.issued is not None and len(text) >= self.shortest:
            text = self.issued.sub(REDACTED_TOKEN, text)
        if len(text) < 8:  # shorter than any JWS ("e30.e30.x" is 9) or key pair
            return text
        if "-----BEGIN" in text:
            text = PEM_BLOCK.sub(REDACTED_PEM, text)
        if text.count(".") >= 2:
            text = JOSE_CANDIDATE.sub(_redact_jose, text)
        if SECRET_WORD.search(text):
            text = _redact_pairs(text)
        return text

    def value(self, value: Any, name: str | None = None) -> Any:
        """A redacted deep copy of a parsed body, query or header map."""
        if name is not None and value not in (None, "") and is_secret_name(name) and not (
                isinstance(value, str) and is_lti_message(value.strip())):
            return REDACTED
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            if "kty" in value:  # a JWK: its private members are secrets whatever the field is called
                value = {k: REDACTED if k in PRIVATE_JWK_MEMBERS and v not in (None, "") else v for k, v in value.items()}
            return {self.text(str(k)): self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, name) for v in value]
        return value


def _redact_jose(match: re.Match[str]) -> str:
    found = match.group()
    return REDACTED_JWT if is_jose(found) and not is_lti_message(found) else found


def _redact_pairs(text: str) -> str:
    """Free text with the value of every secret-named pair replaced. A pair whose name only
    looks secret (``token_url=https://…?client_secret=…``) is stepped over by its name alone,
    so a pair inside its value is still seen."""
    out: list[str] = []
    position = 0
    while (match := SECRET_PAIR.search(text, position)) is not None:
        value = next((g for g in ("quoted", "bare", "element") if match.group(g) is not None), None)
        if value is not None and is_secret_name(match.group("name")) and not is_lti_message(match.group(value).strip()):
            out.append(text[position:match.start(value)])
            out.append(REDACTED)
            position = match.end(value)
        else:
            out.append(text[position:match.end("name")])
            position = match.end("name")
    out.append(text[position:])
    return "".join(out)


@functools.lru_cache(maxsize=8)
def _token_pattern(tokens: frozenset[str]) -> re.Pattern[str] | None:
    if not tokens:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))
