"""Reading bounce and complaint reports into events: delivery status notifications (RFC 3464,
multipart/report; report-type=delivery-status) and feedback reports (RFC 5965, report-type=feedback-report),
from one .eml file, an mbox, or a folder of either (a Maildir too).

Per DSN recipient block: Action failed with a 5.x.x Status is a hard bounce; a 4.x.x Status (failed or
delayed), or a delayed 5.x.x, is a soft one; delivered, relayed and expanded are not failures. A feedback
report other than "not-spam" is a complaint about the address in Original-Rcpt-To (or, when the reporter
removed it, the To of the original message it quotes; with neither it names nobody). Other messages
(auto-replies, anything else in a bounce mailbox) are not reports and are counted as ignored.
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import hashlib
import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from paperwire.errors import InvalidInput
from paperwire.mail.replies import parse_status
from paperwire.storage.subscribers import normalize_email

HARD, SOFT, COMPLAINT = "hard", "soft", "complaint"
_NOT_FAILURES = {"delivered", "relayed", "expanded"}


@dataclass(frozen=True)
class BounceEvent:
    email: str  # lowercased; "" when the report names nobody
    kind: str  # hard | soft | complaint
    status: str  # the enhanced status code ("5.1.1"); the feedback type for complaints
    detail: str  # Diagnostic-Code, or the feedback report's User-Agent
    at: datetime | None  # when the report says it happened
    source: str  # where it came from: "bounces.mbox, message 3", "webhook"
    report: str = ""  # the report's identity (its Message-ID, else a hash of its bytes); "" for webhook JSON

    @property
    def fingerprint(self) -> str | None:
        """What makes this event the same when a report is read twice; None when the report has no identity
        (the webhook's JSON events, whose signed, timestamped calls cannot be replayed)."""
        if not self.report:
            return None
        when = self.at.isoformat() if self.at is not None else ""
        parts = (self.report, self.email, self.kind, self.status, when)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def events_from_message(message: Message, source: str) -> list[BounceEvent] | None:
    """The events in one message; None when it is not a DSN or feedback report. InvalidInput names
    `source` when it says it is one but cannot be read."""
    if message.get_content_type() != "multipart/report":
        return None
    report_type = str(message.get_param("report-type") or "").lower()
    if report_type == "delivery-status":
        events = _dsn(message, source)
    elif report_type == "feedback-report":
        events = _arf(message, source)
    else:
        return None
    identity = report_identity(message)
    return [dataclasses.replace(event, report=identity) for event in events]


def report_identity(message: Message) -> str:
    """The report's Message-ID, or a hash of the whole message when it has none."""
    message_id = " ".join(str(message.get("Message-ID") or "").split())
    return message_id or "sha256:" + hashlib.sha256(message.as_bytes()).hexdigest()


def _blocks(message: Message, content_type: str, source: str) -> list[Message]:
    for part in message.walk():
        if part.get_content_type() == content_type:
            payload = part.get_payload()
            blocks = [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
            if blocks:
                return blocks
    raise InvalidInput(f"{source}: a report without a readable {content_type} part")


def _dsn(message: Message, source: str) -> list[BounceEvent]:
    blocks = _blocks(message, "message/delivery-status", source)
    events = []
    for number, block in enumerate(blocks[1:], start=1):
        recipient = _address(str(block.get("Final-Recipient") or block.get("Original-Recipient") or ""))
        status = parse_status(str(block.get("Status") or ""))
        if not recipient or status is None:
            raise InvalidInput(f"{source}: recipient block {number} lacks a Final-Recipient or a Status like 5.1.1")
        action = str(block.get("Action") or "").strip().lower()
        if action in _NOT_FAILURES or status.klass == 2:
            continue
        kind = HARD if action == "failed" and status.klass == 5 else SOFT
        at = _date(block.get("Last-Attempt-Date")) or _date(message.get("Date"))
        detail = " ".join(str(block.get("Diagnostic-Code") or "").split())[:500]
        events.append(BounceEvent(recipient, kind, str(status), detail, at, source))
    return events


def _arf(message: Message, source: str) -> list[BounceEvent]:
    fields = _blocks(message, "message/feedback-report", source)[0]
    feedback = str(fields.get("Feedback-Type") or "").strip().lower()
    if not feedback:
        raise InvalidInput(f"{source}: a feedback report without a Feedback-Type")
    if feedback == "not-spam":
        return []
    recipients = [_address(str(value)) for value in fields.get_all("Original-Rcpt-To") or []]
    recipients = [r for r in recipients if r] or _original_recipients(message) or [""]
    at = _date(fields.get("Arrival-Date")) or _date(message.get("Date"))
    detail = str(fields.get("User-Agent") or "")[:200]
    return [BounceEvent(r, COMPLAINT, feedback, detail, at, source) for r in recipients]


def _original_recipients(message: Message) -> list[str]:
    """The To of the quoted original (message/rfc822 or text/rfc822-headers), for redacted reports."""
    for part in message.walk():
        original: Message | None = None
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            first = payload[0] if isinstance(payload, list) and payload else None
            original = first if isinstance(first, Message) else None
        elif part.get_content_type() == "text/rfc822-headers":
            original = HeaderParser().parsestr(str(part.get_payload(decode=False)))
        if original is not None:
            return [normalize_email(a) for _, a in getaddresses([str(v) for v in original.get_all("To") or []]) if a]
    return []


def _address(field: str) -> str:
    """ "rfc822; Someone@Example.org" or "<someone@example.org>" -> "someone@example.org"."""
    value = field.split(";", 1)[1] if ";" in field else field
    return normalize_email(value.strip().strip("<>"))


def _date(value: object) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None


def read_messages(path: Path) -> Iterator[tuple[str, Message]]:
    """(source, message) for every message under `path`: a file (one message, or an mbox when it starts
    with a "From " line) or a folder of them, in name order. InvalidInput names the file it cannot read."""
    files = (
        sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")) if path.is_dir() else [path]
    )
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise InvalidInput(f"{file}: cannot read it ({error.strerror or error})") from None
        if data.startswith(b"From "):
            box = mailbox.mbox(file, create=False)
            for number, key in enumerate(box.keys(), start=1):
                yield _parsed(box.get_bytes(key), f"{file}, message {number}")
            box.close()
        else:
            yield _parsed(data, str(file))


def _parsed(data: bytes, source: str) -> tuple[str, Message]:
    if not data.strip():
        raise InvalidInput(f"{source}: empty, not an e-mail message")
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not message.keys():
        raise InvalidInput(f"{source}: no header lines, not an e-mail message")
    return source, message


def parse_message_bytes(data: bytes, source: str) -> list[BounceEvent] | None:
    """One raw message (the webhook's body) to events; None when it is not a report."""
    _, message = _parsed(data, source)
    return events_from_message(message, source)
