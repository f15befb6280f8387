Feature: The documents' rules for using assessments, all the way (issue 17, P60/P61)
  Each scenario quotes the passage of seed 003 it follows. Who overrules the
  form, answers a review or confirms an ending is a person the embedder's own
  authentication names (an Actor with id and role); their role, checked
  against the shop's roster where one is plugged in, must rank high enough.

  Background:
    Given a customer "孙强" with phone "13600136000"
    And customer service assessed "孙强" with cooperation 2 because "多次拒绝沟通"

  @P61
  Scenario: An ending is confirmed only after the required department's review
    # seed 003: 送營銷總監
    # seed 003: 市場營銷部經理以及相關部門進行審閱。
    # seed 003: 各相關部門根據客戶評估的結果提出反饋意見
    When "张" confirms the termination as "marketing_director"
    Then the ending is refused until the review is in, and marketing goes on for "孙强"
    When customer service routes the assessment to review
    And "刘" answers as "marketing_manager" "同意终止合作"
    And "张" confirms the termination as "marketing_director"
    Then marketing is stopped for "孙强", confirmed by "张" as "marketing_director"

  @P61
  Scenario: Customer service summarises the quarter's assessments for the reviewers
    # seed 003: 由客戶服務部人員對客戶評估結果進行匯總
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought for 3000 yuan 30, 70, 110, 150, 190 days ago
    And customer service assessed "王芳" with cooperation 9 because "按时付款"
    And a customer "赵磊" with phone "13700137000"
    And "赵磊" bought for 5000 yuan 60, 120 days ago
    And customer service assessed "赵磊" with cooperation 5 because "回复较慢"
    When customer service routes the assessment to review
    And customer service summarises the quarter
    Then the summary counts 3 customers: 1 "maintain", 1 "improve", 1 "terminate"
    And 2 are not routed, 1 awaits review and 1 ending is unconfirmed
    And the summary lists "孙强", "赵磊", "王芳", lowest score first

  @P60 @P61
  Scenario: The acting person's role decides, and the shop's roster says who holds which role
    # seed 003: 市場營銷部經理以及相關部門進行審閱。
    # The document names the roles (客戶服務部, 市場營銷部經理, 營銷總監); the playbook ranks them.
    Given the shop's roster says "小李" is "customer_service", "刘" is "marketing_manager" and "张" is "marketing_director"
    And the assessment was routed and "刘" answered "同意终止合作"
    When "小李" tries to overrule the standing to "maintain"
    Then it is refused with "assessment.authority" and the standing stays "terminate"
    When "刘" tries to confirm the termination
    Then it is refused with "assessment.authority" and the standing stays "terminate"
    When "刘" tries to confirm the termination claiming to be a "marketing_director"
    Then it is refused with "actor.role" and the standing stays "terminate"
    When "张" confirms the termination by id only
    Then marketing is stopped for "孙强", confirmed by "张" as "marketing_director"
