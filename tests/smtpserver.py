"""A real SMTP server on loopback (aiosmtpd) for tests, with scriptable failures."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """Stores every accepted message; `mail_hook` / `rcpt_hook` / `data_hook` may return an SMTP reply to refuse."""

    received: list[Received] = field(default_factory=list)
    mail_hook: Callable[[str], str | None] | None = None
    rcpt_hook: Callable[[str], str | None] | None = None
    data_hook: Callable[[EmailMessage], str | None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, mail_options: Any) -> str:
        if self.mail_hook and (reply := self.mail_hook(address)):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if self.rcpt_hook and (reply := self.rcpt_hook(address)):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        if self.data_hook and (reply := self.data_hook(message)):
            return reply
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(
    handler: RecordingHandler | None = None, host: str = "127.0.0.1", **server_options: Any
) -> Iterator[tuple[str, RecordingHandler]]:
    """Start aiosmtpd on `host` (loopback unless told) on a free port; yields (smtp_url, handler).
    `server_options` go to aiosmtpd's SMTP (e.g. auth_required=True: every MAIL FROM gets 530 until the client
    authenticates)."""
    handler = handler or RecordingHandler()
    port = free_port(host)
    controller = Controller(handler, hostname=host, port=port, **server_options)
    controller.start()
    try:
        yield f"smtp://{host}:{port}", handler
    finally:
        controller.stop()
