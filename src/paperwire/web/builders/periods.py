"""Periods of the daily feed: a day (YYYY-MM-DD), an ISO week (YYYY-Www) or a month (YYYY-MM)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from paperwire.errors import InvalidInput

_WEEK = re.compile(r"(?P<year>\d{4})-W(?P<week>\d{2})", re.ASCII)
_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})", re.ASCII)
# Pages step a period back and forth (previous / next day, week, month): keep one period of room on
# both sides of what `date` can hold, so 9999-12-31 is a clear 400 rather than an OverflowError.
MIN_DAY, MAX_DAY = date(1, 2, 1), date(9998, 12, 31)


def _in_range(day: date, name: str, text: str) -> date:
    if not MIN_DAY <= day <= MAX_DAY:
        raise InvalidInput(f"{name}: {text[:40]!r} is out of range ({MIN_DAY} to {MAX_DAY})")
    return day


@dataclass(frozen=True)
class Period:
    kind: str  # day | week | month
    start: date
    end: date  # inclusive

    @property
    def value(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    @property
    def label(self) -> str:
        if self.kind == "week":
            year = self.start.isocalendar()[0]
            return f"Week {self.value[-2:]} of {year} ({self.start:%b %d} to {self.end:%b %d})"
        if self.kind == "month":
            return self.start.strftime("%B %Y")
        return self.start.strftime("%A, %B %d, %Y")

    def query(self) -> dict[str, str]:
        return {"date" if self.kind == "day" else self.kind: self.value}

    def containing(self, day: date) -> Period:
        """The period of the same kind that contains `day`."""
        return period_of(self.kind, day)


def period_of(kind: str, day: date) -> Period:
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period("week", start, start + timedelta(days=6))
    if kind == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period("month", day.replace(day=1), day.replace(day=last))
    return Period("day", day, day)


def parse_day(text: str, name: str = "date") -> date:
    if not text.isascii():
        raise InvalidInput(f"{name}: expected a date like 2025-01-31, got {text[:40]!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name}: expected a date like 2025-01-31, got {text[:40]!r}") from None
    return _in_range(day, name, text)


def parse_week(text: str) -> Period:
    match = _WEEK.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        start = date.fromisocalendar(int(match["year"]), int(match["week"]), 1)
    except ValueError:
        raise InvalidInput(f"week: expected an ISO week like 2025-W05, got {text[:40]!r}") from None
    return period_of("week", _in_range(start, "week", text))


def parse_month(text: str) -> Period:
    match = _MONTH.fullmatch(text)
    if match is None or not 1 <= int(match["month"]) <= 12 or int(match["year"]) < 1:
        raise InvalidInput(f"month: expected a month like 2025-01, got {text[:40]!r}")
    return period_of("month", _in_range(date(int(match["year"]), int(match["month"]), 1), "month", text))


def parse_period(day: str | None, week: str | None, month: str | None) -> Period | None:
    """The requested period, or None for 'the latest day'. At most one of the three may be given."""
    given = [(k, v) for k, v in (("date", day), ("week", week), ("month", month)) if v]
    if len(given) > 1:
        raise InvalidInput("give at most one of date, week, month")
    if not given:
        return None
    kind, value = given[0]
    if kind == "week":
        return parse_week(value)
    if kind == "month":
        return parse_month(value)
    return period_of("day", parse_day(value))
