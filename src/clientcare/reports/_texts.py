"""The report's words in Simplified Chinese and English."""

from __future__ import annotations

from clientcare.errors import ValidationError

__all__ = ["LANGUAGES", "Words"]

LANGUAGES = ("zh-CN", "en")

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("{month} 月度经营报告", "Monthly report {month}"),
    "overview": ("关系概况", "Relationship figures"),
    "figure": ("指标", "Figure"),
    "value": ("数值", "Value"),
    "buyers": ("购买顾客数", "Buyers"),
    "previous_buyers": ("上期购买顾客数", "Buyers in the previous period"),
    "retention_rate": ("保留率", "Retention rate"),
    "churn_rate": ("流失率", "Churn rate"),
    "net_sales": ("净销售额", "Net sales"),
    "sales_per_buyer": ("人均销售额", "Sales per buyer"),
    "repeat_share": ("老顾客销售占比", "Repeat customers' share"),
    "composition": ("销售构成（按门店）", "Composition by store"),
    "composition_product": ("销售构成（按款号）", "Composition by product"),
    "key": ("类别", "Key"),
    "sales": ("销售额", "Sales"),
    "share": ("占比", "Share"),
    "pareto": ("ABC 帕累托曲线", "ABC Pareto curve"),
    "pareto_note": (
        "{since} 至 {until}（截至本月的 {months} 个月）的净消费；横轴：按消费排序的顾客占比；纵轴：累计消费占比",
        "Net spend {since} to {until} (the {months} months ending with this one); "
        "x: share of buyers, biggest first; y: cumulative share of spend",
    ),
    "cohorts_note": (
        "{since} 至 {until} 首次购买的顾客（截至本月的 {months} 个月）；每格为该群在第 k 月再次购买的占比",
        "Customers whose first purchase fell in {since} to {until} (the {months} months up to this one); "
        "each cell is the share of the cohort buying k months later",
    ),
    "rfm_note": (
        "{since} 至 {until}（截至本月的 {months} 个月）有购买的顾客；最近购买、次数与净消费按排名打 1–5 分",
        "Customers with a sale {since} to {until} (the {months} months ending with this one); "
        "recency, frequency and net spend scored 1–5 by rank among them",
    ),
    "customer_share": ("顾客占比", "Share of buyers"),
    "spend_share": ("累计消费占比", "Cumulative share of spend"),
    "customers": ("顾客数", "Customers"),
    "cohorts": ("同期群保留热力图", "Cohort retention"),
    "cohort": ("首购月份", "First purchase month"),
    "months_since": ("第 {k} 月", "Month {k}"),
    "rfm": ("RFM 分群", "RFM segments"),
    "segment": ("分群", "Segment"),
    "spend": ("消费额", "Spend"),
    "champions": ("核心顾客", "Champions"),
    "loyal": ("忠诚顾客", "Loyal"),
    "new": ("新顾客", "New"),
    "potential_loyalists": ("潜力顾客", "Potential loyalists"),
    "cant_lose": ("重点挽回", "Can't lose"),
    "at_risk": ("流失风险", "At risk"),
    "hibernating": ("沉睡顾客", "Hibernating"),
    "lost": ("已流失", "Lost"),
    "touches": ("按接触次数的销售", "Sales by touch number"),
    "touch_no": ("接触次数", "Touch number"),
    "actual_share": ("实际占比", "Actual share"),
    "document_share": ("资料中的占比", "The documents' share"),
    "complaints": ("投诉（按原因）", "Complaints by cause"),
    "cause": ("原因", "Cause"),
    "count": ("件数", "Count"),
    "complaints_note": (
        "首次响应中位数 {first} 小时（承诺 {first_promise} 小时）；"
        "解决中位数 {resolution} 小时（承诺 {resolution_promise} 小时）",
        "Median first response {first} h (promise {first_promise} h); median resolution {resolution} h "
        "(promise {resolution_promise} h)",
    ),
    "assessments": ("顾客评估：等级分布与趋势", "Assessments: standings and trend"),
    "standing": ("等级", "Standing"),
    "average_score": ("平均得分", "Average score"),
    "month": ("月份", "Month"),
    "staff": ("员工排行榜", "Staff leaderboard"),
    "rank": ("名次", "Rank"),
    "person": ("员工", "Staff"),
    "customers_reached": ("联系到的顾客", "Customers reached"),
    "touches_done": ("完成接触", "Touches done"),
    "visits": ("拜访", "Visits"),
    "sales_after_touches": ("接触后成交", "Sales after touches"),
    "sales_amount": ("成交金额", "Sales amount"),
    "serialisation": ("系列化程度", "Serialisation degree"),
    "run": ("计算时间", "Run"),
    "degree": ("系列化程度", "Degree"),
    "active": ("活跃顾客", "Active"),
    "loyal_or_a": ("忠诚或 A 类", "Loyal or A"),
    "clv": ("顾客终身价值分布（预测）", "Lifetime value distribution (predicted)"),
    "clv_band": ("价值区间", "Value band"),
    "clv_note": (
        "BG/NBD 与 Gamma-Gamma 模型，未来 52 周，折现率 {rate}，毛利率 {margin}",
        "BG/NBD and Gamma-Gamma, next 52 weeks, discount rate {rate}, margin {margin}",
    ),
    "clv_missing": (
        "未安装 predict 扩展，或数据不足以拟合",
        "The predict extra is not installed, or too little data to fit",
    ),
    "empty": ("本期无数据", "No data this period"),
}


class Words:
    """Look-ups in one language."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValidationError("language", "must be zh-CN or en")
        self._index = LANGUAGES.index(language)

    def __call__(self, key: str, **values: object) -> str:
        """The word for ``key``, with ``values`` filled in; the key itself when unknown."""
        pair = _WORDS.get(key)
        text = pair[self._index] if pair else key
        return text.format(**values) if values else text
