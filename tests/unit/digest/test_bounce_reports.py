"""Reading DSN and ARF reports into events, from the samples in tests/data/bounces/ and variants of them."""

from __future__ import annotations

import email

import pytest

from paperwire.digest.bounce_reports import COMPLAINT, HARD, SOFT, events_from_message
from paperwire.errors import InvalidInput
from tests.conftest import TEST_DATA

BOUNCES = TEST_DATA / "bounces"


def events(raw: bytes):  # type: ignore[no-untyped-def]
    return events_from_message(email.message_from_bytes(raw), "sample")


def test_a_dsn_gives_one_event_per_failed_recipient_and_skips_delivered_ones() -> None:
    [hard] = events((BOUNCES / "dsn-hard.eml").read_bytes())
    assert (hard.email, hard.kind, hard.status) == ("gone@example.org", HARD, "5.1.1")
    assert hard.detail.startswith("smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected")
    [soft] = events((BOUNCES / "dsn-soft.eml").read_bytes())
    assert (soft.email, soft.kind, soft.status, soft.at.day) == ("full@example.net", SOFT, "4.2.2", 25)


def test_a_delayed_dsn_is_a_soft_bounce_even_with_a_5xx_status() -> None:
    raw = (BOUNCES / "dsn-hard.eml").read_bytes().replace(b"Action: failed", b"Action: delayed")
    [event] = events(raw)
    assert event.kind == SOFT


def test_a_redacted_complaint_is_attributed_through_the_quoted_original() -> None:
    raw = (BOUNCES / "arf-complaint.eml").read_bytes().replace(b"Original-Rcpt-To: <Annoyed@Example.com>\n", b"")
    [event] = events(raw)
    assert (event.email, event.kind, event.status) == ("annoyed@example.com", COMPLAINT, "abuse")


def test_a_complaint_naming_nobody_is_kept_as_an_event_without_address() -> None:
    raw = (BOUNCES / "arf-complaint.eml").read_bytes()
    raw = raw.replace(b"Original-Rcpt-To: <Annoyed@Example.com>\n", b"").replace(b"To: annoyed@example.com\n", b"")
    assert [e.email for e in events(raw)] == [""]


def test_not_spam_feedback_and_plain_messages_are_not_complaints() -> None:
    raw = (BOUNCES / "arf-complaint.eml").read_bytes().replace(b"Feedback-Type: abuse", b"Feedback-Type: not-spam")
    assert events(raw) == []
    assert events((BOUNCES / "auto-reply.eml").read_bytes()) is None


def test_a_dsn_recipient_block_without_status_names_the_block() -> None:
    raw = (BOUNCES / "dsn-hard.eml").read_bytes().replace(b"Status: 5.1.1\n", b"")
    with pytest.raises(InvalidInput, match="sample: recipient block 1 lacks a Final-Recipient or a Status"):
        events(raw)
