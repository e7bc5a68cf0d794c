"""The request journal: what the mock received, redacted, in a bounded ring buffer.

:class:`JournalMiddleware` is a pure ASGI middleware placed just inside connexion's
ServerErrorMiddleware, outside its ExceptionMiddleware: connexion's error handlers (validation
errors, unknown routes) answer outside routing, so only there is every status seen. The matched
``operationId`` is read after the call from ``scope["extensions"]["connexion_routing"]`` (the
extensions dict is shared with the scope copies routing sees). It records fault injection and
throttling answers too. It reads the request body up front and replays it to the app (wrapping
``receive``) and takes the status from ``http.response.start`` (wrapping ``send``).
``/__mock__/`` requests are not journaled here (the handler of ``signMockIdToken`` records its
own entry with :func:`build_entry`: the id_tokens a probe has signed must be traceable).

What an entry keeps is bounded, whatever arrives (:data:`MAX_BODY_TEXT` of each body, of the
query string and of each header): a body too large to keep whole is kept as a redacted excerpt
(``excerpt.py``; text cut), and the entry says so (``body_truncated``, ``body_bytes``: the size
received; the same for the response). So the journal's memory is bounded by its capacity.

What the request path keeps is raw where it is small: the request's method, path, query string,
headers, client and a JSON or form body of up to :data:`MAX_BODY_TEXT` bytes, the kept response
headers and the response body (up to 16 KiB). Such an entry is parsed and redacted when the
journal is first read (:func:`_settled`, on every read path), so neither the parsing nor the
redaction is on the request's path; a larger body is parsed once (the request validator reuses
the result) and cut and redacted at once, so what is kept never needs more than bounded work.
A request's entry is redacted with the API tokens its world had when it was received. Reads
settle entries outside the lock requests append under, so a read never holds up a request.

Secrets never reach the journal (``redaction.py``): a bearer token is reduced to the client id
and scopes of its (unverified) claims, a ``client_assertion`` to the assertion's ``sub``, and
every string kept is redacted by meaning (secret field names, anything that parses as a JWS,
tokens this mock issued, PEM blocks).
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .canvas.text import printable
from .canvas.validation import PARSED_JSON_KEY, InvalidRequest, parse_json
from .excerpt import CUT, MARGIN, excerpt
from .lazy_imports import LazyModule
from .redaction import REDACTED, Redactor

if TYPE_CHECKING:
    from .context import AppState

jwt = LazyModule("jwt")  # PyJWT, and through it cryptography, load with the first token or key use

DEFAULT_CAPACITY = 1000
#: Bytes kept of a request or response body (more is cut, or excerpted), of the query string and of
#: each header value; and the number of headers kept.
MAX_BODY_TEXT = 16 * 1024
MAX_HEADERS = 100
CONTROL_PREFIX = "/__mock__/"


def is_control_path(path: str) -> bool:
    """The mock's own endpoints and pages (``/__mock__/…``, and ``/``, which redirects to them):
    not journaled, throttled or faulted, since they are not Canvas's API."""
    return path.startswith(CONTROL_PREFIX) or path == "/"
#: scope["extensions"] key under which inner middlewares annotate the journal entry.
NOTES_KEY = "canvas_mock_journal"
#: Private entry key: the response body as received, until a read turns it into ``response_body``.
RAW_RESPONSE = "_raw_response"
#: Private entry key: the response headers as sent, until a read picks the kept ones.
RAW_RESPONSE_HEADERS = "_raw_response_headers"
#: Private entry key: the request as received (:class:`_Received`), until a read builds the entry.
RAW_REQUEST = "_raw_request"
#: Media types whose bodies are kept raw until a read, when small: any ``…json`` and forms (others,
#: and larger ones, are summarised on the request path).
DEFERRED_SUFFIX, DEFERRED_FORM = "json", "application/x-www-form-urlencoded"

SECRET_HEADERS = frozenset({"cookie", "set-cookie", "proxy-authorization", "x-api-key"})
#: Standard request headers that never carry a credential: kept without scanning.
PLAIN_HEADERS = frozenset({"host", "content-length", "content-type", "accept", "accept-encoding", "accept-language",
                           "connection", "user-agent", "cache-control", "pragma", "origin"})
#: Response headers kept in an entry (pagination checks, throttle figures), and those of them that
#: can hold request text (a Link header echoes the query string), so are redacted.
KEPT_RESPONSE_HEADERS = frozenset({"content-type", "link", "location", "retry-after", "x-request-cost",
                                   "x-rate-limit-remaining"})
ECHOING_RESPONSE_HEADERS = frozenset({"link", "location"})


