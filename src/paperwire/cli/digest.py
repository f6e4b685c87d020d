"""`paperwire digest send | status | preview | resume | bounces` and `paperwire subscribers add | list`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
from paperwire.digest.compose import body_of
from paperwire.digest.service import DigestService

digest_app = typer.Typer(
    help="E-mail digests: send editions, show status, preview, read bounces.", no_args_is_help=True
)
subscribers_app = typer.Typer(help="Digest subscribers (operators).", no_args_is_help=True)
JSON_OPTION = typer.Option(False, "--json", help="Print JSON.")
DRY_RUN_OPTION = typer.Option(False, "--dry-run", help="Compose in memory; write and send nothing.")


def service() -> DigestService:
    services = _common.services()
    require_schema(services.engine)
    return services.digest


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"expected a day like 2026-12-01, got {text!r}") from None


@digest_app.command("send")
def send(
    dry_run: bool = DRY_RUN_OPTION,
    only: str = typer.Option(None, "--only", help="Send only to this address (it must be due today)."),
    day: str = typer.Option(None, "--day", help="Edition day, YYYY-MM-DD (default: today, UTC)."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Prepare today's edition if needed and send every open edition (resumes after a crash)."""
    when = parse_day(day) if day else None
    if dry_run:
        result: list[dict[str, object]] = [service().dry_run(when, only)]
    else:
        result = [r.as_dict() for r in service().send(when, only)]
    if json_output:
        _common.print_json(result[0] if dry_run else result)
        return
    for line in result:
        _common.console.print(", ".join(f"{k} {v}" for k, v in line.items()), highlight=False, markup=False)


@digest_app.command("status")
def status(json_output: bool = JSON_OPTION) -> None:
    """Subscribers by status and the latest editions with their ledger counts."""
    data = service().status()
    if json_output:
        _common.print_json(data)
        return
    people = Table("status", "subscribers", title="Subscribers")
    for state, count in sorted(data["subscribers"].items()):
        people.add_row(state, f"{count:,}")
    _common.console.print(people if data["subscribers"] else "No subscribers yet.")
    editions = Table("day", "edition", "status", "sends", "ambiguous resends", "note", title="Latest editions")
    for e in data["editions"]:
        sends = ", ".join(f"{k} {v:,}" for k, v in sorted(e["sends"].items())) or "none"
        editions.add_row(e["day"], f"#{e['id']}", e["status"], sends, str(e["resent_ambiguous"]), e["note"] or "")
    _common.console.print(editions if data["editions"] else "No editions yet.")


@digest_app.command("preview")
def preview(
    email: str,
    html: bool = typer.Option(False, "--html", help="Print the HTML part."),
    day: str = typer.Option(None, "--day", help="Edition day, YYYY-MM-DD (default: today, UTC)."),
) -> None:
    """Print the edition EMAIL gets (today, or --day); nothing is written or sent."""
    message = service().preview(email, parse_day(day) if day else None)
    # Written as is: the console would wrap long lines, and the HTML must stay byte-for-byte the e-mail's.
    sys.stdout.write(f"Subject: {message['Subject']}\n\n{body_of(message, 'html' if html else 'plain')}\n")


@digest_app.command("resume")
def resume(day: str = typer.Argument(..., help="The paused edition's day, YYYY-MM-DD.")) -> None:
    """Resume a paused edition (then run `digest send`)."""
    service().resume(parse_day(day))


@digest_app.command("bounces")
def bounces(
    path: Path = typer.Argument(
        ...,
        exists=True,
        readable=True,
        metavar="FILE",
        help="A DSN or feedback report (.eml), an mbox, or a folder of them.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Read and count what would change; write nothing."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Read bounce (DSN, RFC 3464) and complaint (ARF, RFC 5965) reports: suppress hard bounces and
    complaints, score soft bounces. Every message is read before anything is written."""
    services = _common.services()
    require_schema(services.engine)
    with _common.progress("messages") as bar:
        task = bar.add_task("reading reports", total=None, rate="")
        events, report = services.bounces.read(path, step=lambda: bar.advance(task))
    report = services.bounces.apply(events, report, dry_run=dry_run)
    if json_output:
        _common.print_json(report.as_dict())
        return
    counts = report.as_dict()
    line = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "dry_run")
    _common.console.print(("dry run: " if dry_run else "") + line, highlight=False, markup=False)


@subscribers_app.command("add")
def add(
    email: str,
    confirmed: bool = typer.Option(False, "--confirmed", help="Skip double opt-in (you vouch for the address)."),
    dry_run: bool = DRY_RUN_OPTION,
    json_output: bool = JSON_OPTION,
) -> None:
    """Add a subscriber: confirmed directly, or by sending the confirmation e-mail."""
    services = _common.services()
    require_schema(services.engine)
    subscriptions = services.subscriptions
    action = "add confirmed" if confirmed else "send confirmation to"
    if confirmed and not dry_run:
        subscriptions.add_confirmed(email)
    elif not dry_run:
        for message in subscriptions.request(email):
            services.mailer.send(message)
    result = {"email": email, "action": action, "dry_run": dry_run}
    if json_output:
        _common.print_json(result)
    else:
        _common.console.print(
            ("dry run: would " if dry_run else "") + f"{action} {email}", highlight=False, markup=False
        )


def register(app: typer.Typer) -> None:
    app.add_typer(digest_app, name="digest")
    app.add_typer(subscribers_app, name="subscribers")
