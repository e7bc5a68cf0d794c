"""What stops a ``canvas-lti`` command, said in one line that names the flag or file and what to do.

Libraries describe failures in their own terms: urllib3's ``HTTPConnectionPool(…): Max retries
exceeded … NewConnectionError(…)``, getaddrinfo's ``Unknown error -2``, ``[Errno 2] No such file or
directory``. A user needs the cause in plain words and the flag to change, so every subcommand
raises :class:`CommandError` and the dispatcher (``conformance/cli.py``) prints it as
``canvas-lti COMMAND: error: …`` with exit code 2.
"""

from __future__ import annotations

import errno
import os
import socket
import ssl
from pathlib import Path

#: errno -> the cause in plain words (what ``os.strerror`` says, minus its jargon).
_OS_REASONS = {
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "it is a directory",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "the connection was reset",
    errno.ETIMEDOUT: "timed out",
    errno.EHOSTUNREACH: "no route to the host",
    errno.ENETUNREACH: "the network is unreachable",
    errno.EADDRINUSE: "the address is in use",
    errno.EADDRNOTAVAIL: "not an address of this machine",
}


class CommandError(Exception):
    """A command that cannot run as given. ``flag`` is the option at fault (argparse's own
    ``argument --flag:`` prefix), ``hint`` what to do about it."""

    def __init__(self, message: str, *, flag: str | None = None, hint: str | None = None) -> None:
        self.message, self.flag, self.hint = message, flag, hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"argument {self.flag}: {self.message}" if self.flag else self.message
        return f"{text}; {self.hint}" if self.hint else text


def os_reason(exc: OSError) -> str:
    """``[Errno 2] No such file or directory: 'x'`` -> ``no such file``."""
    if isinstance(exc, socket.gaierror):
        return "no such host (not an IP address or a name this machine can resolve)"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc}"
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    return (exc.strerror or str(exc)).lower()


def network_reason(exc: BaseException) -> str:
    """The cause of a failed request in plain words, whichever HTTP library raised it.

    httpx, requests and urllib3 wrap the socket's ``OSError`` (in ``__cause__``/``__context__``,
    or urllib3's ``reason``); the innermost one says what happened."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and (current.errno is not None or isinstance(current, socket.gaierror | TimeoutError)):
            return os_reason(current)
        reason = getattr(current, "reason", None)
        pending += [reason if isinstance(reason, BaseException) else None, current.__cause__, current.__context__,
                    *(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))]
    name = type(exc).__name__
    if "Timeout" in name:
        return "timed out"
    if name in ("MissingSchema", "InvalidSchema", "InvalidURL", "UnsupportedProtocol", "LocationParseError"):
        return "not an http:// or https:// URL"
    return str(exc).splitlines()[0] if str(exc) else name


def unreachable(url: str, exc: BaseException) -> str:
    """``cannot reach URL: connection refused``: the message every command gives for a target it cannot reach."""
    return f"cannot reach {url}: {network_reason(exc)}"


def read_text(path: str | Path, *, flag: str, what: str) -> str:
    """The text of the file a flag names, or a :class:`CommandError` saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {os_reason(exc)}", flag=flag, hint=f"give {what}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not a text file", flag=flag, hint=f"give {what}") from None


def listen_error(host: str, port: int, exc: OSError) -> CommandError:
    """Why ``canvas-lti mock`` cannot listen on ``host:port``, naming ``--host`` or ``--port``."""
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return CommandError(f"cannot listen on {host}: {os_reason(exc)}", flag="--host",
                            hint="use 127.0.0.1, 0.0.0.0 (every interface) or an address of this machine")
    if exc.errno == errno.EADDRINUSE:
        return CommandError(f"cannot listen on {host}:{port}: port {port} is in use", flag="--port",
                            hint="stop what listens there, or pick another port; --port 0 picks a free one")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return CommandError(f"cannot listen on {host}:{port}: permission denied", flag="--port",
                            hint="ports below 1024 need root; use a higher one")
    return CommandError(f"cannot listen on {host}:{port}: {os_reason(exc)}", flag="--host")


def read_private_key(path: str | Path, *, flag: str) -> str:
    """The PEM text of a private key file, checked to be one, for ``--private-key``."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    what = "the tool's private key as a PEM file (-----BEGIN PRIVATE KEY-----)"
    pem = read_text(path, flag=flag, what=what)
    try:
        load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError):
        raise CommandError(f"{path} is not an unencrypted PEM private key", flag=flag, hint=f"give {what}") from None
    return pem


def check_writable(path: str | Path | None, *, flag: str) -> None:
    """Reports are written after a run: refuse, before it starts, a path that cannot be written."""
    if path is None:
        return
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CommandError(f"{path} is a directory", flag=flag, hint="give a file name")
    if not directory.is_dir():
        raise CommandError(f"directory {directory} does not exist", flag=flag, hint="create it or write elsewhere")
    writable = os.access(path, os.W_OK) if path.exists() else os.access(directory, os.W_OK)
    if not writable:
        raise CommandError(f"{path} is not writable", flag=flag, hint="write elsewhere")
