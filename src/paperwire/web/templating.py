"""Jinja2 environment: autoescaping everywhere, shared globals."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from paperwire import __version__
from paperwire.config import Settings

TEMPLATES = Path(__file__).parent / "templates"


def make_templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES)
    templates.env.autoescape = True
    templates.env.globals.update(version=__version__, base_url=settings.base_url, site_name="paperwire")
    return templates
