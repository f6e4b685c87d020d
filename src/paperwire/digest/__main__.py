"""`python -m paperwire.digest send [--day D]`: the sender alone, with the CLI's settings (used by crash tests).

Same service call as `paperwire digest send`, without importing every CLI module (faster start).
"""

from __future__ import annotations

import json
import sys
from datetime import date

from paperwire.config import load_settings
from paperwire.digest.service import DigestService
from paperwire.storage.db import make_engine


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "send":
        sys.stderr.write("usage: python -m paperwire.digest send [YYYY-MM-DD]\n")
        return 2
    settings = load_settings()
    day = date.fromisoformat(argv[1]) if len(argv) > 1 else None
    reports = DigestService(make_engine(settings), settings).send(day)
    sys.stdout.write(json.dumps([r.as_dict() for r in reports]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
