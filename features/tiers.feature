Feature: Tiers and segments
  Customers are told apart by what they spend (ABC), how they relate to the
  brand (attitude), and how far the relationship has come. A customers and
  hand-picked ones are key accounts and go first in every queue.

  Background:
    Given customers who bought in the last year:
      | name | phone       | spend |
      | 甲   | 13800000001 | 4000  |
      | 乙   | 13800000002 | 4000  |
      | 丙   | 13800000003 | 1000  |
      | 丁   | 13800000004 | 500   |
      | 戊   | 13800000005 | 100   |
      | 己   | 13800000006 | 100   |
      | 庚   | 13800000007 | 100   |
      | 辛   | 13800000008 | 100   |
      | 壬   | 13800000009 | 50    |
      | 癸   | 13800000010 | 50    |

  @P10
  Scenario: The 80/20 rule: the two customers of ten who make 80% of sales are A
    When the tiers are recomputed
    Then the ABC labels are A for "甲, 乙", B for "丙, 丁" and C for "戊, 己, 庚, 辛, 壬, 癸"
    And 20% of the customers are A and they made 80% of the sales

  @P10
  Scenario: Moving up the ladder is an event and kept as history
    Given the tiers are recomputed
    When "丁" buys goods worth "9000"
    And the tiers are recomputed
    Then "丁" is an A customer
    And the tier history of "丁" reads "B, A"
    And an event "TierUpgraded" was raised for "丁"

  @P10
  Scenario: Equal spend gets the same label and no spend is always C
    Given a customer "子" with phone "13800000011"
    And "癸" buys goods worth "50"
    When the tiers are recomputed
    Then "癸", "戊", "己", "庚" and "辛" all have the label "B"
    And "壬" is a C customer
    And "子" is a C customer

  @P10
  Scenario: The cut can be made by share of customers instead
    Given the playbook cuts ABC by share of customers
    When the tiers are recomputed
    Then the ABC labels are A for "甲, 乙", B for "丙, 丁, 戊, 己, 庚, 辛" and C for "壬, 癸"

  @P11
  Scenario: Loyal customers and early adopters are told apart from the rest
    Given "甲" bought 2 more times in the last month
    And "乙" bought the new style "NEW-01" in its launch week and 2 more times
    And "丙" bought 3 times discounted goods worth "500" each
    Then the attitude of "甲" is "loyal"
    And the attitude of "乙" is "early_adopter"
    And the attitude of "丙" is "no_loyalty"

  @P11
  Scenario: A brand switcher, and a staff override kept until lifted
    Given "丁" was seen buying from a competitor
    Then the attitude of "丁" is "switcher"
    When staff override the attitude of "丁" to "loyal" because "came back after the complaint was fixed"
    Then the attitude of "丁" is "loyal"
    When staff lift the override of "丁"
    Then the attitude of "丁" is "switcher"

  @P12
  Scenario: The serialisation degree is the share of loyal and A customers
    Given "丙" bought 2 more times in the last month
    When the tiers are recomputed
    Then the serialisation degree of the tenant is 0.3
    And the serialisation degree is kept for each run

  @P13
  Scenario Outline: New, returning and old customers are told apart by rule
    Given a customer "<name>" with phone "<phone>"
    And "<name>" bought <sales> times
    And "<name>" has referred <referrals> customers
    Then "<name>" is a <stage> customer

    Examples:
      | name | phone       | sales | referrals | stage     |
      | 新客 | 13900000001 | 1     | 0         | new       |
      | 回头 | 13900000002 | 2     | 0         | returning |
      | 老客 | 13900000003 | 3     | 0         | old       |
      | 介绍 | 13900000004 | 1     | 1         | old       |

  @P17
  Scenario: A customers and hand-picked ones are key accounts and go first
    Given the tiers are recomputed
    And staff hand-pick "庚" as a key customer
    Then the key accounts are "甲, 乙, 庚"
    And the card of "甲" shows a key customer
    And the queue "癸, 丙, 庚, 甲" is worked in the order "庚, 甲, 丙, 癸"
