Feature: Consent and confidentiality
  The store tells the customer why data is collected and promises to keep it
  confidential; consent is recorded, withdrawal honoured, and erasure keeps
  only anonymous purchase figures.

  @P04
  Scenario: Consent is recorded per purpose and channel, and withdrawal is honoured at once
    Given a customer "王芳" with phone "13800138000"
    When "王芳" agrees in writing in store to "marketing" by "sms"
    Then the store may contact "王芳" for "marketing" by "sms"
    And the store may not contact "王芳" for "marketing" by "email"
    When "王芳" withdraws consent to "marketing"
    Then the store may not contact "王芳" for "marketing" by "sms"
    And the consent record of "王芳" shows when it was given and withdrawn

  @P04
  Scenario: Everything held about a customer can be exported
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought style "QY-2301" for "899.00"
    And staff "小李" noted about "王芳": "喜欢真丝围巾"
    When the store exports the data of "王芳"
    Then the export holds her profile, 1 purchase and 1 note

  @P04
  Scenario: Erasure removes personal data and keeps anonymous figures
    Given a customer "王芳" with phone "13800138000"
    And "王芳" bought style "QY-2301" for "899.00"
    And staff "小李" noted about "王芳": "喜欢真丝围巾"
    When the store erases "王芳"
    Then no customer "王芳" exists
    And nobody can be found by phone "13800138000"
    And the erased customer still counts 1 purchase worth "899.00"
    And the erased customer has no notes

  @P04
  Scenario: Personal data never shows in a customer's printed form
    Given a customer "王芳" with phone "13800138000"
    When staff note of "王芳" the email "wf@example.com" and the address "上海市静安区南京西路1号"
    Then the printed form of "王芳" shows neither her phone, email, address nor name

  @P04 @P32
  Scenario: A promotion carries an unsubscribe link that withdraws marketing on its channel, once
    Given the shop "衣尚女装" signs unsubscribe links to "https://shop.example/unsubscribe"
    And a customer "王芳" with phone "13800138000"
    When "王芳" agrees in writing in store to "marketing" by "sms"
    And "王芳" agrees in writing in store to "marketing" by "email"
    And the store informs "王芳" of "新品到店": "春季新款已到。"
    Then the message to "王芳" reads "王芳，您好！新品到店：春季新款已到。" signed "衣尚女装" with an unsubscribe link
    When "王芳" follows a forged unsubscribe link
    Then the link is refused as "signature does not match"
    And the store may contact "王芳" for "marketing" by "sms"
    When "王芳" follows the unsubscribe link
    Then 1 consent ended
    And the store may not contact "王芳" for "marketing" by "sms"
    But the store may contact "王芳" for "marketing" by "email"
    When "王芳" follows the unsubscribe link
    Then 0 consents ended
