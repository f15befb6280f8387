"""Issue 17 playbook keys: one card-reminder setting, deprecated keys read with a warning, occasions in TOML."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import attrs
import pytest

from clientcare import Playbook
from clientcare.errors import PlaybookError
from clientcare.playbook import DEPRECATED_KEYS, GreetingRules, MembershipRules, OccasionRules, ProfileWeights

ROOT = Path(__file__).resolve().parent.parent


def test_the_older_card_reminder_key_is_read_as_the_membership_one() -> None:
    """cadences.greetings.card_expiry_days_ahead lands on membership.expiry_reminder_days, with a warning."""
    with pytest.warns(DeprecationWarning, match="use membership.expiry_reminder_days"):
        playbook = Playbook.from_toml("[cadences.greetings]\ncard_expiry_days_ahead = [7, 30]\n")
    assert playbook.membership.expiry_reminder_days == (30, 7)
    assert playbook.membership.first_reminder_days == 30


def test_the_older_invitation_key_is_read_as_old_customers_only() -> None:
    """membership.invite_old_customers_only is the older name of membership.old_customers_only."""
    with pytest.warns(DeprecationWarning, match="use membership.old_customers_only"):
        playbook = Playbook.from_toml("[membership]\ninvite_old_customers_only = false\n")
    assert playbook.membership.old_customers_only is False


@pytest.mark.parametrize(("old", "new"), sorted(DEPRECATED_KEYS.items()))
def test_giving_a_key_and_its_older_name_is_refused(old: str, new: str) -> None:
    """Both names at once would leave one of them unread: a PlaybookError names the older key."""
    value = "[30]" if new.endswith("days") else "true"
    data: dict[str, object] = {}
    for key in (old, new):
        *tables, name = key.split(".")
        target = data
        for table in tables:
            target = target.setdefault(table, {})  # type: ignore[assignment]
        target[name] = value  # type: ignore[index]
    text = "".join(_toml(data))
    with pytest.raises(PlaybookError) as error:
        Playbook.from_toml(text)
    assert error.value.field == old and "deprecated" in error.value.rule


def _toml(data: dict[str, object], prefix: str = "") -> list[str]:
    lines = [f"{k} = {v}\n" for k, v in data.items() if not isinstance(v, dict)]
    out = [f"[{prefix}]\n", *lines] if prefix and lines else lines
    for key, value in data.items():
        if isinstance(value, dict):
            out += _toml(value, f"{prefix}.{key}".lstrip("."))
    return out


def test_one_number_of_days_is_one_reminder_and_nothing_else_is_a_number_of_days() -> None:
    """The older form (one int) still loads; no days, zero or negative days are refused, naming the key."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Playbook.from_toml("[membership]\nexpiry_reminder_days = 20\n").membership.expiry_reminder_days == (20,)
    for bad in ("[0]", "[]", "-3", "[7, -1]"):
        with pytest.raises(PlaybookError) as error:
            Playbook.from_toml(f"[membership]\nexpiry_reminder_days = {bad}\n")
        assert error.value.field == "membership.expiry_reminder_days"


def test_the_occasions_example_of_docs_cadences_loads() -> None:
    """The TOML block of docs/cadences.md's occasions section is a valid playbook."""
    text = (ROOT / "docs" / "cadences.md").read_text(encoding="utf-8")
    section = text[text.index("`[cadences.occasions]`") :]
    block = re.search(r"```toml\n(.*?)```", section, re.S)
    assert block is not None
    playbook = Playbook.from_toml(block.group(1))
    conference = playbook.cadences.occasions.conference
    assert (conference.dates, conference.audience, conference.personal, conference.days_ahead) == (
        ("05-20",),
        "key",
        True,
        14,
    )


def test_a_wrong_occasion_is_refused_naming_its_key() -> None:
    """An audience or a date the planner cannot use is a PlaybookError on load."""
    for line, key in (
        ('dates = ["13-01"]\naudience = "key"\npersonal = true\ndays_ahead = 1', "dates"),
        ('dates = ["05-20"]\naudience = "vips"\npersonal = true\ndays_ahead = 1', "audience"),
        ('dates = ["05-20"]\naudience = "key"\npersonal = true\ndays_ahead = -1', "days_ahead"),
    ):
        with pytest.raises(PlaybookError) as error:
            Playbook.from_toml(f"[cadences.occasions.brochure]\n{line}\n")
        assert error.value.field.endswith(key), error.value.field


def test_new_defaults_carry_their_provenance() -> None:
    """The defaults issue 17 adds or changes say whether they come from the documents or are assumptions."""
    for cls, name in (
        (MembershipRules, "old_customers_only"),
        (MembershipRules, "levels"),
        (MembershipRules, "expiry_reminder_days"),
        (GreetingRules, "holiday_gifts"),
        (OccasionRules, "brochure"),
        (OccasionRules, "conference"),
        (OccasionRules, "award_event"),
        (ProfileWeights, "b2b_tag"),
    ):
        mark = attrs.fields_dict(cls)[name].metadata["provenance"]
        if mark["source"] == "documents":
            assert set(mark) == {"source", "seed", "passage"} and mark["passage"], name
            seeds = {p.name[:3]: p for p in (ROOT.parent.parent / "shared" / "seeds").glob("*.txt")}
            if seeds:  # the passage is quoted exactly as the seed has it
                assert mark["passage"] in seeds[mark["seed"]].read_text(encoding="utf-8"), name
        else:
            assert mark["source"] == "assumption" and mark["why"], name
