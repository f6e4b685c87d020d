"""`paperwire mail test ADDRESS`: send one message through the configured backend and show the answer."""

from __future__ import annotations

import typer

from paperwire.cli import _common
from paperwire.errors import InvalidInput
from paperwire.mail import SMTPMailer, build_mailer, render_email

app = typer.Typer(help="Outgoing mail (PAPERWIRE_MAIL_BACKEND, PAPERWIRE_SMTP_URL).", no_args_is_help=True)


@app.command("test")
def send_test(
    address: str = typer.Argument(..., help="Where to send the test message."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Compose the message and show the backend; send nothing."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Send one test message and report the server's answer (SMTP code and text)."""
    if "@" not in address or any(c.isspace() for c in address.strip()):
        raise InvalidInput(f"ADDRESS: expected an e-mail address, got {address[:80]!r}")
    settings = _common.settings()
    mailer = build_mailer(settings)
    context = {"name": address.split("@")[0]}
    message = render_email("test-message", context, to=address.strip(), sender=settings.mail_from)
    result: dict[str, object] = {"to": address.strip(), "backend": settings.mail_backend, "dry_run": dry_run}
    if isinstance(mailer, SMTPMailer):
        result["server"] = f"{mailer.host}:{mailer.port}"
    if not dry_run:
        code, reply = mailer.send_reporting(message) if isinstance(mailer, SMTPMailer) else (None, "")
        if not isinstance(mailer, SMTPMailer):
            mailer.send(message)
        result |= {"smtp_code": code, "smtp_reply": reply}
    if json_output:
        _common.print_json(result)
    else:
        _common.console.print(_summary(result), highlight=False, markup=False, soft_wrap=True)


def _summary(result: dict[str, object]) -> str:
    where = f"{result['backend']} backend" + (f" ({result['server']})" if "server" in result else "")
    if result["dry_run"]:
        return f"dry run: would send a test message to {result['to']} through the {where}"
    if result.get("smtp_code") is None:
        return f"sent a test message to {result['to']} through the {where} (no SMTP server involved)"
    return f"sent a test message to {result['to']} through the {where}: {result['smtp_code']} {result['smtp_reply']}"


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="mail")
