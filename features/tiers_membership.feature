Feature: Membership, points and benefits
  Old customers are invited to join or join by spend; members get 12% off full-price goods,
  points that cycle, a birthday treat and the club; repeat purchases, full-line
  bundles and contracts raise the cost of switching.

  @P14
  Scenario: Spend reaches VIP, and VIPs get 12% off full-price goods
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought 2 times
    When "王芳" buys goods worth "1800"
    Then "王芳" is not a member
    When "王芳" buys goods worth "1200"
    Then "王芳" is a "vip" member because "joined: qualified at a sale"
    And at the till a basket of "1000" full-price and "200" discounted goods for "王芳" gets "120.00" off, pays "1080.00" and earns 1080 points

  @P14
  Scenario: Old customers are invited to join; new ones are not
    Given a customer "新客" with phone "13800138001"
    And a customer "老客" with phone "13800138002"
    And "老客" bought 3 times
    When staff try to invite "新客"
    Then the error is "membership.invite"
    When staff invite "老客"
    And "老客" accepts the invitation
    Then "老客" is a "vip" member because "joined: accepted an invitation"

  @P14
  Scenario: Existing customers are enrolled in bulk
    Given a customer "甲" with phone "13800138001"
    And a customer "乙" with phone "13800138002"
    And a customer "丙" with phone "13800138003"
    And "甲" bought 3 times
    And "乙" bought 3 times
    When staff enrol every existing customer
    Then 2 customers joined
    And "乙" is a "vip" member because "enrolled in bulk by staff"

  @P14
  Scenario: Members are reminded before their card expires, once
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought 2 times
    And "王芳" buys goods worth "3000"
    When 340 days pass
    And the daily reminders run twice
    Then 1 "MembershipExpiring" event was raised for "王芳"

  @P14
  Scenario: A member who no longer qualifies goes down at the review, after the grace period
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought 2 times
    And "王芳" buys goods worth "12000"
    Then "王芳" is a "gold" member because "joined: qualified at a sale"
    When 380 days pass
    And the membership review runs
    Then "王芳" is a "gold" member because "joined: qualified at a sale"
    When 20 days pass
    And the membership review runs
    Then "王芳" is a "vip" member because "review: spend 0 in the window"
    And an event "MembershipDowngraded" was raised for "王芳"

  @P14 @P15
  Scenario: Points cycle: earned, redeemed for a gift, given back on a return, expired oldest first
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought 2 times
    And "王芳" buys goods worth "3000"
    When "王芳" redeems the gift "tote"
    Then "王芳" has 2500 points
    When "王芳" returns goods worth "1000" of that purchase
    Then "王芳" has 1500 points
    When 350 days pass
    And the daily reminders run twice
    Then 1 "PointsExpiring" event was raised for "王芳"
    When 20 days pass
    And the daily reminders run twice
    Then "王芳" has 0 points

  @P15
  Scenario: More than a discount card: club, events, partner benefits and a birthday treat
    Given a customer "王芳" with phone "13800138000" and birthday "1990-01-20"
    And "王芳" bought 2 times
    And "王芳" buys goods worth "3000"
    When "王芳" joins the members' club
    And "王芳" attends the club event "春季新品沙龙"
    And "王芳" receives the partner benefit "美容护理一次" from "丽人美容"
    Then the membership of "王芳" shows the club, 1 event and 1 partner benefit
    And at the till in her birthday month "王芳" gets the benefit "birthday_treat"

  @P16
  Scenario: Every 10th purchase is rewarded
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought 8 times
    And "王芳" buys goods worth "3000"
    Then at the till a basket of "1000" full-price goods for "王芳" gets the benefit "frequency_reward" of "100.00"

  @P16
  Scenario: A basket of the full line gets the bundle discount
    Given a customer "王芳" with phone "13800138000"
    Then at the till a full-line basket of top, bottom and outerwear at "400" each gets the benefit "bundle_discount" of "60.00"

  @P16
  Scenario: A B2B contract locks in terms and its renewal is prepared in time
    Given a customer "华润万家" with phone "13800138000"
    When staff sign a one-year contract with "华润万家" at "0.08" discount
    And 310 days pass
    And the daily reminders run twice
    Then 1 "ContractRenewalDue" event was raised for "华润万家"
    When staff renew the contract for another year
    Then the contract of "华润万家" ends after 730 days

  @P14 @P15
  Scenario: The season's catalogue goes to members, and a year after joining they are greeted
    Given a customer "王芳" with phone "13800138000"
    And a customer "李娜" with phone "13900139000"
    And "王芳" bought 2 times
    And "王芳" buys goods worth "3000"
    Then the season's catalogue goes to "王芳" only
    When 365 days pass
    And the daily reminders run twice
    Then 1 "MembershipAnniversary" event was raised for "王芳"
