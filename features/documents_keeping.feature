Feature: The documents' rules, all the way: archive, membership, tracking service, visits (issue 17)
  Each scenario quotes the passage of the source documents it follows.

  @P60 @P23
  Scenario: An improved relationship is visited on the plan's interval, not the tier's
    # seed 003: 建議 □改進關系□維持關系□終止關系
    # seed 003: 2.客戶服務人員實行對特定客戶訪問和所有客戶巡回訪問相結合的回訪制度,充分了解客戶的需求。
    Given a customer "赵磊" with phone "13700137000"
    And "赵磊" consents to service by phone
    And "赵磊" buys "R-100" for 5000 from "bob"
    And the tiers are recomputed
    When customer service decides to improve the relationship with "赵磊" because "回复较慢"
    And the daily run plans every day from "2026-01-06" to "2026-02-02"
    Then "赵磊" has 2 rotation visits, 14 days apart
