"""Public holidays the greetings cadence greets (P22), from the ``holidays`` package."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import holidays as holiday_calendars

__all__ = ["holidays_between"]


def holidays_between(
    country: str, names: Sequence[str], first: date, last: date, language: str = "en_US"
) -> list[tuple[date, str, str]]:
    """The first day of each named public holiday between ``first`` and ``last``:
    (day, English name as the playbook lists it, name in ``language`` for greetings)."""
    years = range(first.year, last.year + 1)
    calendar = holiday_calendars.country_holidays(country, years=years, language="en_US")
    supported = getattr(calendar, "supported_languages", ())
    local = (
        holiday_calendars.country_holidays(country, years=years, language=language)
        if language in supported
        else calendar
    )
    wanted = set(names)
    result: list[tuple[date, str, str]] = []
    seen: set[tuple[int, str]] = set()
    for day, label in sorted(calendar.items()):
        local_names = str(local.get(day, label)).split("; ")
        for index, name in enumerate(str(label).split("; ")):
            if "(observed)" in name or name.startswith("Day off"):
                continue
            if "*" not in wanted and name not in wanted:
                continue
            if (day.year, name) in seen:
                continue  # a holiday spanning days is greeted once, for its first day
            seen.add((day.year, name))
            if first <= day <= last:
                shown = local_names[index] if index < len(local_names) else name
                result.append((day, name, shown))
    return result
