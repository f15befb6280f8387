"""The playbook: defaults from the documents, TOML loading, clear errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from clientcare import Playbook
from clientcare.errors import PlaybookError


def test_defaults_follow_the_documents() -> None:
    """20/80 hard/soft weighting, CNY, Asia/Shanghai, China."""
    playbook = Playbook.default()
    assert (playbook.profile.hard_weight, playbook.profile.soft_weight) == (Decimal("0.2"), Decimal("0.8"))
    assert (playbook.locale.currency, playbook.locale.timezone, playbook.locale.country) == (
        "CNY",
        "Asia/Shanghai",
        "CN",
    )


def test_load_from_toml_file(tmp_path: Path) -> None:
    """A TOML file overrides some keys; the rest keep their defaults."""
    path = tmp_path / "playbook.toml"
    path.write_text('[locale]\ncurrency = "HKD"\ntimezone = "Asia/Hong_Kong"\n[card]\nstale_after_days = 60\n')
    playbook = Playbook.from_toml(path)
    assert playbook.locale.currency == "HKD" and playbook.card.stale_after_days == 60
    assert playbook.profile.soft_weight == Decimal("0.8")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[card]\nstale_after_days = 0\n", "card.stale_after_days"),
        ('[card]\nstale_after_days = "soon"\n', "card.stale_after_days"),
        ('[locale]\ntimezone = "Mars/Olympus"\n', "locale.timezone"),
        ("[profile]\nhard_weight = 0.5\n", "profile.hard_weight"),
        ("[card]\nstale_after = 10\n", "card.stale_after"),
        ("[cards]\nstale_after_days = 10\n", "cards"),
    ],
)
def test_wrong_value_names_the_key(text: str, field: str) -> None:
    """A wrong, mistyped or unknown key is an error naming its dotted path."""
    with pytest.raises(PlaybookError) as info:
        Playbook.from_toml(text)
    assert info.value.field == field


def test_broken_toml_is_a_playbook_error() -> None:
    """Unparseable TOML is reported as such."""
    with pytest.raises(PlaybookError):
        Playbook.from_toml("[card\n")
