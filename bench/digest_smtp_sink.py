"""A lean SMTP sink for the digest benchmark: accepts and counts messages (run as its own process).

It advertises PIPELINING (RFC 2920), as Postfix, Exim and the hosted relays do; aiosmtpd reads commands from
a buffered stream, so pipelined commands are answered in order. `--no-pipelining` measures the four-round-trip
path.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, pipelining: bool = True) -> None:
        self.count, self.pipelining = 0, pipelining

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]] if self.pipelining else responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


if __name__ == "__main__":
    controller = Controller(Sink("--no-pipelining" not in sys.argv), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()
