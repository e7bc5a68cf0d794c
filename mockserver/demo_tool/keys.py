"""The demo tool's own key pair. TEST ONLY: generated for this project, never used anywhere else.

A tool keeps its private key to itself and the platform uses only the public half. The fixtures'
"Demo Tool" developer key gives the same PEM, as every fixture key does, so that tests (and the
conformance suite) can act as the tool too; ``/__mock__/demo-tool/jwks`` publishes the public key
for registering the demo tool again, from the console's form.
"""

from __future__ import annotations

import functools
from typing import Any

from ..auth.keys import load_private_key, public_jwk

KID = "demo-tool-key-1"

# TEST ONLY private key of the demo tool.
PRIVATE_KEY_PEM = """\
-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDWCvZ4tV6xOzeS
JuPntlOkqj7+tE4skz22JjZDLmU+NRJ6zhtZodmJVC1qL4rP9Dkv7MJDXdEj9M61
4bhpouUTK7xV/9/saqKA41UtAnvhVnQEXyTLrpq/7q3AZGU/+QHbzp/j5blsoeYE
k5RPc7hieBoNI2Xo/69q8WWzzbL6GEUA3oZQqq1rSW06yJWqzCzKcEQKBJOdNrXM
ok7UhCi3yJcwowePbOh9UaG99irmLr6qcaJ5ZClPYd3EcOqZqvBofaxoruyN8IvJ
Fh6l2YwXr+dbbKuypBpMaJOziJmE1aZU6/gE2Snf9deb9EdWoHARlLOGYcyDCMgS
GYrRj8CRAgMBAAECggEACyUp/VIQWrEnLRyKTHPxegcFXbTcxzRph7UIqUneqrUP
v8ZApVOopJ51+Ov90eM5IRY2bVSSwckLBGx68kExpWRnG6FFsyVATe7Ibh4NfkfG
pb2giFyQoULX2EdCAGlCYAQrzi2VkKMDe6SFmfeAF9yCGsIHmfDKXQqxzYF9+si1
QgJROHYgJiejGkYg429Kf+lMz2RmKwLyzv+ssgZjF+MSKVMXHArD2fT0VMB6gsHS
v+RMXS5ewwjgpO9OGUot65HgoqJA+I4JjXk5Jqrk9X7jLCd+1q8syNvtk031TdkK
Skp0v6HcEQpTAkmsc/MdEf4sG8BoGqt/wdJjRjecYwKBgQD/uNTGzVvpM/8+4h69
AE8EDyHydDwIBS5CVrEi9CRp0Pqvhr5pX1hNJFXAa4KbfnvBpvVHWOCXfd3ohwkB
bgt+nOFAhfN8RGkw2PP7pRMYfM3BIBI0Dzn3AVkxBQz8tNtfS7j9NjfOZqeocBMn
hi6PWORIZmgeScPS4gXhT5x6bwKBgQDWRog2NWAMxnDVazaRizr12qQffvZNTEF6
epgvYymJPjA2emzRkMBBuLjKzRVHq32cv72aS0G+zI3FngiFw5bNOVcqBMx/V758
UgL1EAAhlKscXSL0Tie/vcjfiDiTVk9DTDWj0RkIvHR6OATHBVPoELR2O7sgSIch
H9yqoAD0/wKBgQCd2HQWZopWL09dfGvm0/ryEXkt1Et909zS+/oJDlQvsNwcXnrI
Rh8WNthrlrEe0/sF9M2wBY9UU1AXiMqpREj6FVIA5u39hai8ix5G9YUM93R1whsa
YU+xRPbOCEUU83n5n58HRWE7GShiExPvsKaquv7mJbgdAgFK+VMR2XdIJwKBgCtJ
5IrPDbCHBpSXLFcLAcZZfX6/b5L+LNxJmCU6q1GGtsbKxOExlSWx4+NUu0/XXXEl
a3CYc5fQS3P5EU+0y+p6AxoCDi5L07fZ+a74pI4kMs1wI3ensnASL1q5cnSRo0G9
S7jkrWIOcJmgZ5athN4FQfAA8TT8chBHF5WA7bCRAoGBAPBwxgowri1nLkQAgKP1
G5gLnHmLnnKHzHWA3V4Ih3n/uv2nXxeGUDfo/9sWzGtJcDhdVGztoBNuhCCFKrjQ
3F/SWFHQZhPySOkHtvxs0u8oA1oF+ZFydWTaOYXfNrjccl9cp1ICOt8CbwJnRkht
HB5jtOXmCCWULItDPYnzCV5O
-----END PRIVATE KEY-----
"""


@functools.cache
def private_key() -> Any:
    return load_private_key(PRIVATE_KEY_PEM)


def jwks() -> dict[str, Any]:
    return {"keys": [public_jwk(private_key().public_key(), KID)]}
