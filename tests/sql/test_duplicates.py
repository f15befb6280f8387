"""Likely duplicates on every backend: shared phone or e-mail, name and birthday, close names at one store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from typer.testing import CliRunner

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.cli import app
from clientcare.customers import DuplicatePair

T0 = datetime.fromisoformat("2026-03-10T10:00:00+08:00")


@pytest.fixture
def care(any_url: str) -> Iterator[clientcare.Clientcare]:
    """The facade on the memory backend and on each SQL backend."""
    with clientcare.connect(any_url, tenant="shop", clock=FixedClock(T0)) as facade:
        yield facade


def _pair(a: str, b: str, *reasons: str) -> DuplicatePair:
    first, second = sorted((a, b))
    return DuplicatePair(first_id=first, second_id=second, reasons=reasons)


def test_likely_pairs_come_with_their_reasons(care: clientcare.Clientcare, any_url: str) -> None:
    """Each kind of likeness is found; strangers, erased customers and far names are not."""
    fang = care.customers.register("王芳", "13800138000", store="S1", customer_agrees=True, birthday=date(1990, 5, 1))
    fang2 = care.customers.register("王 芳", "13900139000", store="S2", customer_agrees=True, birthday=date(1990, 5, 1))
    care.customers.set_contacts(fang2.id, [("phone", "138 0013 8000")], by="staff")
    li = care.customers.register("李娜", "13800138001", store="S1")
    li_typo = care.customers.register("李那", "13800138002", store="S1")
    care.customers.register("李娜", "13800138003", store="S2")  # the same name at another store: no
    zhao = care.customers.register("赵敏", "13800138004")
    zhao2 = care.customers.register("Zhao Min", "13800138005")
    care.customers.update_profile(zhao.id, by="staff", email="Min@Example.com")
    care.customers.update_profile(zhao2.id, by="staff", email="min@example.com")
    gone = care.customers.register("李娜娜", "13800138006", store="S1")
    care.privacy.erase(gone.id, by="li")
    care.customers.register("张伟", "13800138007", store="S1")

    assert care.customers.duplicates() == sorted(
        [
            _pair(fang.id, fang2.id, "same phone", "same name and birthday"),
            _pair(li.id, li_typo.id, "close names at the same store"),
            _pair(zhao.id, zhao2.id, "same email"),
        ],
        key=lambda p: (p.first_id, p.second_id),
    )
    result = CliRunner().invoke(app, ["customers", "duplicates", "--url", any_url, "--tenant", "shop", "--json"])
    if any_url != "memory://":  # memory keeps nothing between connections
        assert result.exit_code == 0, result.output
        assert len(json.loads(result.stdout)) == 3
        assert "王芳" not in result.stdout
