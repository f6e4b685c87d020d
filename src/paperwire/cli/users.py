"""`paperwire users create | list | show | ban | unban | promote | demote | delete`: accounts, for operators.

USER is an account id or e-mail address. Writers take --dry-run; every command takes --json.
"""

from __future__ import annotations

import sys

import typer
from rich.table import Table
from sqlalchemy import Engine

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
from paperwire.community import operators
from paperwire.community.accounts import create_account

users_app = typer.Typer(help="Community accounts (operators).", no_args_is_help=True)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("create")
def create(
    email: str = typer.Argument(..., help="The account's e-mail address."),
    admin: bool = typer.Option(False, "--admin", help="Make the account an administrator (moderation)."),
    name: str = typer.Option("", "--name", help="Display name (default: the address's local part)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin's first line."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check everything; create nothing."),
    json_output: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Create a verified account; prompts for the password unless --password-stdin."""
    services = _common.services()
    require_schema(services.engine)
    password = _read_password(password_stdin)
    service = services.community.accounts
    result = create_account(service, email, password, admin=admin, display_name=name, dry_run=dry_run)
    if json_output:
        _common.print_json(result)
    elif dry_run:
        _common.console.print(f"Would create {'admin ' if admin else ''}account {result['email']}.")
    else:
        _common.console.print(f"Created {'admin ' if admin else ''}account {result['email']} (id {result['id']}).")


USER_ARGUMENT = typer.Argument(..., help="Account id or e-mail address.")
JSON_OPTION = typer.Option(False, "--json", help="Print JSON.")
DRY_RUN_OPTION = typer.Option(False, "--dry-run", help="Check everything; change nothing.")
COLUMNS = (
    "id",
    "email",
    "display_name",
    "verified",
    "admin",
    "banned",
    "created_at",
    "votes",
    "comments",
    "submissions",
)


def _engine() -> Engine:
    engine = _common.engine()
    require_schema(engine)
    return engine


@users_app.command("list")
def list_users(
    admins: bool = typer.Option(False, "--admins", help="Only administrators."),
    banned: bool = typer.Option(False, "--banned", help="Only banned accounts."),
    limit: int = typer.Option(100, "--limit", min=1, max=10_000, help="At most this many, newest first."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Accounts, newest first, with their votes, comments and submissions."""
    accounts = operators.list_accounts(_engine(), admins=admins, banned=banned, limit=limit)
    if json_output:
        _common.print_json(accounts)
        return
    table = Table(*COLUMNS, title=f"{len(accounts):,} account{'s' if len(accounts) != 1 else ''}")
    table.columns[1].overflow = "fold"  # addresses are never cut short
    for account in accounts:
        table.add_row(*(_cell(account[c])[:10] if c == "created_at" else _cell(account[c]) for c in COLUMNS))
    _common.console.print(table)


@users_app.command("show")
def show(user: str = USER_ARGUMENT, json_output: bool = JSON_OPTION) -> None:
    """One account: flags, dates and activity counts."""
    account = operators.show_account(_engine(), user)
    if json_output:
        _common.print_json(account)
        return
    table = Table(show_header=False)
    for key in COLUMNS:
        table.add_row(key, _cell(account[key]))
    _common.console.print(table)


def _cell(value: object) -> str:
    return "yes" if value is True else "no" if value is False else str(value)


def _report(result: dict[str, object], json_output: bool, done: str, would: str, state: str = "") -> None:
    if json_output:
        _common.print_json(result)
        return
    if not result.get("changed", True):
        line = f"{result['email']} (id {result['id']}) is already {state}: nothing changed."
    else:
        line = f"{'dry run: would ' + would if result['dry_run'] else done} {result['email']} (id {result['id']})"
    _common.console.print(line, highlight=False, markup=False, soft_wrap=True)


@users_app.command("ban")
def ban(user: str = USER_ARGUMENT, dry_run: bool = DRY_RUN_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Ban an account: it is logged out, cannot log in, and its votes stop counting."""
    _report(operators.set_banned(_engine(), user, True, dry_run=dry_run), json_output, "banned", "ban", "banned")


@users_app.command("unban")
def unban(user: str = USER_ARGUMENT, dry_run: bool = DRY_RUN_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Lift a ban: the account may log in again and its votes count again."""
    _report(
        operators.set_banned(_engine(), user, False, dry_run=dry_run), json_output, "unbanned", "unban", "not banned"
    )


@users_app.command("promote")
def promote(user: str = USER_ARGUMENT, dry_run: bool = DRY_RUN_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Make an account an administrator (moderation pages)."""
    _report(
        operators.set_admin(_engine(), user, True, dry_run=dry_run),
        json_output,
        "promoted",
        "promote",
        "an administrator",
    )


@users_app.command("demote")
def demote(user: str = USER_ARGUMENT, dry_run: bool = DRY_RUN_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Take administrator rights away (never from the last administrator)."""
    _report(
        operators.set_admin(_engine(), user, False, dry_run=dry_run),
        json_output,
        "demoted",
        "demote",
        "not an administrator",
    )


@users_app.command("delete")
def delete(user: str = USER_ARGUMENT, dry_run: bool = DRY_RUN_OPTION, json_output: bool = JSON_OPTION) -> None:
    """Delete an account with its sessions, tokens, votes, comments and submissions."""
    _report(operators.delete_account(_engine(), user, dry_run=dry_run), json_output, "deleted", "delete")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
