"""The one rule for an e-mail address a person types (sign-up, login, e-mail change, digest subscription).

`EMAIL_PATTERN` is written so that Python's `re` and JSON Schema's regular expressions read it the same way:
the OpenAPI schema of every form that takes an address publishes it, so what the schema allows is exactly
what the server accepts (schemathesis checks both directions). Addresses are ASCII (no SMTPUTF8): a local part
of RFC 5322 atext and dots, then a host name of letter/digit/hyphen labels ending in a letter-led top-level
label. Spaces, tabs and line ends around the address are allowed and dropped; the address is lower-cased.
"""

from __future__ import annotations

import re

MAX_LENGTH = 254  # RFC 5321's limit on a forward path, counted on what was typed
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TOP = r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])"
EMAIL_PATTERN = r"^[ \t\r\n]*[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:" + _LABEL + r"\.)+" + _TOP + r"[ \t\r\n]*$"
_EMAIL = re.compile(EMAIL_PATTERN)


def parse_email(raw: str) -> str | None:
    """The address as stored (trimmed, lower-case), or None when `raw` is not one."""
    if len(raw) > MAX_LENGTH or _EMAIL.fullmatch(raw) is None:
        return None
    return raw.strip(" \t\r\n").lower()


def form_schema(field: str = "email") -> dict[str, object]:
    """The OpenAPI request body of a form whose one required field is an address."""
    schema = {
        "type": "object",
        "required": [field],
        "properties": {field: {"type": "string", "maxLength": MAX_LENGTH, "pattern": EMAIL_PATTERN}},
    }
    return {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}}
