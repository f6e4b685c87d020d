"""The mail module against a real SMTP server on loopback."""

from __future__ import annotations

import pytest

from paperwire.config import load_settings
from paperwire.errors import InvalidInput
from paperwire.mail import MailPermanentError, MailTemporaryError, SMTPMailer, build_mailer, render_email
from tests.smtpserver import RecordingHandler, free_port, smtp_server


def sample_message(to: str = "reader@example.org"):
    return render_email("test-message", {"name": "<Ada>"}, to=to, sender="paperwire <digest@paperwire.test>")


def test_rendered_message_is_plain_text_then_html_with_escaping() -> None:
    message = sample_message()
    parts = [p.get_content_type() for p in message.iter_parts()]
    assert message.get_content_type() == "multipart/alternative"
    assert parts == ["text/plain", "text/html"]
    assert message["Subject"] == "Hello <Ada>"
    assert "&lt;Ada&gt;" in message.get_body(("html",)).get_content()
    assert message["Message-ID"].endswith("@paperwire.test>")


def test_smtp_mailer_delivers_over_one_connection() -> None:
    with smtp_server() as (url, handler):
        mailer = SMTPMailer(url)
        with mailer.session() as session:
            session.send(sample_message("a@example.org"))
            session.send(sample_message("b@example.org"))
    assert [r.rcpt_tos for r in handler.received] == [["a@example.org"], ["b@example.org"]]


def test_smtp_550_is_a_permanent_error_and_451_a_temporary_one() -> None:
    replies = {"gone@example.org": "550 No such user", "busy@example.org": "451 Try again later"}
    handler = RecordingHandler(rcpt_hook=replies.get)
    with smtp_server(handler) as (url, _):
        mailer = SMTPMailer(url)
        with pytest.raises(MailPermanentError, match="550"):
            mailer.send(sample_message("gone@example.org"))
        with pytest.raises(MailTemporaryError, match="451"):
            mailer.send(sample_message("busy@example.org"))


def test_unreachable_smtp_server_is_a_temporary_error() -> None:
    with pytest.raises(MailTemporaryError, match="unreachable"):
        SMTPMailer(f"smtp://127.0.0.1:{free_port()}", timeout_s=2).send(sample_message())


def test_backend_is_chosen_by_short_name() -> None:
    assert type(build_mailer(load_settings({}, mail_backend="memory"))).__name__ == "MemoryMailer"
    with pytest.raises(InvalidInput, match="MAIL_BACKEND"):
        build_mailer(load_settings({}, mail_backend="pigeon"))


def test_smtp_is_the_default_backend_once_a_server_url_is_set() -> None:
    url = "smtp://mail.example.org:587"
    assert load_settings({}).mail_backend == "console"
    assert load_settings({"PAPERWIRE_SMTP_URL": url}).mail_backend == "smtp"
    assert load_settings({"PAPERWIRE_SMTP_URL": url, "PAPERWIRE_MAIL_BACKEND": "console"}).mail_backend == "console"


def test_a_failed_message_is_logged_with_the_servers_reply_code_and_text(caplog: pytest.LogCaptureFixture) -> None:
    from paperwire.community.mail import send_all

    handler = RecordingHandler(rcpt_hook=lambda address: "452 4.2.2 Mailbox full, try later")
    with smtp_server(handler) as (url, _), caplog.at_level("WARNING"):
        send_all(SMTPMailer(url, timeout_s=5), [sample_message()])
    [record] = [r for r in caplog.records if r.getMessage() == "community.mail_failed"]
    assert (record.smtp_code, record.smtp_reply) == (452, "4.2.2 Mailbox full, try later")


def test_send_reporting_returns_the_answer_to_the_content() -> None:
    with smtp_server() as (url, handler):
        answer = SMTPMailer(url, timeout_s=5).send_reporting(sample_message())
    assert answer == (250, "Message accepted for delivery")
    assert len(handler.received) == 1