def unverified_claims(token: str) -> dict[str, Any] | None:
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims, dict) else None


@functools.lru_cache(maxsize=1024)
def bearer_identity(authorization: str) -> dict[str, Any]:
    """What the journal keeps of an ``Authorization`` header: scheme, client id and scopes.

    Memoised: a tool sends the same header for an hour, and decoding a JWT costs more than the
    rest of journaling. Callers must not mutate the result."""
    scheme, _, token = authorization.strip().partition(" ")
    if not token:  # no scheme: the whole value is the credential
        scheme, token = "", scheme
    token = token.strip()
    scheme = scheme if scheme.isalpha() and len(scheme) <= 16 else "[redacted]"
    identity: dict[str, Any] = {"scheme": scheme or None, "client_id": None, "scopes": []}
    if not token:
        return identity
    identity["token_sha256"] = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    claims = unverified_claims(token)
    if claims is not None:
        identity["client_id"] = None if claims.get("sub") is None else printable(str(claims["sub"]))
        raw = claims.get("scopes")
        identity["scopes"] = [printable(s) for s in raw.split()] if isinstance(raw, str) else []
    return identity


def _assertion_summary(value: Any) -> dict[str, Any]:
    value = value[0] if isinstance(value, list) and value else value
    claims = (unverified_claims(value) if isinstance(value, str) else None) or {}
    sub = claims.get("sub")
    return {"redacted": "client_assertion", "sub": None if sub is None else printable(str(sub))}


