"""Write docs/procedures.md: each procedure of PROCEDURES.md, the passages it follows, the playbook
keys it reads and its scenarios.

The passages are the ``# seed NNN: …`` comments of the scenarios tagged with
the procedure (issue 17: each scenario quotes the passage it follows).

Run from the project root: ``python tools/procedures.py [path/to/PROCEDURES.md]``
(default ``../shared/PROCEDURES.md``). tests/test_procedures.py checks that
every procedure of PROCEDURES.md has a row, every key named is a playbook
setting and every scenario named exists with that tag.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The playbook keys each procedure reads (issue 17); tests/test_procedures.py checks they exist.
KEYS: dict[str, tuple[str, ...]] = {
    "P02": ("profile.hard_weight", "profile.b2b_tag"),
    "P03": ("profile.hard_weight", "profile.soft_weight"),
    "P04": ("cadences.contact.staff_channels", "cadences.contact.automated_channels", "shop.unsubscribe_days"),
    "P06": ("card.stale_after_days", "card.key_stale_after_days"),
    "P07": ("cadences.greetings.birthday", "cadences.greetings.important_dates", "cadences.greetings.days_ahead"),
    "P10": ("abc.basis", "abc.a_spend_share", "abc.b_spend_share", "abc.a_customer_share", "abc.period_days"),
    "P11": (
        "segments.window_days",
        "segments.loyal_min_purchases",
        "segments.loyal_recency_days",
        "segments.early_adopter_days",
        "segments.switcher_lapse_days",
        "segments.discount_share",
    ),
    "P12": ("segments.loyal_min_purchases", "abc.a_spend_share"),
    "P13": ("segments.old_min_purchases", "segments.poor_relationship_tag"),
    "P14": (
        "membership.levels",
        "membership.levels[].discount",
        "membership.old_customers_only",
        "membership.expiry_reminder_days",
        "points.rate",
        "points.gifts",
    ),
    "P15": ("points.expiry_days", "benefits.birthday_treat", "cadences.greetings.important_dates"),
    "P16": (
        "benefits.frequency_every",
        "benefits.frequency_discount",
        "benefits.bundle_discount",
        "contracts.renewal_notice_days",
    ),
    "P17": ("segments.a_customers_are_key", "card.key_stale_after_days", "assessment.every_days_key"),
    "P20": ("cadences.after_purchase.return_visit_days",),
    "P21": (
        "cadences.follow_up.max_touches",
        "cadences.follow_up.gaps_days",
        "cadences.follow_up.benchmark",
        "cadences.after_purchase.attribution_days",
    ),
    "P22": (
        "cadences.greetings.holidays",
        "cadences.greetings.birthday",
        "membership.expiry_reminder_days",
        "cadences.greetings.gift_for_key_customers",
        "cadences.greetings.holiday_gifts",
        "cadences.occasions.brochure",
    ),
    "P23": (
        "cadences.rotation.cycle_days_a",
        "cadences.rotation.cycle_days_b",
        "cadences.rotation.cycle_days_c",
        "cadences.rotation.daily_capacity",
    ),
    "P24": (
        "cadences.contact.staff_channels",
        "cadences.contact.automated_channels",
        "cadences.contact.call_audience_up_to",
    ),
    "P25": ("cadences.contact.quiet_from_hour", "cadences.contact.quiet_until_hour"),
    "P26": ("cadences.rotation.thank_you_every_days",),
    "P27": (
        "cadences.lost.lost_factor",
        "cadences.lost.floor_days",
        "cadences.lost.single_purchase_days",
        "segments.old_min_purchases",
    ),
    "P29": ("cadences.contact.retry_after_days",),
    "P32": ("cadences.occasions.conference", "cadences.occasions.award_event", "cadences.occasions.brochure"),
    "P31": (
        "cadences.after_purchase.attribution_days",
        "cadences.staff.visits_too_few",
        "cadences.staff.visits_target",
        "segments.old_min_purchases",
    ),
    "P33": ("referrals.credit_points",),
    "P34": ("cadences.lost.repeat_factor", "segments.old_min_purchases"),
    "P35": ("cadences.after_purchase.after_sales_days",),
    "P40": (
        "complaints.first_response_hours",
        "complaints.first_response_every_day",
        "complaints.key_customer_factor",
        "complaints.hours.periods",
    ),
    "P42": ("complaints.after_care_hours",),
    "P43": ("complaints.authority_limits", "complaints.escalation_chain"),
    "P46": ("complaints.recurrence_threshold", "complaints.recurrence_window_days"),
    "P47": ("complaints.gift_for_major", "complaints.gift_for_key_customers"),
    "P49": ("complaints.story_changes_flag_at",),
    "P50": (
        "survey.low_recommend_at_most",
        "survey.low_rating_at_most",
        "survey.low_gap_at_most",
        "survey.high_severity_from",
    ),
    "P51": (
        "complaints.resolution_hours",
        "complaints.escalate_every_hours",
        "complaints.hours.extra_workdays",
        "complaints.hours.extra_holidays",
    ),
    "P52": (
        "complaints.price_concession_cap",
        "complaints.quote_min_margin",
        "complaints.quote_allowance_by_tier",
        "segments.old_min_purchases",
    ),
    "P60": (
        "assessment.improve_visit_every_days",
        "assessment.forms",
        "assessment.forms[].terminate_below",
        "assessment.forms[].improve_below",
        "assessment.every_days_by_tier",
        "assessment.improve_visit_every_days",
        "assessment.override_from",
    ),
    "P61": (
        "assessment.review_roles",
        "assessment.termination_reviewed_by",
        "assessment.authority_chain",
        "assessment.confirm_termination_from",
    ),
    "P62": ("survey.rating_max", "survey.attributes"),
    "P64": ("analytics.gross_margin", "analytics.discount_rate", "analytics.yearly_service_cost"),
    "P65": ("survey.low_gap_at_most",),
    "P70": ("cadences.contact.automated_channels", "cadences.contact.cap_per_window"),
    "P71": ("cadences.contact.cap_per_window", "cadences.contact.cap_window_days"),
}


def tagged() -> dict[str, list[tuple[str, str]]]:
    """Procedure id -> (feature file, scenario title) for every tagged scenario."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for feature in sorted((ROOT / "features").glob("*.feature")):
        tags: list[str] = []
        for line in feature.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("@"):
                tags = re.findall(r"@(P\d\d)", stripped)
            elif stripped.startswith(("Scenario:", "Scenario Outline:")):
                title = stripped.split(":", 1)[1].strip()
                for tag in tags:
                    found[tag].append((feature.name, title))
                tags = []
    return found


