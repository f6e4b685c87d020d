"""Author name variants: the rule author pages and follows use to merge spellings of one person."""

from __future__ import annotations

import pytest

from paperwire.domain.papers import is_author_variant


@pytest.mark.parametrize(
    "name", ["Jun Suzuki", "jun suzuki", "JUN SUZUKI", "J. Suzuki", "J Suzuki", "Jún Suzuki", "Suzuki, Jun"]
)
def test_spellings_of_one_person_are_variants(name: str) -> None:
    assert is_author_variant("jun suzuki", name)


@pytest.mark.parametrize("name", ["Jiro Suzuki", "Jun Sato", "Suzuki", "Junko Suzukiya", ""])
def test_other_people_are_not_variants(name: str) -> None:
    assert not is_author_variant("jun suzuki", name)
