"""Records and yearly statistics of the desk (the figures of the seed's yearly summary and of informant
assessment): signed issues per month, entries per kind (社情民意 among them), what each recipient received,
and per informant — or per unit, for readers who may not see names — submitted, adopted and the rate.
Issues count by when they were signed; submissions by when they were made (adopted = went out in a
signed issue, whenever that was)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from dashboard.core import store
from dashboard.core.desk.kinds import PUBLIC_SENTIMENT


@dataclass(frozen=True)
class Span:
    start: datetime | None      # inclusive; None = open
    end: datetime | None        # exclusive

    @classmethod
    def year(cls, year: int) -> "Span":
        return cls(datetime(year, 1, 1), datetime(year + 1, 1, 1))

    def params(self) -> dict:
        return {"start": self.start, "end": self.end}


@dataclass(frozen=True)
class Totals:
    issues: int
    entries: int
    public_sentiment: int       # 社情民意 entries

    def sentence(self) -> str:
        return f"共编发《重要舆情摘报》{self.issues} 期，刊发信息 {self.entries} 条，其中社情民意 {self.public_sentiment} 条。"


def by_month(con, span: Span) -> pd.DataFrame:
    return store.run_query(con, "issues/stats_by_month", **span.params())


def by_kind(con, span: Span) -> pd.DataFrame:
    return store.run_query(con, "issues/stats_by_kind", **span.params())


def by_recipient(con, span: Span) -> pd.DataFrame:
    return store.run_query(con, "issues/stats_by_recipient", **span.params())


def by_unit(con, span: Span) -> pd.DataFrame:
    return store.run_query(con, "issues/stats_by_unit", **span.params())


def by_informant(con, span: Span) -> pd.DataFrame:
    """Names informants: editors and administrators only (the pages reach it through the choke point)."""
    return store.run_query(con, "desk/stats_by_informant", **span.params())


def totals(months: pd.DataFrame, kinds: pd.DataFrame) -> Totals:
    sentiment = kinds.loc[kinds["content_kind"] == PUBLIC_SENTIMENT, "entries"]
    return Totals(int(months["issues"].sum()), int(months["entries"].sum()),
                  int(sentiment.iloc[0]) if len(sentiment) else 0)


def this_year(today: date) -> Span:
    return Span.year(today.year)
