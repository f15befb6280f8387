"""Use cases of predictive lifetime value (P64, with the ``predict`` extra)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from clientcare.analytics._predict import CustomerLifetime, LifetimeForecast, LifetimeModel, fit_lifetime
from clientcare.errors import ValidationError
from clientcare.kernel._context import Context
from clientcare.purchases._model import BuyingSummary

__all__ = ["LifetimeService"]


class LifetimeService:
    """Who is still a customer, what they will buy, and what they are worth."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def summaries(self, until: date) -> list[BuyingSummary]:
        """Buying summaries of every customer with a sale on or before the day ``until``
        (days in the tenant's time zone), computed by the storage."""
        if isinstance(until, datetime) or not isinstance(until, date):
            raise ValidationError("until", "must be a date")
        locale = self._ctx.playbook.locale
        end = datetime.combine(until + timedelta(days=1), time(), tzinfo=locale.zone)
        with self._ctx.unit() as uow:
            return uow.purchases.buying_summaries(end, locale.currency)

    def fit(self, until: date, *, unit_days: int = 7) -> LifetimeModel:
        """Fit BG/NBD and Gamma-Gamma on the purchases up to and including ``until``.

        ``unit_days`` is the time unit of the model (7: weeks). RuleViolation when
        there are too few customers or repeat customers to fit; ConfigurationError
        without the ``predict`` extra. The same data always gives the same fit.
        """
        return fit_lifetime(
            self.summaries(until),
            until=until,
            unit_days=unit_days,
            currency=self._ctx.playbook.locale.currency,
        )

    def customers(
        self,
        model: LifetimeModel,
        horizon: int,
        *,
        discount_rate: Decimal | None = None,
        margin: Decimal | None = None,
    ) -> list[CustomerLifetime]:
        """Per customer: probability alive, expected purchases, order value and lifetime
        value over ``horizon`` model units; rates default to the playbook's analytics rules."""
        rules = self._ctx.playbook.analytics
        return model.customers(
            horizon,
            discount_rate=rules.discount_rate if discount_rate is None else discount_rate,
            margin=rules.gross_margin if margin is None else margin,
        )

    def forecast(
        self,
        model: LifetimeModel,
        horizon: int,
        *,
        discount_rate: Decimal | None = None,
        margin: Decimal | None = None,
    ) -> LifetimeForecast:
        """The tenant's expected customers alive, purchases, sales and lifetime value over
        ``horizon`` model units."""
        rules = self._ctx.playbook.analytics
        return model.forecast(
            horizon,
            discount_rate=rules.discount_rate if discount_rate is None else discount_rate,
            margin=rules.gross_margin if margin is None else margin,
        )
