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

  @P14 @P13
  Scenario: A brand-new customer's big first sale makes no VIP; an old customer's spend does
    # seed 002: ◇建议老顾客申请办理我们马克华菲VIP、并告知VIP顾客的优惠及福利、VIP管理制度。
    Given a customer "新客" with phone "13800138001"
    And a customer "老客" with phone "13800138002"
    When "新客" buys "R-100" for 3000 from "bob"
    Then "新客" is not a member
    When "老客" buys "R-050" for 100 from "bob"
    And "老客" buys "R-060" for 100 from "bob"
    And "老客" buys "R-100" for 3000 from "bob"
    Then "老客" is a "vip" member

  @P14 @P13
  Scenario: Bulk enrolment takes old customers only and says who was skipped and why
    # seed 002: ◇建议老顾客申请办理我们马克华菲VIP、并告知VIP顾客的优惠及福利、VIP管理制度。
    Given a customer "新客" with phone "13800138001"
    And a customer "老客" with phone "13800138002"
    And "新客" buys "R-100" for 3000 from "bob"
    And "老客" buys "R-050" for 100 from "bob"
    And "老客" buys "R-060" for 100 from "bob"
    And "老客" buys "R-070" for 100 from "bob"
    When staff enrol every existing customer
    Then "老客" joined and "新客" was skipped as "not_old"
    And "老客" is a "vip" member
    And "新客" is not a member

  @P14 @P22
  Scenario: One setting holds the card expiry reminders; the older key is read as it, with a warning
    # seed 000: 会员优惠卡快到期了打个电话提醒她
    Given the playbook says "membership.expiry_reminder_days = [14, 3]"
    And a customer "王芳" with phone "13800138000"
    And "王芳" consents to service by sms
    And "王芳" buys "R-050" for 100 from "bob"
    And "王芳" buys "R-060" for 100 from "bob"
    And "王芳" buys "R-100" for 3000 from "bob"
    When the daily run plans every day from "2026-12-20" to "2027-01-05"
    Then "王芳" has "card_expiry" touches due "2026-12-22, 2027-01-02"
    And the older key "cadences.greetings.card_expiry_days_ahead = [14, 3]" is read as the same setting, with a warning

  @P22 @P13
  Scenario: The new season's brochure goes to old customers who agreed to hear from the shop
    # seed 000: 为顾客送去最新的商品宣传册
    Given a customer "老客" with phone "13800138002"
    And "老客" consents to marketing by sms
    And "老客" buys "R-050" for 100 from "bob"
    And "老客" buys "R-060" for 100 from "bob"
    And "老客" buys "R-070" for 100 from "bob"
    And a customer "新客" with phone "13800138001"
    And "新客" consents to marketing by sms
    And "新客" buys "R-100" for 899 from "bob"
    When the daily run plans "2026-03-01"
    Then "老客" has a "brochure" touch for "2026-03-01" due "2026-03-01" by "sms"
    And "新客" has no "brochure" touch

  @P32 @P17
  Scenario: Key customers are invited to the yearly customer conference and to the award event
    # seed 003: (6)每年召開一次客戶服務會議,邀請代表客戶參觀本企業(yè),增強客戶對本企業(yè)的了解。
    # seed 003: (5)邀請重要客戶參加公司舉辦的優(yōu)秀客戶服務人員獎勵會,并根據情況請客戶頒獎。
    Given a customer "陈静" with phone "13500135000"
    And "陈静" consents to marketing by phone
    And "陈静" is a key customer
    And a customer "王芳" with phone "13800138000"
    And "王芳" consents to marketing by phone
    When the daily run plans "2026-10-21"
    And the daily run plans "2026-11-27"
    Then "陈静" has a "conference" touch for "2026-11-20" due "2026-10-21" by "phone" with reward "invitation"
    And "陈静" has a "award_event" touch for "2026-12-18" due "2026-11-27" by "phone" with reward "invitation"
    And "王芳" has no "conference" touch

  @P32
  Scenario: The shop sets the day of its customer conference in the playbook
    # seed 003: (6)每年召開一次客戶服務會議,邀請代表客戶參觀本企業(yè),增強客戶對本企業(yè)的了解。
    Given the playbook says "cadences.occasions.conference = {dates = ['05-20'], audience = 'all', personal = false, days_ahead = 14}"
    And a customer "王芳" with phone "13800138000"
    And "王芳" consents to marketing by sms
    When the daily run plans "2026-05-06"
    Then "王芳" has a "conference" touch for "2026-05-20" due "2026-05-06" by "sms" with reward "invitation"

  @P22
  Scenario: On every statutory holiday every customer gets the greeting and a small gift
    # seed 003: (7)國家法定假日期間向客戶表達節(jié)日的祝福并贈送帶有公司特點的小禮品。
    Given a customer "王芳" with phone "13800138000"
    And "王芳" consents to greetings by sms
    When the daily run plans three days before each holiday of 2027
    Then "王芳" has 7 holiday greetings, each with a small gift
