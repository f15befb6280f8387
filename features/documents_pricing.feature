Feature: The documents' rules for price objections, all the way (issue 17, P52)
  Each scenario quotes the passage of seed 003 it follows. A price objection is
  checked on three points before anything is given back, "no big cut" holds for
  refunds and gifts as much as for price concessions, and the price quoted to a
  customer comes from cost, volume and potential; old customers are told apart
  from new by the playbook's one old-customer rule.

  Background:
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought 3 times for 3000 yuan and the tiers were recomputed
    And "王芳" says the price of an order at 1000 is too high

  @P52
  Scenario: A refund or a gift on a price complaint goes through the three-point check and the cap
    # seed 003: 一、留意市場價格是否真的有波動。
    # seed 003: 二、客戶遇到了新供應商的尋盤,而且價格十分接近。 三、售后服務是否出現了問題。
    # seed 003: 一次的大幅度降價會讓客戶以為這是我們的脈門。
    When handler "李" offers a refund of 80 or a gift worth 30 on the price of 1000
    And handler "李" records the customer's choice of option 2
    Then the choice is refused until the market, the competitor's quote and after-sales are checked
    When "李" checks the market, the competitor's quote and after-sales problems
    And handler "李" records the customer's choice of option 1
    Then the refund waits for an approval because the concession is above the cap

  @P52
  Scenario: A quote from cost, volume and potential; old customers are told apart from new
    # seed 003: 先清楚市場的價格,然后核算所有的成本等,針對客戶的量和潛力再具體報價。
    # seed 003: 新客戶和老客戶提出的價格高存在本質上的區
    When "李" checks the market, the competitor's quote and after-sales problems
    And "李" quotes "王芳" from a full cost of 800 with the market at 1000
    Then the quote is 950.00, for an old customer of tier "A", 0.0500 off, needing no approval
    Given a customer "李娜" with phone "13900139000"
    And "李娜" bought once for 300 yuan
    And "李娜" says the price of an order at 1000 is too high
    When "李" checks the market, the competitor's quote and after-sales problems
    And "李" quotes "李娜" from a full cost of 800 with the market at 1000
    Then the quote is 1000.00, for a new customer, 0.0000 off, needing no approval
    When "李" quotes "李娜" from a full cost of 800 with the market at 850
    Then the quote is 880.00, for a new customer, 0.1200 off, needing an approval
