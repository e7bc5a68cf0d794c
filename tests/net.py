"""httpx for the tests, without httpx's 5-second default timeout.

A test's request to a server it started (the mock, an example tool) is answered whatever the machine's
load; a 5-second read timeout made that a timing window, and a loaded machine closed it (a console test's
``PUT /__mock__/state`` timed out at a load average of 14). Requests here wait up to ten minutes, long
enough to mean "hung", never "slow". Tests that mean a short timeout pass their own.
"""

from __future__ import annotations

import functools

import httpx

#: How long a test's request may take before it counts as hung.
TIMEOUT = httpx.Timeout(600.0)

get = functools.partial(httpx.get, timeout=TIMEOUT)
post = functools.partial(httpx.post, timeout=TIMEOUT)
put = functools.partial(httpx.put, timeout=TIMEOUT)
delete = functools.partial(httpx.delete, timeout=TIMEOUT)
Client = functools.partial(httpx.Client, timeout=TIMEOUT)
