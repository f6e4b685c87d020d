"""What an SMTP refusal or a delivery status code says about the recipient: one rule, used by the sender
(live SMTP replies) and by the bounce intake (DSN Status fields).

A hard bounce suppresses an address for good, so only a refusal that names the recipient's mailbox counts
as one: an enhanced status code of subject 1 (addressing, RFC 3463 3.2) other than the sender's
(5.1.7, 5.1.8), or subject 2 (mailbox status); without an enhanced code, 550, 551 or 553 after RCPT.
Everything else that starts with 5 (5.7.x policy, 5.3.x/5.4.x system and routing, 530 authentication,
554 "transaction failed") is about the sender, the relay or the message, and nobody's address is at fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})(?!\d)")
_SENDER_ADDRESSING = {7, 8}  # 5.1.7 bad sender mailbox syntax, 5.1.8 bad sender's system address
_MAILBOX_REPLIES = {550, 551, 553}  # RFC 5321 4.2.2: mailbox unavailable, user not local, name not allowed


@dataclass(frozen=True)
class StatusCode:
    """An enhanced mail system status code (RFC 3463), e.g. 5.1.1."""

    klass: int
    subject: int
    detail: int

    def __str__(self) -> str:
        return f"{self.klass}.{self.subject}.{self.detail}"


def parse_status(text: str) -> StatusCode | None:
    """The enhanced status code at the start of `text` ("5.1.1 user unknown"), if there is one."""
    found = _ENHANCED.match(text)
    return StatusCode(int(found[1]), int(found[2]), int(found[3])) if found else None


def names_the_recipient(status: StatusCode) -> bool:
    """True when the status is about the recipient's address or mailbox, not the sender or the system."""
    return (status.subject == 1 and status.detail not in _SENDER_ADDRESSING) or status.subject == 2


def is_recipient_refusal(code: int, text: str) -> bool:
    """A 5xx reply to RCPT TO that refuses this recipient (a hard bounce), as opposed to a policy or
    system refusal that every recipient would get."""
    if not 500 <= code < 600:
        return False
    status = parse_status(text)
    if status is not None:
        return status.klass == 5 and names_the_recipient(status)
    return code in _MAILBOX_REPLIES
