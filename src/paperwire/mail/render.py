"""Each e-mail is a folder of three templates: subject.txt, body.txt, body.html.

`render_email` fills them and returns a multipart/alternative message (plain text first, then HTML).
Template folders live in paperwire/mail/templates/<name>/ (or any folder passed in `search_paths`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from paperwire.errors import NotFound

TEMPLATES = Path(__file__).parent / "templates"
_environments: dict[tuple[str, ...], Environment] = {}


def _environment(search_paths: Sequence[Path]) -> Environment:
    key = tuple(str(p) for p in search_paths)
    if key not in _environments:
        _environments[key] = Environment(
            loader=FileSystemLoader(list(key)),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
    return _environments[key]


def render_parts(
    name: str, context: Mapping[str, Any], search_paths: Sequence[Path] = (TEMPLATES,)
) -> tuple[str, str, str]:
    """(subject, text, html) of template folder `name`."""
    env = _environment(search_paths)
    try:
        subject = env.get_template(f"{name}/subject.txt").render(context)
        text = env.get_template(f"{name}/body.txt").render(context)
        html = env.get_template(f"{name}/body.html").render(context)
    except Exception as error:
        if type(error).__name__ == "TemplateNotFound":
            raise NotFound(f"e-mail template {name!r} is missing a file: {error}") from error
        raise
    return " ".join(subject.split()), text, html


def render_email(
    name: str,
    context: Mapping[str, Any],
    *,
    to: str,
    sender: str,
    headers: Mapping[str, str] | None = None,
    message_id: str | None = None,
    search_paths: Sequence[Path] = (TEMPLATES,),
) -> EmailMessage:
    subject, text, html = render_parts(name, context, search_paths)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id or make_msgid(domain=_domain_of(sender))
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "localhost"