def passages() -> dict[str, list[str]]:
    """Procedure id -> the seed passages quoted by its scenarios (``# seed NNN: …``), in order, once each."""
    found: dict[str, list[str]] = defaultdict(list)
    for feature in sorted((ROOT / "features").glob("*.feature")):
        pending: list[str] = []
        current: list[str] = []  # the tags of the scenario whose lines are being read
        for line in feature.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("@"):
                pending = re.findall(r"@(P\d\d)", stripped)
            elif stripped.startswith(("Scenario:", "Scenario Outline:")):
                current, pending = pending, []
            elif stripped.startswith(("Feature:", "Background:", "Rule:")):
                current, pending = [], []
            quote = re.match(r"#\s*(seed \d{3}:.*)", stripped)
            if quote:
                text = quote.group(1).replace("|", "\\|").strip()
                for tag in current:
                    if text not in found[tag]:
                        found[tag].append(text)
    return found


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "PROCEDURES.md"
    procedures = re.findall(r"\*\*(P\d\d) ([^*]+)\*\*", source.read_text(encoding="utf-8"))
    scenarios = tagged()
    quoted = passages()
    lines = [
        "# Procedures and where they live",
        "",
        "Each procedure of the source documents (numbered as in the project's",
        "procedure catalogue), the passages of the documents its scenarios quote",
        "(— where no scenario quotes one yet), the playbook keys it reads (each",
        "marked in docs/playbook.md as from the documents or an assumption) and the",
        "Gherkin scenarios tagged with its id. Regenerate with `python tools/procedures.py`;",
        "`tests/test_procedures.py` keeps it true: every procedure has a row, every key",
        "is a playbook setting, every scenario exists with that tag.",
        "",
        "| id | procedure | passages | playbook keys | scenarios |",
        "| --- | --- | --- | --- | --- |",
    ]
    for pid, title in procedures:
        cells = "<br>".join(f"`{f}`: {t}" for f, t in scenarios.get(pid, [])) or "—"
        quotes = "<br>".join(quoted.get(pid, [])) or "—"
        keys = "<br>".join(f"`{key}`" for key in KEYS.get(pid, ())) or "—"
        lines.append(f"| {pid} | {title.strip().rstrip('.')} | {quotes} | {keys} | {cells} |")
    (ROOT / "docs" / "procedures.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
