"""Response models of the topic map's JSON endpoints (/api/map*, /api/topics/{id}, /api/rising), for
/openapi.json; tests/functional/test_topic_pages.py validates real answers against them."""

from __future__ import annotations

from pydantic import Field

from paperwire.web.schema import DailyItem, _Model


class MapSummary(_Model):
    papers: int = Field(description="points on the map (built + placed since)")
    built: int = Field(description="papers placed by the last full build")
    days: int
    reducer: str = Field(description="tsne | pca")
    built_at: str
    version: str = Field(description="the map generation; changes with every build or update")
    points_url: str = Field(description="the binary points (docs/api.md: 'PWM1', n, topics, x[], y[], topic[])")


class TopicPublic(_Model):
    id: int
    label: str
    terms: list[str]
    size: int
    x: float = Field(description="label position, 0..1 (as the points)")
    y: float
    neighbours: list[int]
    url: str


class MapPublic(_Model):
    map: MapSummary
    topics: list[TopicPublic]


class MapPoint(_Model):
    row: int
    id: str
    title: str
    url: str
    topic: int | None
    topic_label: str | None


class MapMatches(_Model):
    query: str
    rows: list[int] = Field(description="map rows of the matches, best first")


class MapMine(_Model):
    signed_in: bool
    upvoted: list[int] = Field(description="map rows of the viewer's upvoted papers")
    saved: list[int] = Field(description="map rows of the papers in the viewer's library")


class TopicInPage(_Model):
    id: int
    label: str
    terms: list[str]
    size: int
    x: float
    y: float
    neighbours: list[int]
    papers_now: int
    url: str


class TopicLink(_Model):
    id: int
    label: str
    url: str


class TopicPage(_Model):
    topic: TopicInPage
    neighbours: list[TopicLink]
    papers: list[DailyItem] = Field(description="the topic's newest papers")
    trending: list[DailyItem] = Field(description="the topic's papers by the trending formula")
    map_days: int


class PaperLink(_Model):
    id: str
    title: str
    url: str


class RisingTopic(_Model):
    id: int
    label: str
    terms: list[str]
    url: str
    papers: int = Field(description="the topic's new papers in the window")
    previous: int = Field(description="... in the window before")
    share: float = Field(description="percent of the window's new papers")
    previous_share: float
    growth: float = Field(description="share - previous_share, in percentage points")
    weekly_share: list[float] = Field(description="percent of each week's new papers, oldest first (sparkline)")
    drivers: list[PaperLink] = Field(description="the papers that drove it, in trending order")


class RisingSummary(_Model):
    papers: int
    built_at: str


class RisingPage(_Model):
    days: int
    map: RisingSummary
    topics: list[RisingTopic]
    weeks: list[str] = Field(description="the last day of each sparkline week")
