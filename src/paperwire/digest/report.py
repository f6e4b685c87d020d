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
    bounced: int = 0
    skipped: int = 0
    resent_ambiguous: int = 0  # rows resent once after a crash during DATA (may have arrived twice)
    recovered: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__ | {"day": self.day.isoformat()}
