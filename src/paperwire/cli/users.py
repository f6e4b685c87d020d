"""`paperwire users create [--admin] EMAIL`: accounts made by the operator (verified at once)."""

from __future__ import annotations

import sys

import typer

from paperwire.cli import _common
from paperwire.cli._guard import require_schema
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


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
