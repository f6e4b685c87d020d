"""Papers of three clearly different fields, for the topic map tests: each field has its own words, so
k-means on the (hashing) embeddings and c-TF-IDF have something real to find."""

from __future__ import annotations

import random
from datetime import date, timedelta

from paperwire.domain.papers import PaperRecord
from tests.factories import make_record

FIELDS = {
    "cs.CV": ["image", "segmentation", "pixels", "convolutional", "camera", "detection", "visual", "object"],
    "cs.CL": ["language", "translation", "tokens", "sentences", "grammar", "dialogue", "speech", "corpus"],
    "cs.RO": ["robot", "grasping", "manipulator", "locomotion", "trajectory", "actuator", "legged", "gripper"],
}
NOISE = ["\\mathbb", "42", "of", "the", "we", "propose", "novel", "x2"]


def topic_records(per_field: int = 30, newest: date = date(2025, 3, 31), seed: int = 7) -> list[PaperRecord]:
    rng = random.Random(seed)
    records = []
    for category, words in FIELDS.items():
        for n in range(per_field):
            chosen = rng.sample(words, 5) + rng.sample(NOISE, 3)
            day = newest - timedelta(days=rng.randrange(0, 60) if n % 3 else rng.randrange(0, 5))
            records.append(
                make_record(
                    title=f"{chosen[0].title()} {chosen[1]} with {chosen[2]}",
                    abstract=" ".join(chosen + rng.sample(words, 4)) + ".",
                    categories=(category,),
                    published=day,
                    announced=day,
                )
            )
    return records
