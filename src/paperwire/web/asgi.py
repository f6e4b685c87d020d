"""The ASGI entry point for servers: `uvicorn --factory paperwire.web.asgi:app`.

`app` is a factory, so settings are read when a worker starts, never at import time.
"""

from __future__ import annotations

import gc

from fastapi import FastAPI

from paperwire.config import load_settings
from paperwire.web.app import create_app


def app() -> FastAPI:
    # A worker holds large long-lived structures (search index vocabulary, page caches); the default
    # collector thresholds rescan them often, which showed up as ~70 ms tail-latency stalls.
    gc.set_threshold(50_000, 50, 100)
    return create_app(load_settings())
