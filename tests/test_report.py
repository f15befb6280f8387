"""The owner's monthly report: content against the analytics calls, exports, and the page in Chromium."""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from _browser import ARTIFACTS, chromium_page

import clientcare
from clientcare.adapters.clock import FixedClock
from clientcare.analytics import RfmSegment
from clientcare.errors import ValidationError

NOW = datetime.fromisoformat("2026-03-28T18:00:00+08:00")
PHONE = "1380013"


@pytest.fixture(scope="module")
def shop() -> Iterator[clientcare.Clientcare]:
    """Seven months of a two-store shop: sales, follow-ups, complaints, tier runs, assessments."""
    rng = random.Random(13)
    clock = FixedClock(datetime.fromisoformat("2025-09-01T10:00:00+08:00"))
    with clientcare.connect("memory://", tenant="report", clock=clock) as care:
        customers = [care.customers.register(f"顾客{n:02d}", f"{PHONE}{n:04d}", by="小李") for n in range(40)]
        care.customers.set_key(customers[0].id, by="店长")
        for n, customer in enumerate(customers):
            start = clock.now() + timedelta(days=rng.randrange(200))
            for k in range(1 + n % 5):
                at = start + timedelta(days=17 * k + rng.randrange(5))
                if at < NOW:
                    care.purchases.record(
                        customer.id,
                        [care.purchases.line(rng.choice(["DY-1", "QP-8", "WJ-7"]), str(100 + rng.randrange(1500)))],
                        store_id=rng.choice(["静安店", "徐汇店"]),
                        staff_id=rng.choice(["小李", "小王"]),
                        at=at,
                    )
        for when in ("2025-12-31T20:00:00+08:00", "2026-01-31T20:00:00+08:00", "2026-02-28T20:00:00+08:00"):
            clock.set(datetime.fromisoformat(when))
            care.tiers.recompute()
        clock.set(datetime.fromisoformat("2026-03-02T10:00:00+08:00"))
        for customer in customers[:6]:
            care.privacy.give_consent(customer.id, "marketing", "phone", method="verbal", source="in_store")
            care.touches.start_follow_up(customer.id, owner="小李", topic="春季新款")
            touch = care.touches.for_customer(customer.id, open_only=True)[0]
            care.touches.complete(touch.id, "reached", by="小李")
            care.purchases.record(customer.id, [care.purchases.line("DY-1", "880")], staff_id="小李")
        first = care.complaints.file(
            customers[1].id, channel="phone", category="product_quality", description="拉链坏了", by="小李"
        )
        care.complaints.file(
            customers[2].id, channel="in_store", category="staff_service", description="等太久", by="小王"
        )
        clock.advance(hours=1)
        care.complaints.listen(first.id, heard="拉链坏了", by="张主管")
        care.complaints.apologise(first.id, by="张主管")
        care.complaints.diagnose(first.id, root_cause="批次问题", cause="product_quality", by="张主管")
        for customer, score in ((customers[0], 9), (customers[3], 5)):
            care.assessments.assess(
                customer.id,
                by="客服小李",
                entries={"cooperation": clientcare.IndicatorEntry(score=score, basis="按时")},
            )
        clock.set(NOW)
        yield care


