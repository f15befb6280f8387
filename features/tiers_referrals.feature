Feature: Referrals
  Old customers are asked for referrals; referred leads are A-grade, worked
  first and closed fast, and the referrer is thanked.

  @P33
  Scenario: A referred lead goes first, and the referrer is thanked at the first purchase
    Given a customer "老王" with phone "13800138000"
    And "老王" bought 3 times
    And a customer "小李" with phone "13900139000"
    And a customer "路人" with phone "13700137000"
    When "老王" refers "小李"
    Then the open leads are "小李"
    And the queue "路人, 小李" is worked in the order "小李, 路人"
    When "小李" buys goods worth "500"
    Then the open leads are ""
    And "老王" has 200 points
    And an event "ReferralCredited" was raised for "老王"
    When "小李" buys goods worth "500"
    Then "老王" has 200 points

  @P33 @P13
  Scenario: Referring someone makes an old customer
    Given a customer "老王" with phone "13800138000"
    And "老王" bought 1 times
    And a customer "小李" with phone "13900139000"
    When "老王" refers "小李"
    Then "老王" is an old customer

  @P33
  Scenario: Only leads can be referred, and nobody refers themselves
    Given a customer "老王" with phone "13800138000"
    And a customer "小李" with phone "13900139000"
    And "小李" bought 1 times
    When "老王" tries to refer "小李"
    Then the error is "referral.referred"
    When "老王" tries to refer "老王"
    Then the error is "referral.self"
