Feature: The relationship card
  A standard card per customer; key customers are managed apart; every
  change is kept, and a card not reviewed in time is flagged stale.

  @P06
  Scenario: Every change of the card is kept as history
    Given a customer "陈总" with phone "13500135000"
    When staff "小李" sets the employer of "陈总" to "华润万家" and the position to "采购总监"
    And staff "小王" sets the position of "陈总" to "副总经理"
    Then the history of "陈总" shows "position" changed by "小王"
    And the card of "陈总" shows the position "副总经理"

  @P06
  Scenario: Key customers are managed separately and reviewed more often
    Given a customer "陈总" with phone "13500135000"
    And a customer "王芳" with phone "13800138000"
    And staff "小李" makes "陈总" a key customer
    When 45 days pass
    Then the stale cards are "陈总"
    When 50 days pass
    Then the stale cards are "陈总, 王芳"
    When staff "小李" reviews the card of "陈总"
    Then the stale cards are "王芳"

  @P06
  Scenario: Extra contacts on the card
    Given a customer "陈总" with phone "13500135000"
    When staff "小李" adds the "wechat" contact "chen_zong_88" to "陈总"
    Then the card of "陈总" lists a "wechat" contact
