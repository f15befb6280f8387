Feature: The customer archive
  A store keeps a hard archive (facts) and a soft archive (what a good
  salesperson learns) about each customer, starting small.

  @P01
  Scenario: Start small with a name and a phone
    When staff register "王芳" with phone "138 0013 8000"
    Then the customer "王芳" can be found by phone "+86 138-0013-8000"
    And the profile completeness of "王芳" is 0.0400

  @P01
  Scenario: Birthday and address only if the customer does not mind
    When staff try to register "李娜" with phone "13900139000" and birthday "1990-05-12" without asking
    Then the error is "register.ask_first"
    And no customer "李娜" exists
    When staff register "李娜" with phone "13900139000" and birthday "1990-05-12" with her agreement
    Then the customer "李娜" can be found by phone "13900139000"

  @P01
  Scenario: The same phone cannot be registered twice
    Given a customer "王芳" with phone "13800138000"
    When staff try to register "王小芳" with phone "+8613800138000"
    Then the error is "DuplicateRecord"

  @P02
  Scenario: Fill in the hard archive later
    Given a customer "张伟" with phone "13700137000"
    When staff note of "张伟": gender "male", age band "30-39", clothing size "L", email "ZhangWei@Example.com"
    And staff note of "张伟": employer "华润万家", position "采购经理"
    Then the hard archive of "张伟" has email "ZhangWei@example.com" and clothing size "L"
    And the profile completeness of "张伟" is 0.1200

  @P02
  Scenario: A wrong email is refused and changes nothing
    Given a customer "张伟" with phone "13700137000"
    When staff try to set the email of "张伟" to "not-an-email"
    Then the error names the field "email"
    And the profile completeness of "张伟" is 0.0400

  @P03
  Scenario: The soft archive weighs 80% of a profile
    Given a customer "刘洋" with phone "13600136000"
    When staff learn about "刘洋": personality "外向", hobbies "瑜伽, 旅行", dress preferences "简约通勤"
    And staff learn about "刘洋": work situation "外企", family "已婚一子", consumption habits "换季集中购买"
    And staff learn about "刘洋": lifestyle "周末户外", service preference "不喜打扰", promotion receptiveness "只看新品"
    Then the profile completeness of "刘洋" is 0.8400

  @P07
  Scenario: Important dates that drive greetings
    Given a customer "陈静" with phone "13500135000"
    When staff record the "company_founding" date "公司成立日" of "陈静" on 1-20
    Then the dates coming up for "陈静" within 30 days include "公司成立日" on "2026-01-20"
