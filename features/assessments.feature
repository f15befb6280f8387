Feature: Relationship assessments
  Customer service fills in the 客户关系评估表 for each customer periodically:
  every indicator with its weight, score, grade, basis and remarks, the total
  and final score, and a recommendation to improve, maintain or end the
  relationship. The departments review it and marketing acts on it.

  @P60
  Scenario: The form is scored from the deal archive and the staff's entries
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought for 3000 yuan 30, 70, 110, 150, 190 days ago
    When customer service assesses "王芳" with cooperation 9 because "按时付款，沟通顺畅"
    Then the indicator "spend" scores 7.50 with grade "B"
    And the indicator "frequency" scores 8.33 with grade "B"
    And the indicator "recency" scores 10.00 with grade "A"
    And the indicator "cooperation" scores 9 with grade "A" and basis "按时付款，沟通顺畅"
    And the indicator "complaints" scores 10.00 with grade "A"
    And the total is 60.25 out of an available weight of 75%
    And the final score is 80.33 and the standing is "maintain"

  @P60
  Scenario: Missing data is reported as not available, never invented
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought for 3000 yuan 30 days ago
    When customer service assesses "王芳" with cooperation 9 because "按时付款"
    Then the indicator "complaints" scores 10.00 with grade "A"
    And the indicator "spend_trend" is not available with basis "no spend in the window before to compare with"
    And the indicator "loyalty" is not available with basis "no survey answer in the last 365 days"
    And the effective weight of "spend" is 33.33%

  @P60
  Scenario: A middling score opens an improvement plan and raises the visit frequency
    Given a customer "赵磊" with phone "13700137000"
    And "赵磊" bought for 5000 yuan 60, 120 days ago
    When customer service assesses "赵磊" with cooperation 5 because "回复较慢"
    Then the final score is 55.46 and the standing is "improve"
    And "赵磊" has an open improvement plan visiting every 14 days
    And the outbox holds an "ImprovementPlanOpened" event for "赵磊"

  @P60
  Scenario: Staff override the standing with a reason
    Given a customer "赵磊" with phone "13700137000"
    And "赵磊" bought for 5000 yuan 60, 120 days ago
    And customer service assessed "赵磊" with cooperation 5 because "回复较慢"
    When the sales manager overrides the standing to "maintain" because "季节性客户，旺季集中采购"
    Then the standing is "maintain", overridden from "improve"
    When the sales manager tries to override the standing to "improve" without a reason
    Then the error names the field "reason"

  @P60 @P61
  Scenario: Ending a relationship needs confirmation, then marketing stops
    Given a customer "孙强" with phone "13600136000"
    When customer service assesses "孙强" with cooperation 2 because "多次拒绝沟通"
    Then the final score is 16.00 and the standing is "terminate"
    And marketing is not stopped for "孙强"
    When customer service routes the assessment to review
    And "marketing_manager" answers "同意终止合作"
    And the marketing director confirms the termination
    Then marketing is stopped for "孙强"
    And the outbox holds a "MarketingStopped" event for "孙强"
    And "孙强" is no longer due for assessment within 400 days

  @P60
  Scenario: Only a terminate standing can be confirmed as an ending
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought for 3000 yuan 30, 70, 110, 150, 190 days ago
    And customer service assessed "王芳" with cooperation 9 because "按时付款"
    When the marketing director tries to confirm the termination
    Then the error is "assessment.terminate"

  @P60
  Scenario: Scores over time show the trend and the change since the last assessment
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought for 3000 yuan 30, 70, 110, 150, 190 days ago
    And customer service assessed "王芳" with cooperation 9 because "按时付款"
    When 91 days pass
    And customer service assesses "王芳" with cooperation 9 because "按时付款"
    Then the final score is 76.70 and the standing is "maintain"
    And the trend of "王芳" is "down" with a change of -3.63 over 2 assessments

  @P60 @P17
  Scenario: Key customers come due quarterly, others yearly
    Given a customer "王芳" with phone "13800138000"
    And a customer "李娜" with phone "13900139000"
    And "王芳" is a key customer
    And customer service assessed "王芳" with cooperation 9 because "按时付款"
    And customer service assessed "李娜" with cooperation 9 because "按时付款"
    When 92 days pass
    Then the assessments due today are for "王芳" only
    And within 300 days the assessments due are for "王芳, 李娜"

  @P60
  Scenario: The embedding system supplies an indicator through a port
    Given a customer "华润万家" with phone "13500135000"
    And a supplier form with payment punctuality from the ERP weighing 40% and cooperation 60%
    And the ERP reports a payment punctuality of 0.9 for "华润万家"
    When customer service assesses "华润万家" with cooperation 5 because "对账及时"
    Then the indicator "payment_punctuality" scores 9.00 with grade "A" and basis "0.9 as supplied by the embedding system"
    And the final score is 66.00 and the standing is "improve"

  @P60
  Scenario: A form whose weights do not add up to 100% is refused
    When a playbook is loaded whose only indicator weighs 90%
    Then the error names the field "assessment.forms.indicators.weight"
    And the error is "indicator weights must sum to 100"

  @P61
  Scenario: Reviewers answer, marketing drafts measures, the next assessment shows the change
    Given a customer "赵磊" with phone "13700137000"
    And "赵磊" bought for 5000 yuan 60, 120 days ago
    And customer service assessed "赵磊" with cooperation 5 because "回复较慢"
    When customer service routes the assessment to review
    Then "marketing_director" has 1 assessment awaiting review, standing "improve"
    When "marketing_director" answers "加强拜访，了解采购计划"
    And "marketing_manager" answers "可给予新品试用"
    And "related_departments" answers "物流准时率需提升"
    Then the assessment is "reviewed" and nobody is still asked
    When marketing drafts the measure "每两周上门拜访一次" owned by "sales_li" due in 30 days
    Then the improvement plan of "赵磊" has an open task owned by "sales_li" due on "2026-02-04"
    And the assessment is "actioned" and nobody is still asked
    When 91 days pass
    And "赵磊" bought for 5000 yuan 0 days ago
    And customer service assesses "赵磊" with cooperation 8 because "响应明显加快"
    Then the final score is 72.33 and the standing is "maintain"
    And the change since the last assessment is 16.87
    And the indicator "cooperation" changed by 3
