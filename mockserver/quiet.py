"""Third-party log noise kept off the console unless the user asks (``--verbose``).

Libraries log about situations the mock meets on purpose: python-multipart warns about every
malformed multipart header and connexion about every unknown query parameter (the conformance
suite sends many of both), and uvicorn reports an
"ASGI callable returned without completing response" error for every injected ``drop`` fault.
Neither says anything the user can act on, so by default they are dropped; ``--verbose`` keeps
them (and uvicorn's access log).
"""

from __future__ import annotations

import logging

#: uvicorn messages that only restate what an injected fault did.
EXPECTED_UVICORN_ERRORS = ("ASGI callable returned without completing response",)
#: Loggers that only warn about odd input, which the mock answers anyway (connexion logs every
#: unknown query parameter at ERROR level).
NOISY_LOGGERS = ("python_multipart", "multipart", "connexion.decorators.parameter")


class _ExpectedUvicornErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(message.startswith(text) for text in EXPECTED_UVICORN_ERRORS)


_FILTER = _ExpectedUvicornErrors()


def quiet_third_party_logs(verbose: bool = False) -> None:
    """Silence (or, with ``verbose``, restore) the noise described above; idempotent."""
    uvicorn_error = logging.getLogger("uvicorn.error")
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else logging.CRITICAL)
    if verbose:
        uvicorn_error.removeFilter(_FILTER)
    elif _FILTER not in uvicorn_error.filters:
        uvicorn_error.addFilter(_FILTER)
