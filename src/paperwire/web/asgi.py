"""The ASGI entry point for servers: `uvicorn --factory paperwire.web.asgi:app`.

`app` is a factory, so settings are read when a worker starts, never at import time.
"""

from __future__ import annotations

from fastapi import FastAPI

from paperwire.config import load_settings
from paperwire.web.app import create_app


def app() -> FastAPI:
    return create_app(load_settings())
