Feature: The deal archive
  For each purchase the store keeps the items, size, structure, colour,
  price and date, and later how the item is holding up.

  @P05
  Scenario: A purchase with its lines updates the customer's figures
    Given a customer "王芳" with phone "13800138000"
    When "王芳" buys at store "静安店" from staff "小李":
      | style   | size | colour | structure | price  | quantity |
      | QY-2301 | M    | 藏青   | 真丝      | 899.00 | 1        |
      | KZ-1102 | 27   | 黑     | 羊毛混纺  | 459.00 | 2        |
    Then the figures of "王芳" show 1 purchase worth "1817.00"
    And the deal archive of "王芳" lists style "KZ-1102" in size "27" and colour "黑"

  @P05
  Scenario: A return is its own record and reduces spend
    Given a customer "王芳" with phone "13800138000"
    When "王芳" buys at store "静安店" from staff "小李":
      | style   | size | colour | structure | price  | quantity |
      | KZ-1102 | 27   | 黑     | 羊毛混纺  | 459.00 | 2        |
    And 3 days pass
    And "王芳" returns 1 of style "KZ-1102"
    Then the figures of "王芳" show 1 purchase worth "459.00"
    And the figures of "王芳" show 1 return
    When "王芳" tries to return 2 more of style "KZ-1102"
    Then the error is "return.quantity"

  @P05
  Scenario: Years in use and condition are reported later
    Given a customer "王芳" with phone "13800138000"
    When "王芳" buys at store "静安店" from staff "小李":
      | style   | size | colour | structure | price  | quantity |
      | QY-2301 | M    | 藏青   | 真丝      | 899.00 | 1        |
    And 400 days pass
    And "王芳" reports style "QY-2301" after 1.1 years as "面料轻微起球"
    Then the deal archive of "王芳" shows style "QY-2301" used 1.1 years in condition "面料轻微起球"

  @P05
  Scenario: The same POS receipt imported twice is recorded once
    Given a customer "王芳" with phone "13800138000"
    When the POS sends receipt "POS-0001" for "王芳" twice
    Then the figures of "王芳" show 1 purchase worth "899.00"
