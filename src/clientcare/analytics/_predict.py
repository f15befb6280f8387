"""Predictive lifetime value: BG/NBD and Gamma-Gamma, fitted by maximum likelihood.

BG/NBD (Fader, Hardie and Lee, "Counting Your Customers the Easy Way", 2005)
predicts how many purchase days a customer will have in a horizon and how
likely the customer still buys at all; Gamma-Gamma (Fader, Hardie and Lee,
"RFM and CLV", 2005) predicts the average order value. Both are fitted on the
customers' buying summaries (frequency ``x``, recency ``t_x``, age ``T``,
average repeat order value), never on loaded purchases.

numpy and scipy come with the ``predict`` extra and are imported on first use.
Fits start from fixed parameters (all ones) and optimise the logarithms of the
parameters with Nelder-Mead, so the same data always gives the same fit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any

import attrs

from clientcare.errors import ConfigurationError, RuleViolation, ValidationError
from clientcare.kernel._values import Money
from clientcare.purchases._model import BuyingSummary

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Vector = NDArray[np.float64]

__all__ = [
    "BgNbdParameters",
    "CustomerHistory",
    "CustomerLifetime",
    "GammaGammaParameters",
    "LifetimeForecast",
    "LifetimeModel",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_lifetime",
    "histories_from",
]

# Below these the likelihood surface is too flat for the estimates to mean anything.
MIN_CUSTOMERS = 20
MIN_REPEAT_CUSTOMERS = 10
_DAYS_PER_YEAR = 365.25
_LOG_BOUND = 15.0


def _numerics() -> tuple[ModuleType, ModuleType, ModuleType]:
    """numpy, scipy.optimize and scipy.special, or a ConfigurationError naming the extra."""
    try:
        import numpy  # noqa: PLC0415  (optional extra, imported on first use)
        from scipy import optimize, special  # noqa: PLC0415
    except ImportError as exc:
        raise ConfigurationError(
            "lifetime prediction needs the predict extra: pip install 'clientcare[predict]'"
        ) from exc
    return numpy, optimize, special


@attrs.frozen(kw_only=True)
class CustomerHistory:
    """One customer's summary in model units: ``x`` repeat purchase days, ``t_x`` the age
    at the last purchase day, ``T`` the age at the end of the calibration period (both in
    units since the first purchase day) and ``average_value`` of the repeat days."""

    customer_id: str
    x: int
    t_x: float
    T: float
    average_value: Decimal

    @classmethod
    def of(cls, summary: BuyingSummary, until: date, unit_days: int) -> CustomerHistory:
        """The history of one buying summary, measured up to the day ``until``."""
        repeat = summary.repeat_days
        return cls(
            customer_id=summary.customer_id,
            x=repeat,
            t_x=(summary.last_day - summary.first_day).days / unit_days,
            T=(until - summary.first_day).days / unit_days,
            average_value=summary.repeat_spend.amount / repeat if repeat else Decimal(0),
        )


def histories_from(summaries: Sequence[BuyingSummary], until: date, unit_days: int) -> list[CustomerHistory]:
    """Model histories of the customers whose first purchase day is not after ``until``."""
    if unit_days <= 0:
        raise ValidationError("unit_days", "must be above zero")
    return [CustomerHistory.of(s, until, unit_days) for s in summaries if s.first_day <= until]


@attrs.frozen(kw_only=True)
class BgNbdParameters:
    """BG/NBD estimates: purchase rates ~ Gamma(r, alpha), drop-out ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int


@attrs.frozen(kw_only=True)
class GammaGammaParameters:
    """Gamma-Gamma estimates of order values: shape ``p``, and ``q``, ``v`` of the Gamma
    the customers' scales come from."""

    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int


@attrs.frozen(kw_only=True)
class CustomerLifetime:
    """What the models expect of one customer over the horizon."""

    customer_id: str
    probability_alive: float
    expected_purchases: float
    expected_order_value: Money
    lifetime_value: Money


@attrs.frozen(kw_only=True)
class LifetimeForecast:
    """What the models expect of the tenant's fitted customers over the horizon."""

    horizon: int
    customers: int
    expected_alive: float
    expected_purchases: float
    expected_sales: Money
    lifetime_value: Money


