"""`python -m tests.crash_sender [POINT[:N]]`: the digest sender, killed with SIGKILL the N-th time it
reaches POINT (a SendHooks point of paperwire.digest.sender). Crash tests inject the point this way;
production code has no crash setting. Without a point it is `python -m paperwire.digest send`.
"""

from __future__ import annotations

import json
import os
import signal
import sys

from paperwire.config import load_settings
from paperwire.services import build_services


class KillAt:
    def __init__(self, spec: str) -> None:
        name, _, count = spec.partition(":")
        self.name, self.remaining = name, int(count or 1)

    def reach(self, point: str) -> None:
        if point != self.name:
            return
        self.remaining -= 1
        if self.remaining <= 0:
            os.kill(os.getpid(), signal.SIGKILL)


def main(argv: list[str]) -> int:
    hooks = KillAt(argv[0]) if argv and argv[0] else None
    reports = build_services(load_settings()).digest.send(hooks=hooks)
    sys.stdout.write(json.dumps([r.as_dict() for r in reports]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