def _multi(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            existing = out[key]
            out[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[key] = value
    return out


def _structured(redactor: Redactor, parsed: dict[str, Any] | list[Any] | Any) -> Any:
    """A parsed JSON or form body, redacted; a top-level ``client_assertion`` is summarised."""
    if isinstance(parsed, dict) and "client_assertion" in parsed:
        assertion = parsed["client_assertion"]
        body = redactor.value({k: v for k, v in parsed.items() if k != "client_assertion"})
        body["client_assertion"] = _assertion_summary(assertion)
        return body
    return redactor.value(parsed)


class Kept(NamedTuple):
    """What an entry keeps of a body: its format (none, json, form, text, binary), the kept
    body (redacted), and whether that is cut short of what was received."""

    format: str
    body: Any
    truncated: bool = False


def _kept_structure(body_format: str, parsed: Any, redactor: Redactor) -> Kept:
    cut_copy, truncated = excerpt(parsed, redactor)
    return Kept(body_format, _structured(redactor, cut_copy), truncated)


def _kept_text(raw: bytes, redactor: Redactor) -> Kept:
    """Text cut at ``MAX_BODY_TEXT`` characters, redacted over a window past the cut (a secret
    straddling it is seen whole); undecodable text is binary."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Kept("binary", {"bytes": len(raw)})
    if len(text) <= MAX_BODY_TEXT:
        return Kept("text", redactor.text(text))
    return Kept("text", redactor.text(text[:MAX_BODY_TEXT + MARGIN])[:MAX_BODY_TEXT] + CUT, True)


def parse_body(raw: bytes, content_type: str, redactor: Redactor, scope: Scope | None = None) -> Kept:
    """What an entry keeps of a body (bounded: see :func:`excerpt.excerpt`). A JSON body that
    parses is handed on to the request validator through ``scope``."""
    if not raw:
        return Kept("none", None)
    media = content_type.split(";", 1)[0].strip().lower()
    if media.endswith("json"):
        try:
            parsed = parse_json(raw)
        except InvalidRequest:  # not JSON, or refused text: kept as text (the validator says why)
            pass
        else:
            if scope is not None:
                scope.setdefault("extensions", {})[PARSED_JSON_KEY] = (raw, parsed)
            return _kept_structure("json", parsed, redactor)
    if media == "application/x-www-form-urlencoded":
        try:
            form = _multi(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            return Kept("binary", {"bytes": len(raw)})
        return _kept_structure("form", form, redactor)
    if media.startswith("multipart/"):
        return Kept("binary", {"bytes": len(raw)})
    return _kept_text(raw, redactor)


def response_summary(raw: bytes, content_type: str, redactor: Redactor) -> Kept:
    """What an entry keeps of a response body: parsed and redacted like a request body; one
    longer than ``MAX_BODY_TEXT`` (``raw`` holds a window past that) is cut, as text."""
    if len(raw) > MAX_BODY_TEXT:
        text = raw.decode("utf-8", "replace")
        return Kept("text", redactor.text(text)[:MAX_BODY_TEXT] + CUT, True)
    return parse_body(raw, content_type, redactor)


def _settled(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with what the request path kept raw parsed and redacted (once)."""
    received: _Received | None = entry.pop(RAW_REQUEST, None)
    raw = entry.pop(RAW_RESPONSE, None)
    raw_headers = entry.pop(RAW_RESPONSE_HEADERS, None)
    if received is None and raw is None:
        return entry
    raw_body, sent = raw if raw is not None else (b"", 0)
    redactor = Redactor(received.tokens if received is not None else ())
    recorded = dict(entry)
    try:
        if received is not None:
            entry.clear()
            entry.update(_entry(received.scope, received.body, redactor, recorded["time"], received.summary,
                                received.size))
            entry.update(recorded)
        if raw_headers is not None:
            entry["response_headers"] = {
                name: redactor.text(value) if name in ECHOING_RESPONSE_HEADERS else value for name, value in (
                    (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw_headers)
                if name in KEPT_RESPONSE_HEADERS}
        if raw is not None:
            content_type = entry.get("response_headers", {}).get("content-type", "")
            kept = response_summary(raw_body, content_type, redactor)
            entry.update(response_body_format=kept.format, response_body=kept.body, response_body_bytes=sent,
                         response_body_truncated=kept.truncated)
    except Exception as exc:  # the journal must never break a read: keep what is safe to keep
        entry.clear()
        entry.update(_unparsed(recorded, exc))
    return entry


def annotate(scope: Scope, **notes: Any) -> None:
    """Add fields to the journal entry of the request being handled (e.g. the launch it belongs
    to); nothing for requests the journal does not record."""
    found = scope.get("extensions", {}).get(NOTES_KEY)
    if found is not None:
        found.update(notes)


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat().replace("+00:00", "Z")


def parse_time(value: str | float | int) -> float:
    """ISO 8601 (``Z`` or offset; naive means UTC) or epoch seconds, to epoch seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 time or epoch seconds: {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


@dataclass(frozen=True, slots=True)
class Replay:
    """A request exactly as received, for the reproducible curl a person asks for (``ui/curl.py``).

    Kept beside the journal, never in an entry: entries, dumps and the state file stay redacted.
    Only requests within the entry's bounds are kept (:func:`replayable`), so the journal's memory
    stays bounded by its capacity."""

    method: str
    #: The path as it came over the wire (percent-encoding kept).
    raw_path: str
    query_string: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


def replayable(scope: Scope, body: bytes) -> Replay | None:
    """The request to keep for replay, or None when any part is over an entry's bounds (a
    larger one is not an LTI message a person replays by hand)."""
    headers = tuple(scope.get("headers", ()))
    raw_path = scope.get("raw_path") or quote(scope.get("path", "")).encode()
    query = scope.get("query_string", b"")
    if (len(body) > MAX_BODY_TEXT or len(raw_path) > MAX_BODY_TEXT or len(query) > MAX_BODY_TEXT
            or len(headers) > MAX_HEADERS or any(len(n) + len(v) > MAX_BODY_TEXT for n, v in headers)):
        return None
    return Replay(scope.get("method", ""), raw_path.decode("latin-1"), query, headers, body)


class Journal:
    """A thread-safe ring buffer of request entries (oldest evicted first).

    Requests append under ``_lock``, held only for the append; a read takes a snapshot under it
    and settles each entry under ``_settling`` (one reader per entry; requests never wait)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._lock = threading.Lock()
        self._settling = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=max(1, capacity))
        #: The real requests (``Replay``) of the entries still in the buffer, by ``seq``.
        self._replays: dict[int, Replay] = {}
        self._seq = 0
        self.evicted = 0

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or DEFAULT_CAPACITY

    def resize(self, capacity: int) -> None:
        with self._lock:
            entries = list(self._entries)
            keep = entries[-max(1, capacity):]
            self.evicted += len(entries) - len(keep)
            self._entries = deque(keep, maxlen=max(1, capacity))
            kept = {entry.get("seq") for entry in keep}
            self._replays = {seq: replay for seq, replay in self._replays.items() if seq in kept}

    def add(self, entry: dict[str, Any], replay: Replay | None = None) -> dict[str, Any]:
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            if len(self._entries) == self._entries.maxlen:
                self.evicted += 1
                self._replays.pop(self._entries[0].get("seq"), None)
            self._entries.append(entry)
            if replay is not None:
                self._replays[self._seq] = replay
        return entry

    def replay(self, seq: int) -> Replay | None:
        """The request of entry ``seq`` as it was received (with its secrets), if still kept."""
        with self._lock:
            return self._replays.get(seq)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._replays.clear()
            self.evicted = 0

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            snapshot = list(self._entries)
        return self._settle(snapshot)

    def _settle(self, snapshot: list[dict[str, Any]]) -> list[dict[str, Any]]:
        settled = []
        for entry in snapshot:  # the lock per entry: a reader on the event loop waits for one entry at most
            with self._settling:
                settled.append(_settled(entry))
        return settled

    def query(self, *, operation_id: str | None = None, method: str | None = None,
              path_prefix: str | None = None, client_id: str | None = None,
              since: str | float | None = None, status: int | None = None,
              launch_id: int | None = None) -> list[dict[str, Any]]:
        """Entries matching every filter given, oldest first. ``since`` is inclusive, mock time."""
        threshold = parse_time(since) if since not in (None, "") else None
        out = []
        for entry in self.entries():
            if operation_id and entry.get("operation_id") != operation_id:
                continue
            if method and entry["method"] != method.upper():
                continue
            if path_prefix and not entry["path"].startswith(path_prefix):
                continue
            if client_id and entry.get("client_id") != str(client_id):
                continue
            if threshold is not None and entry["time"] < threshold:
                continue
            if status is not None and entry.get("status") != status:
                continue
            if launch_id is not None and entry.get("launch_id") != launch_id:
                continue
            out.append(entry)
        return out

    def dump(self) -> dict[str, Any]:
        with self._lock:
            head = {"capacity": self.capacity, "seq": self._seq, "evicted": self.evicted}
            snapshot = list(self._entries)
        return {**head, "entries": self._settle(snapshot)}

    def load(self, dump: Mapping[str, Any]) -> None:
        entries = dump.get("entries", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ValueError("scenario.journal.entries: expected a list of objects")
        capacity = int(dump.get("capacity", self.capacity))
        with self._lock:
            self._entries = deque(entries, maxlen=max(1, capacity))
            self._replays.clear()  # a dump holds no secrets to replay
            self._seq = int(dump.get("seq", max((int(e.get("seq", 0)) for e in entries), default=0)))
            self.evicted = int(dump.get("evicted", 0))


def _header_map(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def redactor_for(state: AppState) -> Redactor:
    """Redaction that also knows the opaque API tokens of the current world."""
    return Redactor(state.world.api_tokens.keys())


@dataclass(frozen=True, slots=True)
class _Received:
    """A request as the journal middleware kept it, until a read builds its entry."""

    scope: dict[str, Any]  # method, path, query_string, headers, client (each cut to its bound)
    body: bytes  # a small JSON or form body, else empty
    summary: Kept | None  # what is kept of a body summarised on the request path
    tokens: tuple[str, ...]  # the world's API tokens when it was received
    size: int  # bytes of the body received


def build_entry(state: AppState, scope: Scope, body: bytes, redactor: Redactor) -> dict[str, Any]:
    """A complete, redacted entry for a request received now (for handlers that journal themselves)."""
    return _entry(scope, body, redactor, round(state.clock.now(), 6))


def _entry(scope: Scope, body: bytes, redactor: Redactor, now: float,
           summary: Kept | None = None, size: int | None = None) -> dict[str, Any]:
    headers = _header_map(scope)
    auth = None
    if "authorization" in headers:
        auth = bearer_identity(headers.pop("authorization"))
    content_type = headers.get("content-type", "")
    headers = {k if k in PLAIN_HEADERS else redactor.text(k):
               v if k in PLAIN_HEADERS else REDACTED if k in SECRET_HEADERS else redactor.value(v, k)
               for k, v in headers.items()}
    if auth is not None:
        headers["authorization"] = f"{auth['scheme'] or ''} {REDACTED}".strip()
    query = redactor.value(_multi(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)))
    kept = summary if summary is not None else parse_body(body, content_type, redactor)
    parsed = kept.body
    client_id = auth["client_id"] if auth else None
    if client_id is None and isinstance(parsed, dict) and isinstance(parsed.get("client_assertion"), dict):
        client_id = parsed["client_assertion"]["sub"]
    client = scope.get("client")
    return {
        "seq": 0,
        "time": now,
        "time_iso": iso(now),
        "method": scope.get("method", ""),
        "path": redactor.text(scope.get("path", "")),
        "query": query,
        "headers": headers,
        "client_ip": client[0] if client else None,
        "client_id": client_id,
        "auth": dict(auth) if auth else None,
        "body_format": kept.format,
        "body": parsed,
        "body_bytes": len(body) if size is None else size,
        "body_truncated": kept.truncated,
        "operation_id": None,
        "status": None,
        "response_headers": {},
        "response_body_format": "none",
        "response_body": None,
        "response_body_bytes": 0,
        "response_body_truncated": False,
        "duration_ms": None,
    }


def _unparsed(recorded: dict[str, Any], exc: Exception) -> dict[str, Any]:
    """An entry whose request could not be parsed for the journal: what was recorded, no bodies."""
    return {"seq": recorded.get("seq", 0), "time": recorded["time"], "time_iso": iso(recorded["time"]),
            "method": recorded.get("method", ""), "path": REDACTED, "query": {}, "headers": {}, "client_ip": None,
            "client_id": None, "auth": None, "body_format": "none", "body": None, "body_bytes": 0,
            "body_truncated": False, "operation_id": recorded.get("operation_id"), "status": recorded.get("status"),
            "response_headers": {}, "response_body_format": "none", "response_body": None, "response_body_bytes": 0,
            "response_body_truncated": False, "duration_ms": recorded.get("duration_ms"),
            "journal_error": type(exc).__name__}


def _deferred(body: bytes, content_type: str) -> bool:
    """Whether a body is kept raw until a read: JSON and form bodies of up to ``MAX_BODY_TEXT``
    bytes. Others are summarised at once: larger ones as a redacted excerpt, multipart and
    binary as a byte count, text cut at ``MAX_BODY_TEXT``."""
    media = content_type.split(";", 1)[0].strip().lower()
    return not body or (len(body) <= MAX_BODY_TEXT and (media.endswith(DEFERRED_SUFFIX) or media == DEFERRED_FORM))


def _bounded_scope(scope: Scope) -> dict[str, Any]:
    """What an entry keeps of the request line and headers: each cut to ``MAX_BODY_TEXT`` (a
    server bounds them, but an in-process client need not)."""
    headers = [(name[:MAX_BODY_TEXT], value[:MAX_BODY_TEXT]) for name, value in list(scope.get("headers", ()))[:MAX_HEADERS]]
    return {"method": scope.get("method", ""), "path": scope.get("path", "")[:MAX_BODY_TEXT],
            "query_string": scope.get("query_string", b"")[:MAX_BODY_TEXT], "headers": headers,
            "client": scope.get("client")}


class JournalMiddleware:
    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_control_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        disconnected = False
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                disconnected = True
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        # Small bodies are kept raw: the entry is parsed and redacted when the journal is read
        # (``_settled``); larger ones are cut to an excerpt now, sharing the parse with the validator.
        kept_scope = _bounded_scope(scope)
        tokens = tuple(self.state.world.api_tokens)
        summary = None
        if body:
            content_type = ", ".join(v.decode("latin-1") for k, v in scope.get("headers", ()) if k.lower() == b"content-type")
            if not _deferred(body, content_type):
                try:
                    summary = parse_body(body, content_type, Redactor(tokens), scope)
                except Exception:  # the journal must never break a request
                    summary = Kept("none", None, True)
        received = _Received(kept_scope, body if summary is None else b"", summary, tokens, len(body))
        entry: dict[str, Any] = {"seq": 0, "time": round(self.state.clock.now(), 6), "method": scope.get("method", ""),
                                 "operation_id": None, "status": None, "response_headers": {}, "duration_ms": None,
                                 RAW_REQUEST: received}
        notes: dict[str, Any] = {}
        # The extensions dict is shared with the (shallow) scope copies further in, so routing's
        # ``connexion_routing`` and the inner middlewares' notes show up here.
        extensions = scope.setdefault("extensions", {})
        extensions[NOTES_KEY] = notes
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                if disconnected:
                    return {"type": "http.disconnect"}
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        response_chunks: list[bytes] = []
        kept = sent = 0

        async def record(message: Message) -> None:
            nonlocal kept, sent
            if message["type"] == "http.response.body":
                data = message.get("body", b"")
                sent += len(data)
                if kept <= MAX_BODY_TEXT:  # and a window past it, to redact a secret cut in two
                    chunk = data[:MAX_BODY_TEXT + MARGIN - kept]
                    response_chunks.append(chunk)
                    kept += len(chunk)
            if message["type"] == "http.response.start" and entry["status"] is None:
                entry["status"] = message["status"]
                entry[RAW_RESPONSE_HEADERS] = list(message.get("headers", ()))  # picked and redacted when read
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, replay, record)
        finally:
            entry["duration_ms"] = round((time.perf_counter() - started) * 1000, 3)
            entry["operation_id"] = extensions.get("connexion_routing", {}).get("operation_id")
            # Parsed (and redacted) when the journal is read, not on the request's path.
            entry[RAW_RESPONSE] = (b"".join(response_chunks), sent)
            entry.update(notes)
            if notes.get("fault", {}).get("kind") == "drop":
                entry["status"] = None
            self.state.journal.add(entry, replayable(scope, body))