def _minimise(objective: Any, start: int) -> Any:
    np, optimize, _ = _numerics()
    # Parameters stay within e^-15..e^15: where the data show no drop-out (or no
    # spread of order values) the likelihood keeps rising towards infinity, and
    # the box lets the search stop at its edge with the same predictions.
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * start
    options = {"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 20000}
    result = optimize.minimize(objective, np.zeros(start), method="Nelder-Mead", bounds=bounds, options=options)
    for _ in range(3):
        if result.success:
            break
        # A long flat ridge can exhaust the simplex before it shrinks; a restart from
        # where it stopped either converges or shows the value no longer moves.
        again = optimize.minimize(objective, result.x, method="Nelder-Mead", bounds=bounds, options=options)
        settled = abs(again.fun - result.fun) <= 1e-9 * max(1.0, abs(result.fun))
        result = again
        if settled:
            result.success = True
    if not result.success or not np.all(np.isfinite(result.x)) or not math.isfinite(result.fun):
        raise RuleViolation("lifetime.fit", "the likelihood did not converge on this data")
    return result


def _ordered(histories: Sequence[CustomerHistory]) -> list[CustomerHistory]:
    """Histories in an order that depends on the figures only, so that sums, and with
    them the fit, are the same whatever ids the customers have."""
    return sorted(histories, key=lambda h: (h.x, h.t_x, h.T, h.average_value))


def _bgnbd_log_likelihood(log_params: Vector, x: Vector, t_x: Vector, T: Vector) -> float:
    np, _, special = _numerics()
    r, alpha, a, b = np.exp(log_params)
    gammaln = special.gammaln
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    # Only repeat buyers can have dropped out after their last purchase; the
    # maximum keeps b + x - 1 positive where the term is masked anyway.
    a4 = np.where(
        x > 0,
        np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def _gamma_gamma_log_likelihood(log_params: Vector, x: Vector, m: Vector) -> float:
    np, _, special = _numerics()
    p, q, v = np.exp(log_params)
    gammaln = special.gammaln
    px = p * x
    return float(
        np.sum(
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * np.log(x * m + v)
        )
    )


def fit_bgnbd(histories: Sequence[CustomerHistory]) -> BgNbdParameters:
    """BG/NBD by maximum likelihood; RuleViolation when there is too little data."""
    np, _, _ = _numerics()
    repeaters = sum(1 for h in histories if h.x > 0)
    if len(histories) < MIN_CUSTOMERS:
        raise RuleViolation("lifetime.customers", f"at least {MIN_CUSTOMERS} customers with a purchase to fit")
    if repeaters < MIN_REPEAT_CUSTOMERS:
        raise RuleViolation("lifetime.repeat_customers", f"at least {MIN_REPEAT_CUSTOMERS} repeat customers to fit")
    ordered = _ordered(histories)
    x = np.array([h.x for h in ordered], dtype=float)
    t_x = np.array([h.t_x for h in ordered], dtype=float)
    age = np.array([h.T for h in ordered], dtype=float)
    result = _minimise(lambda params: -_bgnbd_log_likelihood(params, x, t_x, age), 4)
    r, alpha, a, b = (float(value) for value in np.exp(result.x))
    return BgNbdParameters(r=r, alpha=alpha, a=a, b=b, log_likelihood=-float(result.fun), customers=len(histories))


def fit_gamma_gamma(histories: Sequence[CustomerHistory]) -> GammaGammaParameters:
    """Gamma-Gamma by maximum likelihood on the repeat customers with a positive average."""
    np, _, _ = _numerics()
    fitted = [h for h in _ordered(histories) if h.x > 0 and h.average_value > 0]
    if len(fitted) < MIN_REPEAT_CUSTOMERS:
        raise RuleViolation("lifetime.repeat_customers", f"at least {MIN_REPEAT_CUSTOMERS} repeat customers to fit")
    x = np.array([h.x for h in fitted], dtype=float)
    m = np.array([float(h.average_value) for h in fitted], dtype=float)
    result = _minimise(lambda params: -_gamma_gamma_log_likelihood(params, x, m), 3)
    p, q, v = (float(value) for value in np.exp(result.x))
    if q <= 1:
        # The population's mean order value is p v / (q - 1): infinite here.
        raise RuleViolation("lifetime.order_values", "too spread to give a finite expected order value")
    return GammaGammaParameters(p=p, q=q, v=v, log_likelihood=-float(result.fun), customers=len(fitted))


@attrs.frozen(kw_only=True)
class LifetimeModel:
    """Both fits and the histories they came from, for predictions after ``until``.

    ``unit_days`` is the model's time unit (7: weeks); horizons count units.
    """

    until: date
    unit_days: int
    currency: str
    purchases: BgNbdParameters
    spend: GammaGammaParameters
    histories: tuple[CustomerHistory, ...] = attrs.field(repr=False, eq=False)

    def _arrays(self) -> tuple[Vector, Vector, Vector, Vector]:
        np, _, _ = _numerics()
        return (
            np.array([h.x for h in self.histories], dtype=float),
            np.array([h.t_x for h in self.histories], dtype=float),
            np.array([h.T for h in self.histories], dtype=float),
            np.array([float(h.average_value) for h in self.histories], dtype=float),
        )

    def _expected(self, t: float, x: Vector, t_x: Vector, age: Vector) -> Vector:
        """Conditional expected purchase days in ``(T, T + t]`` for every history."""
        _np, _, special = _numerics()
        k = self.purchases
        r, alpha, a, b = k.r, k.alpha, k.a, k.b
        rx = r + x
        ratio = (alpha + age) / (alpha + age + t)
        hyp = special.hyp2f1(rx, b + x, a + b + x - 1, t / (alpha + age + t))
        numerator = (a + b + x - 1) / (a - 1) * (1 - ratio**rx * hyp)
        result: Vector = numerator / self._not_dropped(x, t_x, age)
        return result

    def _not_dropped(self, x: Vector, t_x: Vector, age: Vector) -> Vector:
        np, _, _ = _numerics()
        k = self.purchases
        odds = np.where(
            x > 0, k.a / (k.b + np.maximum(x, 1) - 1) * ((k.alpha + age) / (k.alpha + t_x)) ** (k.r + x), 0.0
        )
        result: Vector = 1 + odds
        return result

    def _order_values(self, x: Vector, m: Vector) -> Vector:
        s = self.spend
        result: Vector = s.p * (s.v + x * m) / (s.p * x + s.q - 1)
        return result

    def _values(self, horizon: int, discount_rate: Decimal, margin: Decimal) -> Vector:
        """Discounted margin over the horizon: each unit's expected purchases, valued at
        the expected order value and discounted at the yearly rate to the unit's end."""
        np, _, _ = _numerics()
        x, t_x, age, m = self._arrays()
        yearly = float(discount_rate)
        total = np.zeros_like(x)
        previous = np.zeros_like(x)
        for step in range(1, horizon + 1):
            current = self._expected(float(step), x, t_x, age)
            years = step * self.unit_days / _DAYS_PER_YEAR
            total += (current - previous) / (1 + yearly) ** years
            previous = current
        result: Vector = total * self._order_values(x, m) * float(margin)
        return result

    def customers(self, horizon: int, *, discount_rate: Decimal, margin: Decimal) -> list[CustomerLifetime]:
        """Per customer: probability alive at ``until``, expected purchase days, expected
        order value and lifetime value (discounted margin) over ``horizon`` units."""
        _check_horizon(horizon, discount_rate, margin)
        x, t_x, age, m = self._arrays()
        alive = 1 / self._not_dropped(x, t_x, age)
        expected = self._expected(float(horizon), x, t_x, age)
        values = self._order_values(x, m)
        clv = self._values(horizon, discount_rate, margin)
        return [
            CustomerLifetime(
                customer_id=h.customer_id,
                probability_alive=float(alive[i]),
                expected_purchases=float(expected[i]),
                expected_order_value=self._money(float(values[i])),
                lifetime_value=self._money(float(clv[i])),
            )
            for i, h in enumerate(self.histories)
        ]

    def forecast(self, horizon: int, *, discount_rate: Decimal, margin: Decimal) -> LifetimeForecast:
        """The fitted customers' expected alive count, purchase days, sales and lifetime
        value over ``horizon`` units."""
        _check_horizon(horizon, discount_rate, margin)
        np, _, _ = _numerics()
        x, t_x, age, m = self._arrays()
        expected = self._expected(float(horizon), x, t_x, age)
        return LifetimeForecast(
            horizon=horizon,
            customers=len(self.histories),
            expected_alive=float(np.sum(1 / self._not_dropped(x, t_x, age))),
            expected_purchases=float(np.sum(expected)),
            expected_sales=self._money(float(np.sum(expected * self._order_values(x, m)))),
            lifetime_value=self._money(float(np.sum(self._values(horizon, discount_rate, margin)))),
        )

    def expected_repeat_purchases(self, t: float) -> float:
        """BG/NBD's E[X(t)]: purchase days a new customer makes in ``t`` units after the first."""
        _, _, special = _numerics()
        k = self.purchases
        hyp = special.hyp2f1(k.r, k.b, k.a + k.b - 1, t / (k.alpha + t))
        return float((k.a + k.b - 1) / (k.a - 1) * (1 - (k.alpha / (k.alpha + t)) ** k.r * hyp))

    def _money(self, value: float) -> Money:
        return Money(Decimal(repr(value)), self.currency).quantize()


def _check_horizon(horizon: int, discount_rate: Decimal, margin: Decimal) -> None:
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon <= 0:
        raise ValidationError("horizon", "must be a whole number of units above zero")
    if not 0 <= discount_rate < 1:
        raise ValidationError("discount_rate", "must be at least 0 and below 1")
    if not 0 <= margin <= 1:
        raise ValidationError("margin", "must be between 0 and 1")


def fit_lifetime(summaries: Sequence[BuyingSummary], *, until: date, unit_days: int, currency: str) -> LifetimeModel:
    """Fit both models on the buying summaries up to the day ``until``."""
    histories = histories_from(summaries, until, unit_days)
    return LifetimeModel(
        until=until,
        unit_days=unit_days,
        currency=currency,
        purchases=fit_bgnbd(histories),
        spend=fit_gamma_gamma(histories),
        histories=tuple(histories),
    )
