"""`python -m paperwire.digest send [YYYY-MM-DD]`: the sender alone, without importing the whole CLI.

The same service call as `paperwire digest send`, on the same services (paperwire.services).
"""

from __future__ import annotations

import json
import sys
from datetime import date

from paperwire.config import load_settings
from paperwire.services import build_services


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "send":
        sys.stderr.write("usage: python -m paperwire.digest send [YYYY-MM-DD]\n")
        return 2
    try:
        day = date.fromisoformat(argv[1]) if len(argv) > 1 else None
    except ValueError:
        sys.stderr.write(f"error: expected a day like 2026-12-01, got {argv[1]!r}\n")
        return 2
    services = build_services(load_settings())
    reports = services.digest.send(day)
    sys.stdout.write(json.dumps([r.as_dict() for r in reports]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
