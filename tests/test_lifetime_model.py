"""Lifetime models: the paper's worked example, errors on too little data, the missing extra."""

from __future__ import annotations

import builtins
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

import clientcare
from clientcare.analytics import (
    BgNbdParameters,
    CustomerHistory,
    GammaGammaParameters,
    LifetimeModel,
    fit_bgnbd,
)
from clientcare.errors import ConfigurationError, RuleViolation, ValidationError

pytest.importorskip("scipy", reason="needs the predict extra")

# Fader, Hardie and Lee (2005), Table 1: the BG/NBD estimates on CDNOW.
PAPER = BgNbdParameters(r=0.242594, alpha=4.413603, a=0.792923, b=2.425909, log_likelihood=-9582.4, customers=2357)
SPEND = GammaGammaParameters(p=6.25, q=3.74, v=15.44, log_likelihood=-4055.9, customers=946)


def _model(*histories: CustomerHistory) -> LifetimeModel:
    return LifetimeModel(
        until=date(1997, 9, 30), unit_days=7, currency="USD", purchases=PAPER, spend=SPEND, histories=histories
    )


def test_conditional_expectation_matches_the_papers_worked_example() -> None:
    """x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39 weeks, as in the paper."""
    history = CustomerHistory(customer_id="c", x=2, t_x=30.43, T=38.86, average_value=Decimal("30"))
    (life,) = _model(history).customers(39, discount_rate=Decimal("0.1"), margin=Decimal("0.3"))
    assert round(life.expected_purchases, 3) == 1.226
    assert 0 < life.probability_alive < 1


def test_order_value_shrinks_towards_the_population_mean() -> None:
    """Gamma-Gamma's expected order value lies between the customer's average and the population mean."""
    population = SPEND.p * SPEND.v / (SPEND.q - 1)
    heavy = CustomerHistory(customer_id="h", x=5, t_x=30.0, T=38.0, average_value=Decimal("120"))
    (life,) = _model(heavy).customers(10, discount_rate=Decimal("0"), margin=Decimal("1"))
    assert population < float(life.expected_order_value.amount) < 120


def test_lifetime_value_falls_with_the_discount_rate_and_scales_with_the_margin() -> None:
    """A higher discount rate lowers the value; half the margin halves it."""
    history = CustomerHistory(customer_id="c", x=3, t_x=20.0, T=30.0, average_value=Decimal("40"))
    model = _model(history)

    def value(rate: str, margin: str) -> Decimal:
        return model.customers(52, discount_rate=Decimal(rate), margin=Decimal(margin))[0].lifetime_value.amount

    assert value("0.30", "0.4") < value("0.05", "0.4")
    assert abs(value("0.05", "0.2") * 2 - value("0.05", "0.4")) <= Decimal("0.02")


@pytest.mark.parametrize(
    ("horizon", "rate", "margin", "field"),
    [(0, "0.1", "0.4", "horizon"), (10, "1", "0.4", "discount_rate"), (10, "0.1", "1.5", "margin")],
)
def test_bad_horizon_and_rates_are_refused(horizon: int, rate: str, margin: str, field: str) -> None:
    """Horizons below one unit, discount rates of 100 % and margins above 1 are refused by field."""
    with pytest.raises(ValidationError) as caught:
        _model().customers(horizon, discount_rate=Decimal(rate), margin=Decimal(margin))
    assert caught.value.field == field


def test_too_few_customers_to_fit_is_a_clear_error(care: clientcare.Clientcare) -> None:
    """A shop with a handful of buyers gets a RuleViolation naming the rule, not a meaningless fit."""
    for n in range(5):
        customer = care.customers.register(f"客户{n}", f"1380013800{n}")
        care.purchases.record(
            customer.id, [care.purchases.line("ST-1", "100")], at=datetime.fromisoformat("2026-01-02T10:00:00+08:00")
        )
    with pytest.raises(RuleViolation) as caught:
        care.lifetime.fit(date(2026, 1, 4))
    assert caught.value.rule == "lifetime.customers"


def test_too_few_repeat_customers_to_fit_is_a_clear_error() -> None:
    """Without repeat buyers the drop-out process cannot be estimated: RuleViolation."""
    once = [CustomerHistory(customer_id=f"c{n}", x=0, t_x=0.0, T=10.0, average_value=Decimal(0)) for n in range(40)]
    with pytest.raises(RuleViolation) as caught:
        fit_bgnbd(once)
    assert caught.value.rule == "lifetime.repeat_customers"


def test_until_must_be_a_date(care: clientcare.Clientcare) -> None:
    """The calibration end is a calendar day, not a moment."""
    with pytest.raises(ValidationError):
        care.lifetime.summaries(datetime.fromisoformat("2026-01-04T00:00:00+08:00"))


def test_fit_without_the_extra_names_it(care: clientcare.Clientcare, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without numpy and scipy the fit raises ConfigurationError naming the predict extra."""
    real_import = builtins.__import__

    def no_scipy(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".", maxsplit=1)[0] in ("numpy", "scipy"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    with pytest.raises(ConfigurationError, match=r"clientcare\[predict\]"):
        care.lifetime.fit(date(2026, 1, 4) - timedelta(days=1))


def test_fit_depends_on_the_figures_not_on_ids_or_order() -> None:
    """The same histories under other ids and in another order give identical parameters."""
    rows = [(n % 4, float(n % 7 * (n % 4 > 0)), 20.0 + n % 9, Decimal(30 + n % 11)) for n in range(80)]
    first = [
        CustomerHistory(customer_id=f"a{n}", x=x, t_x=t, T=T, average_value=v) for n, (x, t, T, v) in enumerate(rows)
    ]
    second = [
        CustomerHistory(customer_id=f"z{99 - n}", x=x, t_x=t, T=T, average_value=v)
        for n, (x, t, T, v) in reversed(list(enumerate(rows)))
    ]
    assert fit_bgnbd(first) == fit_bgnbd(second)
