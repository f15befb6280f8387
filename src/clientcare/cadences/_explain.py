"""Why the daily run planned (or did not plan) each touch for one customer on one day."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from clientcare.cadences._touches import Touch, TouchReason

__all__ = ["DAILY_RULES", "DailyExplanation", "RuleCheck", "explanation"]

#: The rules the daily run applies to every customer, then the after-sale ones a sale plans.
DAILY_RULES = (
    TouchReason.BIRTHDAY,
    TouchReason.IMPORTANT_DATE,
    TouchReason.HOLIDAY,
    TouchReason.CARD_EXPIRY,
    TouchReason.OCCASION,
    TouchReason.THANK_YOU,
    TouchReason.LOST_INTERVIEW,
    TouchReason.REPEAT_ASK,
    TouchReason.ROTATION_VISIT,
    TouchReason.RETURN_VISIT,
    TouchReason.AFTER_SALES,
)


@attrs.frozen(kw_only=True)
class RuleCheck:
    """One rule for one customer on one day: whether it planned a touch, and why (not)."""

    rule: TouchReason
    fired: bool
    why: str
    touch_ids: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class DailyExplanation:
    """Each rule of the daily run for one customer on one day (ids and reasons, no personal data)."""

    customer_id: str
    day: str
    rules: tuple[RuleCheck, ...]

    def check(self, rule: TouchReason | str) -> RuleCheck:
        """The check of one rule."""
        wanted = TouchReason(rule)
        return next(c for c in self.rules if c.rule is wanted)

    @property
    def fired(self) -> tuple[TouchReason, ...]:
        """The rules that planned a touch."""
        return tuple(c.rule for c in self.rules if c.fired)


def explanation(
    customer_id: str,
    day: str,
    *,
    planned: Iterable[Touch],
    stored: Sequence[Touch],
    notes: Sequence[tuple[TouchReason, str]],
    blanket: str | None = None,
    extra: Sequence[tuple[TouchReason, str]] = (),
) -> DailyExplanation:
    """Put the planner's own verdicts together: a touch it planned (or one stored with the
    same key) fired its rule; otherwise the planner's last note for the rule says why not."""
    by_rule: dict[TouchReason, list[str]] = {}
    known = {t.key: t for t in stored}
    for touch in planned:
        kept = known.get(touch.key, touch)
        by_rule.setdefault(touch.reason, []).append(kept.id)
    why: dict[TouchReason, str] = {}
    for reason, text in notes:
        why[reason] = text
    for reason, text in extra:
        why[reason] = text if reason not in why else f"{why[reason]}; {text}"
    checks = []
    for rule in DAILY_RULES:
        ids = tuple(by_rule.get(rule, ()))
        if blanket is not None:
            checks.append(RuleCheck(rule=rule, fired=False, why=blanket))
        elif ids:
            note = "planned" if rule not in {r for r, _ in extra} else f"planned; {why[rule]}"
            checks.append(RuleCheck(rule=rule, fired=True, why=note, touch_ids=ids))
        else:
            checks.append(RuleCheck(rule=rule, fired=False, why=why.get(rule, "not due on this day")))
    return DailyExplanation(customer_id=customer_id, day=day, rules=tuple(checks))
