Feature: Assessing the relationship in figures
  Sales by grade (the customers' ABC labels from the tiers), product and
  region; retention, churn and lifetime value against a baseline; and the
  two stores of the document compared.

  Background:
    Given the clock reads "2026-01-05T10:00:00+08:00"

  @P63
  Scenario: Sales by product, by store and region, and by customer grade
    Given these sales in January 2026:
      | customer | store  | style   | price   | quantity |
      | 王芳     | 静安店 | QY-2301 | 899.00  | 1        |
      | 王芳     | 静安店 | KZ-1102 | 459.00  | 2        |
      | 张伟     | 徐汇店 | QY-2301 | 899.00  | 3        |
      | 李娜     | 杭州店 | WT-0808 | 1299.00 | 1        |
    And the stores lie in these regions:
      | store  | region |
      | 静安店 | 上海   |
      | 徐汇店 | 上海   |
      | 杭州店 | 浙江   |
    And the tiers are recomputed on the sales up to 3 January 2026, when only "王芳" had bought
    Then sales by product in January 2026 are "QY-2301" 3596.00, "WT-0808" 1299.00, "KZ-1102" 918.00
    And sales by region in January 2026 are "上海" 4514.00, "浙江" 1299.00
    And sales by grade in January 2026 are "C" 3996.00, "A" 1817.00

  @P64
  Scenario: Retention, churn and lifetime value against a baseline
    Given these sales in December 2025:
      | customer | store  | style   | price  | quantity |
      | 王芳     | 静安店 | QY-2301 | 899.00 | 1        |
      | 张伟     | 静安店 | QY-2301 | 899.00 | 1        |
      | 李娜     | 静安店 | QY-2301 | 899.00 | 1        |
      | 陈静     | 静安店 | QY-2301 | 899.00 | 1        |
    And the December 2025 figures are kept as the baseline
    And these sales in January 2026:
      | customer | store  | style   | price  | quantity |
      | 王芳     | 静安店 | KZ-1102 | 459.00 | 1        |
      | 张伟     | 静安店 | KZ-1102 | 459.00 | 1        |
      | 刘洋     | 静安店 | KZ-1102 | 459.00 | 1        |
    When the January 2026 figures are taken
    Then retention is 0.5000 and churn is 0.5000
    And 0.6667 of January's sales came from customers who had bought before
    And the effect against the baseline shows 3 buyers instead of 4

  @P66
  Scenario: The document's two stores, computed right
    When stores are compared:
      | store | new visitors | new conversion | new ticket | old visitors | old conversion | old ticket |
      | A店   | 4000         | 0.10           | 500        | 1000         | 0.60           | 1000       |
      | B店   | 3500         | 0.10           | 500        | 1500         | 0.60           | 1000       |
    Then store "A店" sold 800000.00
    And store "B店" sold 1075000.00, where the document printed 1040000
    And "B店" leads, and "A店" trails by 275000.00 of which 300000.00 from old customers

  @P64
  Scenario: RFM segments, a cohort kept, and the Pareto curve of spend
    Given these sales in December 2025:
      | customer | store  | style   | price  | quantity |
      | 王芳     | 静安店 | QY-2301 | 899.00 | 1        |
      | 张伟     | 静安店 | QY-2301 | 899.00 | 1        |
      | 李娜     | 静安店 | QY-2301 | 899.00 | 1        |
      | 陈静     | 静安店 | QY-2301 | 899.00 | 1        |
    And these sales in January 2026:
      | customer | store  | style   | price  | quantity |
      | 王芳     | 静安店 | KZ-1102 | 459.00 | 1        |
      | 张伟     | 静安店 | KZ-1102 | 459.00 | 1        |
      | 刘洋     | 静安店 | KZ-1102 | 459.00 | 1        |
    Then the RFM scores from December 2025 to January 2026 are:
      | customer | recency | frequency | monetary | segment     |
      | 张伟     | 4       | 4         | 4        | champions   |
      | 王芳     | 3       | 4         | 4        | loyal       |
      | 刘洋     | 5       | 1         | 1        | new         |
      | 陈静     | 2       | 1         | 2        | hibernating |
      | 李娜     | 1       | 1         | 2        | lost        |
    And the December 2025 cohort kept 2 of its 4 customers a month later, a share of 0.5000
    And the top 2 of 5 spenders from December 2025 to January 2026 made 0.5461 of the spend

  @P31
  Scenario: Staff sales from the deal archive
    Given these sales in January 2026:
      | customer | store  | style   | price  | quantity | staff |
      | 王芳     | 静安店 | QY-2301 | 899.00 | 1        | 小李  |
      | 张伟     | 静安店 | KZ-1102 | 459.00 | 2        | 小李  |
      | 王芳     | 静安店 | KZ-1102 | 459.00 | 1        | 小王  |
    Then staff sales in January 2026 are:
      | staff | receipts | net sales | customers | new customers |
      | 小李  | 2        | 1817.00   | 2         | 2             |
      | 小王  | 1        | 459.00    | 1         | 0             |

  @P63
  Scenario: Each product category's share of the sales and of the units sold
    # seed 003: 通過分析企業商品總銷售量中各類商品所占比重,以確定對不同客戶的商品銷售重點和對策
    Given these sales in January 2026:
      | customer | store  | style   | price  | quantity |
      | 王芳     | 静安店 | QY-2301 | 899.00 | 1        |
      | 张伟     | 静安店 | KZ-1102 | 459.00 | 2        |
      | 李娜     | 静安店 | KZ-1103 | 300.00 | 1        |
    And the styles fall in these categories:
      | style   | category |
      | QY-2301 | 外套     |
      | KZ-1102 | 裤装     |
      | KZ-1103 | 裤装     |
    Then sales by category in January 2026 are:
      | category | sales   | share  | units | units share |
      | 裤装     | 1218.00 | 0.5753 | 3     | 0.7500      |
      | 外套     | 899.00  | 0.4247 | 1     | 0.2500      |

  @P64
  Scenario: Lifetime value on a yearly retention, lifetime profit and share of wallet
    # seed 004: 他們還應該計算並評估客戶終生價值或客戶終生利潤率。而客戶佔有率表明了公司的業務構成
    Given these sales in December 2025:
      | customer | store  | style   | price  | quantity |
      | 王芳     | 静安店 | QY-2301 | 899.00 | 1        |
      | 张伟     | 静安店 | QY-2301 | 899.00 | 1        |
    And these sales in January 2026:
      | customer | store  | style   | price  | quantity |
      | 王芳     | 静安店 | KZ-1102 | 459.00 | 1        |
    When the January 2026 figures are taken
    Then retention is 0.5000 and churn is 0.5000
    And a month's retention of 0.5000 is 0.0003 a year, giving a lifetime value of 2162.33 and a lifetime profit of 2162.33
    And "王芳" who spent 1000.00 on clothes in January 2026 gave us a share of wallet of 0.4590

  @P27
  Scenario: Lost old customers are seen without consent to be asked, and why they left is counted
    # seed 002: 第五模块 及时分析老顾客流失的原因
    # seed 004: 丟失客戶訪談——確定客戶為什麼會流失,是否有辦法可以挽回。也可以發現客戶轉向了哪家競爭對手
    Given these sales in December 2025:
      | customer | store  | style   | price  | quantity |
      | 王芳     | 静安店 | QY-2301 | 899.00 | 1        |
      | 王芳     | 静安店 | QY-2301 | 899.00 | 1        |
      | 王芳     | 静安店 | QY-2301 | 899.00 | 1        |
      | 张伟     | 静安店 | QY-2301 | 899.00 | 1        |
      | 张伟     | 静安店 | QY-2301 | 899.00 | 1        |
      | 张伟     | 静安店 | QY-2301 | 899.00 | 1        |
      | 刘洋     | 静安店 | QY-2301 | 899.00 | 1        |
    And "张伟" may be asked by phone for surveys
    When 200 days pass and the daily run plans the day
    And staff interview "张伟": gone for "价格太高" to "优衣库", may come back
    Then the lost old customers are "王芳, 张伟", and "王芳" was never interviewed
    And the interviews found "价格太高" once and "优衣库" once, and 1 may come back
