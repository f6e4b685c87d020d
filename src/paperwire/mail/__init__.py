"""The one mail module: backends (smtp, console, memory) and template-folder rendering.

Transactional mail (accounts) and digests both send through `build_mailer(settings)`.
"""

from paperwire.mail.backends import (
    ConsoleMailer,
    Mailer,
    MailPermanentError,
    MailTemporaryError,
    MemoryMailer,
    SMTPMailer,
    build_mailer,
    failure_fields,
)
from paperwire.mail.render import render_email

__all__ = [
    "ConsoleMailer",
    "MailPermanentError",
    "MailTemporaryError",
    "Mailer",
    "MemoryMailer",
    "SMTPMailer",
    "build_mailer",
    "failure_fields",
    "render_email",
]
