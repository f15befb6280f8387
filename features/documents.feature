Feature: The documents' rules, all the way (issue 17)
  Each scenario quotes the passage of the source documents it follows.

  @P21
  Scenario: A friendly answer does not end the follow-up
    # seed 000: 四天后,他来第二次电话,询问公司是否愿意接受他新的推荐信,回答当然是肯定的。
    # 又过了两天,他将新的推荐信传真至公司秘书办公室,紧接着他电话又跟过来
    Given a customer "张伟" with phone "13700137000"
    And "张伟" consents to marketing by phone
    When staff "bob" follows up "张伟"
    And "张伟" answers the next follow-up touch in a friendly way
    Then the follow-up of "张伟" is still running after 1 touch
    And "张伟" has follow-up touch 2 planned

  @P21
  Scenario: The playbook takes the document's shrinking intervals
    # seed 000: 一周后,他打电话到公司询问是否收到他的简历。四天后,他来第二次电话……又过了两天
    Given the playbook spaces follow-ups 7, 4, 2 days and then 2 days
    And a customer "张伟" with phone "13700137000"
    And "张伟" consents to marketing by phone
    When staff "bob" follows up "张伟"
    And "张伟" is reached on 3 touches of the follow-up
    Then the follow-up touches of "张伟" fall 0, 7, 11, 13 days after the start

  @P21
  Scenario: The shop's sales by follow-up number next to the document's table, per staff member and month
    # seed 000: 2%的销售是在第一次接洽后完成;3%的销售是在第一次跟踪后完成;5%的销售是在第二次跟踪后完成;
    # 10%的销售是在第6次跟踪后完成;80%的销售是在第4至11次跟踪后完成!
    Given a customer "张伟" with phone "13700137000"
    And "张伟" consents to marketing by phone
    And a customer "刘洋" with phone "13600136000"
    And "刘洋" consents to marketing by phone
    When staff "bob" follows up "张伟"
    And staff "amy" follows up "刘洋"
    And "张伟" is reached on 2 touches of the follow-up
    And "张伟" buys "R-100" for 1999 from "bob"
    And "刘洋" is reached on 6 touches of the follow-up
    And "刘洋" buys "R-200" for 599 from "amy"
    Then the follow-up table from "2026-01-01" to "2026-03-31" for the whole shop is:
      | band              | document | sales | shop   |
      | first_contact     | 0.02     | 0     | 0.0000 |
      | follow_up_1       | 0.03     | 1     | 0.5000 |
      | follow_up_2       | 0.05     | 0     | 0.0000 |
      | follow_up_6       | 0.10     | 0     | 0.0000 |
      | follow_up_4_to_11 | 0.80     | 1     | 0.5000 |
    And the follow-up table has a row for "amy" in "2026-01" with 1 sale at touch 6
    And the follow-up table has a row for "bob" in "2026-01" with 1 sale at touch 2

  @P17
  Scenario: An A customer is a key customer on the card and its card goes stale on the key customers' period
    # seed 001: A類,大客戶,購買金額大,客戶數量少
    # seed 003: 主要根據客戶的重要程度劃分為重要客戶和一般客戶,對于重點客戶應該單獨管理,制作重要客戶的客戶關系卡。
    Given a customer "甲" with phone "13900000001"
    And a customer "乙" with phone "13900000002"
    And "甲" buys "R-100" for 3000 from "bob"
    And "乙" buys "R-200" for 10 from "bob"
    And the tiers are recomputed
    Then the archive's card of "甲" shows a key customer
    And the archive's card of "乙" shows a general customer
    When 31 days pass
    Then the stale cards are "甲"

  @P13 @P34
  Scenario: A customer who referred someone is old and is asked for repeat business and referrals
    # seed 002: 老顾客是指已经熟悉和使用并体验过我们品牌的产品和服务……有连续购买欲望和行为的人。
    # 维护老顾客的好处? 重复购买 带来新的客户
    Given a customer "王芳" with phone "13800138000"
    And "王芳" consents to marketing by phone
    And "王芳" consents to service by phone
    And "王芳" buys "R-100" for 899 from "bob"
    When the return visit of "王芳" ends with a referral of "周婷" with phone "13200132000"
    Then "王芳" is an old customer
    When the daily run plans "2026-04-05"
    Then "王芳" is asked for repeat business, and for a referral

  @P14 @P22
  Scenario: A member who agreed to calls only is called before the card expires
    # seed 000: 会员优惠卡快到期了打个电话提醒她
    Given a customer "王芳" with phone "13800138000"
    And "王芳" consents to service by phone
    And "王芳" buys "R-050" for 100 from "bob"
    And "王芳" buys "R-060" for 100 from "bob"
    And "王芳" buys "R-100" for 3000 from "bob"
    When the daily run plans "2026-12-06"
    Then "王芳" gets a call about her member card expiring on "2027-01-05"

  @P22
  Scenario: Greetings on all seven statutory holidays by default
    # seed 003: (7)國家法定假日期間向客戶表達節日的祝福并贈送帶有公司特點的小禮品。
    Given a customer "王芳" with phone "13800138000"
    And "王芳" consents to greetings by sms
    When the daily run plans three days before each holiday of 2027
    Then "王芳" has holiday greetings for "New Year's Day, Chinese New Year (Spring Festival), Tomb-Sweeping Day, Labor Day, Dragon Boat Festival, Mid-Autumn Festival, National Day"

  @P24
  Scenario: A few customers are phoned, many get bulk messages
    # seed 003: 客戶量小的話可以很簡單打電話跟進客戶就行; 客戶量大的話可以通過郵件群發或者是短信群發的方式去進行老客戶的維護及開發
    Given the shop phones audiences of at most 2 customers
    And a customer "王芳" with phone "13800138000"
    And "王芳" consents to marketing by phone
    And "王芳" consents to marketing by sms
    And a customer "陈静" with phone "13500135000"
    And "陈静" consents to marketing by phone
    And "陈静" consents to marketing by sms
    And a customer "李娜" with phone "13900139000"
    And "李娜" consents to marketing by phone
    And "李娜" consents to marketing by sms
    When staff tell "王芳, 陈静" about "春季新品"
    And staff tell "王芳, 陈静, 李娜" about "会员日"
    Then "王芳" is told about "春季新品" by phone
    And "陈静" is told about "春季新品" by phone
    And "王芳" is told about "会员日" by sms
    And "李娜" is told about "会员日" by sms
