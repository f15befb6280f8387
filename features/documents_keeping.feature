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

  @P02 @P03
  Scenario: A retail customer with seed 002's whole hard archive and a purchase has the hard archive's 20%
    # seed 002: (一) 硬件档案(重要性20%): 姓名、性别、民族、大概年龄、邮箱、住址、电话号码 服装码数、消费金额、购买产品款号
    Given a customer "王芳" with phone "13800138000"
    When staff fill in the hard archive of "王芳"
    Then the profile completeness of "王芳" is 0.1600
    When "王芳" buys "QY-2301" for 899 from "bob"
    Then the profile completeness of "王芳" is 0.2000
    When staff note the employer, position and income band of "王芳"
    Then the profile completeness of "王芳" is 0.2000

  @P02 @P06
  Scenario: Employer, position and income band count for a B2B customer only
    # seed 003: 客戶服務人員根據固定的格式編制客戶關系卡片,卡片的內容包括客戶姓名、工作單位、職位、住址、聯系方式等。
    Given a customer "华润采购" with phone "13700137000"
    And "华润采购" is a B2B customer
    When staff fill in the hard archive of "华润采购"
    And "华润采购" buys "R-100" for 5000 from "bob"
    Then the profile completeness of "华润采购" is 0.1538
    When staff note the employer, position and income band of "华润采购"
    Then the profile completeness of "华润采购" is 0.2000

  @P03
  Scenario: The family counts once, in the soft archive
    # seed 002: (二)软件档案(重要性80%): 工作状况、家庭状况、性格类型、个人消费习惯 个人着装喜好、日常娱乐爱好、生活习惯 喜欢的服务方式、对促销信息的接受情况
    Given a customer "刘洋" with phone "13600136000"
    When staff note the family situation "已婚一子" of "刘洋" on the hard profile
    Then the profile completeness of "刘洋" is 0.1289
    When staff note the family "已婚一子" of "刘洋" on the soft profile
    Then the profile completeness of "刘洋" is 0.1289