def _cells(html: str, section: str) -> list[list[str]]:
    """The table rows of one section of the page, as text."""
    part = html.split(f'<section id="{section}">', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", part.split("<tbody>", 1)[1])
    return [[unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] for row in rows]


def test_figures_in_the_page_are_the_analytics_figures(shop: clientcare.Clientcare) -> None:
    """Overview, composition and Pareto cells read exactly what the analytics calls return."""
    html = shop.reports.monthly("2026-03", language="en").html()
    start = datetime.fromisoformat("2026-03-01T00:00:00+08:00")
    end = datetime.fromisoformat("2026-04-01T00:00:00+08:00")
    figures = shop.analytics.figures(start, end)
    overview = dict(_cells(html, "overview"))
    assert overview["Buyers"] == str(figures.buyers)
    assert overview["Net sales"] == str(figures.net_sales.amount)
    assert overview["Retention rate"] == str(figures.retention_rate)
    stores = {row.key: str(row.sales.amount) for row in shop.analytics.composition(start, end, by="store")}
    assert {key: sales for key, sales, _ in _cells(html, "composition")} == stores


def test_archive_figures_in_the_page_are_the_analytics_port_calls(shop: clientcare.Clientcare) -> None:
    """Pareto, cohort and RFM cells read the port's calls over the twelve months ending with March 2026."""
    html = shop.reports.monthly("2026-03", language="en").html()
    year = datetime.fromisoformat("2025-04-01T00:00:00+08:00")
    end = datetime.fromisoformat("2026-04-01T00:00:00+08:00")
    curve = shop.analytics.pareto(year, end)
    assert _cells(html, "pareto") == [[str(p.customers), str(p.customer_share), str(p.spend_share)] for p in curve]
    assert curve[-1].spend_share == Decimal(1) and len(curve) > 2
    cohorts = _cells(html, "cohorts")
    months = [f"2025-{m:02d}" for m in range(4, 13)] + [f"2026-{m:02d}" for m in range(1, 4)]
    assert [row[0] for row in cohorts] == months
    page = {(row[0], k): (row[1], share) for row in cohorts for k, share in enumerate(row[2:])}
    cells = shop.analytics.cohorts(date(2025, 4, 1), date(2026, 3, 1))
    assert cells and all(page[(c.cohort, c.months_since)][1] == str(c.share) for c in cells)
    assert all(page[(c.cohort, 0)][0] == str(c.customers) for c in cells if c.months_since == 0)
    port_cells = {(c.cohort, c.months_since) for c in cells}
    assert all(share == "0" for key, (_, share) in page.items() if key not in port_cells)
    words = {"Champions": "champions", "Loyal": "loyal", "New": "new", "Potential loyalists": "potential_loyalists"}
    words |= {"Can't lose": "cant_lose", "At risk": "at_risk", "Lost": "lost", "Hibernating": "hibernating"}
    rfm = {RfmSegment(words[name]): (customers, spend) for name, customers, spend in _cells(html, "rfm")}
    segments = shop.analytics.rfm_segments(year, end)
    assert {s: v for s, v in rfm.items() if v[0] != "0"} == {
        row.segment: (str(row.customers), str(row.spend)) for row in segments
    }
    assert list(rfm) == list(RfmSegment)
    notes = re.findall(r'<p class="note">(.*?)</p>', html)
    assert sum("2025-04 to 2026-03" in unescape(note) for note in notes) == 3


def test_sections_cover_the_owners_questions(shop: clientcare.Clientcare) -> None:
    """Every part the issue asks for is there, with the areas' own numbers."""
    report = shop.reports.monthly(date(2026, 3, 15), language="zh-CN")
    keys = [s.key for s in report.sections]
    assert keys == [
        "overview", "composition", "composition_product", "pareto", "cohorts", "rfm",
        "touches", "complaints", "assessments", "staff", "serialisation", "clv",
    ]  # fmt: skip
    touches = report.section("touches").table.rows
    assert [row[3] for row in touches] == [Decimal(s) for s in ("0.02", "0.03", "0.05", "0.10", "0.80")]
    credited = shop.touches.sales_by_touch_number(date(2026, 3, 1), date(2026, 3, 31))
    assert sum(int(row[1] or 0) for row in touches) == credited.in_sequences > 0
    review = shop.complaints.review("month", day=date(2026, 3, 1))
    assert dict(report.section("complaints").table.rows) == review.by_cause
    assert [row[1] for row in report.section("staff").table.rows] == [
        r.staff for r in shop.staff.leaderboard(date(2026, 3, 1), date(2026, 3, 31))
    ]
    assert len(report.section("serialisation").table.rows) == len(shop.tiers.serialisation()) == 3
    assert sum(int(r[1] or 0) for r in report.section("rfm").table.rows) == 40
    assert report.title == "2026-03 月度经营报告"


def test_no_phone_number_reaches_the_report(shop: clientcare.Clientcare, tmp_path: Path) -> None:
    """Phones stay out of the page and every exported table."""
    report = shop.reports.monthly("2026-03", language="en")
    report.write_csv(tmp_path)
    texts = [report.html(), *(p.read_text(encoding="utf-8-sig") for p in tmp_path.glob("*.csv"))]
    assert all(PHONE not in text for text in texts)


def test_tables_export_to_csv_and_xlsx(shop: clientcare.Clientcare, tmp_path: Path) -> None:
    """One CSV per section and one worksheet per section, headers first, the same rows."""
    openpyxl = pytest.importorskip("openpyxl", reason="needs the report extra")
    report = shop.reports.monthly("2026-03", language="en")
    written = report.write_csv(tmp_path / "csv")
    assert sorted(p.stem for p in written) == sorted(s.key for s in report.sections)
    with (tmp_path / "csv" / "staff.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(report.section("staff").table.headers)
    assert len(rows) == 1 + len(report.section("staff").table.rows)
    book = openpyxl.load_workbook(report.write_xlsx(tmp_path / "report.xlsx"))
    assert book.sheetnames == [s.key for s in report.sections]
    assert book["rfm"].max_row == 1 + len(report.section("rfm").table.rows)


def test_month_and_language_are_checked(shop: clientcare.Clientcare) -> None:
    """A month must read YYYY-MM and the language be zh-CN or en."""
    with pytest.raises(ValidationError):
        shop.reports.monthly("March 2026")
    with pytest.raises(ValidationError):
        shop.reports.monthly("2026-03", language="fr")


def test_page_draws_every_chart_in_chromium(shop: clientcare.Clientcare) -> None:
    """Headless Chromium opens the file offline: every chart has a size, no console error; a screenshot is kept."""
    ARTIFACTS.mkdir(exist_ok=True)
    page_file = shop.reports.monthly("2026-03", language="zh-CN").write_html(ARTIFACTS / "monthly-2026-03.html")
    with chromium_page(width=1000, height=800) as (page, errors):
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
        page.goto(page_file.resolve().as_uri())
        sizes = page.eval_on_selector_all(
            "svg.chart", "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
        )
        marks = page.eval_on_selector_all(
            "svg.chart rect.bar, svg.chart polyline.line, svg.chart rect.cell", "e => e.length"
        )
        page.screenshot(path=str(ARTIFACTS / "monthly-2026-03.png"), full_page=True)
    assert len(sizes) >= 12
    assert all(width > 0 and height > 0 for width, height in sizes)
    assert marks > 0
    assert errors == [] and requests == []
    assert (ARTIFACTS / "monthly-2026-03.png").stat().st_size > 0


def test_cli_writes_the_report(tmp_path: Path) -> None:
    """`clientcare report --url URL --month YYYY-MM --tenant T --out F` writes the page and, asked, the workbook."""
    typer_testing = pytest.importorskip("typer.testing", reason="needs the cli extra")
    from clientcare.cli import app  # noqa: PLC0415  (the cli extra is optional)

    url = f"sqlite:///{tmp_path / 'shop.db'}"
    with clientcare.connect(url, tenant="shop", clock=FixedClock(NOW)) as care:
        customer = care.customers.register("王芳", "13800138000")
        care.purchases.record(customer.id, [care.purchases.line("DY-1", "880")])
    out = tmp_path / "march.html"
    result = typer_testing.CliRunner().invoke(
        app, ["report", "--url", url, "--month", "2026-03", "--tenant", "shop", "--out", str(out), "--language", "en",
              "--xlsx", str(tmp_path / "march.xlsx")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Monthly report 2026-03" in page and "<svg" in page and "<script" not in page
    assert (tmp_path / "march.xlsx").stat().st_size > 0
