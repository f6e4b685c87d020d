"""The topic map: every recent paper as a point in 2-D, grouped into labelled topics (docs/topic-map.md)."""

from paperwire.topics.model import Topic, TopicMap

__all__ = ["Topic", "TopicMap"]
