"""Periods, the monitoring day and the dashboard filters, as query parameters.

Every query over items takes the same parameters (see queries/schema/002_filters.sql):
$start (inclusive), $end (exclusive), $categories, $channels, $regions,
$departments, $sentiments, $keyword, and where it buckets by day $day_start_hour.
`Filters.params()` produces them; None means "all".
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta

MONITORING_DAY_START_HOUR = 8  # the 08:00-to-08:00 monitoring day (DOMAIN.md)
UNLABELLED = "未标注"          # shown for items without a department/channel/region


@dataclass(frozen=True)
class Period:
    start: datetime   # inclusive, Asia/Shanghai local
    end: datetime     # exclusive

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> "Period":
        """The period of equal length just before this one (环比)."""
        return Period(self.start - self.length, self.start)

    def year_before(self) -> "Period":
        """The same period one year earlier (同比)."""
        def back(moment: datetime) -> datetime:
            try:
                return moment.replace(year=moment.year - 1)
            except ValueError:  # 29 February
                return moment.replace(year=moment.year - 1, day=28)
        return Period(back(self.start), back(self.end))


def day_period(day: date, day_start_hour: int = 0) -> Period:
    """One day: calendar (hour 0) or the monitoring day starting at `day_start_hour` on `day`."""
    start = datetime.combine(day, time(hour=day_start_hour))
    return Period(start, start + timedelta(days=1))


def days_period(first: date, last: date, day_start_hour: int = 0) -> Period:
    """From the start of day `first` to the end of day `last`, both inclusive."""
    return Period(day_period(first, day_start_hour).start, day_period(last, day_start_hour).end)


def current_day(now: datetime, day_start_hour: int = 0) -> date:
    """The day `now` falls on under this day boundary (07:59 belongs to yesterday's monitoring day)."""
    return (now - timedelta(hours=day_start_hour)).date()


@dataclass(frozen=True)
class Filters:
    period: Period | None = None
    categories: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    departments: tuple[str, ...] | None = None
    sentiments: tuple[str, ...] | None = None
    keyword: str | None = None
    day_start_hour: int = 0

    def params(self) -> dict:
        """The standard query parameters; empty selections mean 'all' (NULL)."""
        def listed(values):
            return list(values) if values else None
        return {
            "start": self.period.start if self.period else None,
            "end": self.period.end if self.period else None,
            "categories": listed(self.categories),
            "channels": listed(self.channels),
            "regions": listed(self.regions),
            "departments": listed(self.departments),
            "sentiments": listed(self.sentiments),
            "keyword": (self.keyword or "").strip() or None,
        }

    def with_period(self, period: Period | None) -> "Filters":
        return replace(self, period=period)

    def describe(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, (), "")}
