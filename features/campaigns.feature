Feature: Campaigns to past buyers
  New products and promotions are pushed to past buyers by SMS or email,
  with pictures and a link back, while the promotion runs, within consent
  and without flooding anyone.

  Background:
    Given a customer "王芳" with phone "13800138000"
    And a customer "张伟" with phone "13900139000"
    And a customer "李娜" with phone "13700137000"
    And "王芳" and "张伟" bought style "QY-2301" and "李娜" bought style "KZ-1102"
    And "王芳" and "李娜" agreed to marketing by "sms"

  @P70
  Scenario: Second marketing reaches the past buyers of a style who agreed to it
    When the store launches campaign "SPRING26" "春季新款到店" for buyers of "QY-2301" by "sms" from "2026-01-06T09:00:00+08:00" to "2026-01-12T21:00:00+08:00" with link "https://shop.example/spring26" and picture "https://shop.example/img/qy.jpg"
    Then 1 message is planned and 1 buyer is left out for want of consent
    When it is "2026-01-06T10:00:00+08:00" and the messages are dispatched
    Then "王芳" received "春季新款到店" with the link "https://shop.example/spring26"
    And nobody else received anything

  @P70
  Scenario: Launching the same campaign again adds nothing
    When the store launches campaign "SPRING26" "春季新款到店" for buyers of "QY-2301" by "sms" from "2026-01-06T09:00:00+08:00" to "2026-01-12T21:00:00+08:00" with link "https://shop.example/spring26" and picture "https://shop.example/img/qy.jpg"
    And the store launches campaign "SPRING26" "春季新款到店" for buyers of "QY-2301" by "sms" from "2026-01-06T09:00:00+08:00" to "2026-01-12T21:00:00+08:00" with link "https://shop.example/spring26" and picture "https://shop.example/img/qy.jpg"
    Then 0 messages are planned and 1 was planned before

  @P71
  Scenario: A promotion is told while it runs, never after
    When the store launches campaign "FLASH" "周末闪购" for buyers of "QY-2301" by "sms" from "2026-01-06T09:00:00+08:00" to "2026-01-07T21:00:00+08:00" with link "https://shop.example/flash" and picture "https://shop.example/img/flash.jpg"
    And it is "2026-01-08T10:00:00+08:00" and the messages are dispatched
    Then nobody else received anything
    And 1 message was skipped because the promotion was over
    When the store tries to launch campaign "FLASH2" ending "2026-01-07T21:00:00+08:00"
    Then the error is "campaign.over"

  @P71
  Scenario: Ending a promotion early cancels what was not sent yet
    When the store launches campaign "SALE" "年货节" for buyers of "QY-2301" by "sms" from "2026-01-10T09:00:00+08:00" to "2026-01-20T21:00:00+08:00" with link "https://shop.example/sale" and picture "https://shop.example/img/sale.jpg"
    And the store ends campaign "SALE" early
    Then 1 message was cancelled

  @P70
  Scenario: The text goes out with its pictures
    # seed 003: 文字搭配上圖片引導客戶進入你店鋪,從而成交
    When the store launches campaign "SPRING26" "春季新款到店" for buyers of "QY-2301" by "sms" from "2026-01-06T09:00:00+08:00" to "2026-01-12T21:00:00+08:00" with link "https://shop.example/spring26" and picture "https://shop.example/img/qy.jpg"
    And it is "2026-01-06T10:00:00+08:00" and the messages are dispatched
    Then the message to "王芳" carries the picture "https://shop.example/img/qy.jpg" as "image/jpeg"

  @P70
  Scenario: A small audience is simply called, a large one gets a bulk message
    # seed 003: 二次營銷屬于維護老客戶這一塊,客戶量小的話可以很簡單打電話跟進客戶就行
    # 客戶量大的話可以通過郵件群發(fā)或者是短信群發(fā)的方式去進行老客戶的維護及開發(fā)
    Given "王芳" and "张伟" agreed to marketing by "phone"
    When the store launches campaign "CALL26" "春季新款到店" for buyers of "QY-2301" by "phone" from "2026-01-06T09:00:00+08:00" to "2026-01-12T21:00:00+08:00" with link "https://shop.example/spring26" and picture "https://shop.example/img/qy.jpg"
    Then 2 calls are planned for the staff and nothing is sent automatically
    When the store tries to call the buyers of "QY-2301" with at most 1 call
    Then the error is "campaign.too_many_calls"
