"""What a send run did: counts for logs, the CLI's --json and job rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class SendReport:
    edition_id: int
    day: date
    status: str = "sending"  # -> finished | waiting (retries later) | paused | expired | locked | done
    attempts: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    bounced: int = 0  # refused for this recipient after RCPT: the address is suppressed
    refused: int = 0  # refused for the sender or by policy (5xx): nobody suppressed
    ambiguous: int = 0  # no answer after DATA twice: may have been delivered, not resent again
    skipped: int = 0
    resent_ambiguous: int = 0  # rows resent once after a crash during DATA (may have arrived twice)
    recovered: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        """What counts against digest_pause_error_ratio (a policy refusal is also counted in retried or
        failed; a refused sender pauses at once)."""
        return self.bounced + self.failed + self.retried + self.ambiguous

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__ | {"day": self.day.isoformat()}
