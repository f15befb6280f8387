Feature: Follow-up cadences
  Every day each staff member knows whom to contact, why, by which channel,
  with what to say and offer; nothing the documents prescribe is forgotten.
  The clock starts on Monday 5 January 2026, 10:00 in Shanghai.

  Background:
    Given the staff roster is "alice, bob"

  @P20 @P35
  Scenario: A sale schedules the return visit and the after-sales touches
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    When "王芳" buys "R-100" for 1999 from "alice"
    Then "王芳" has these open touches:
      | reason       | due        | owner | channel | automated |
      | return_visit | 2026-01-08 | alice | phone   | no        |
      | after_sales  | 2026-01-12 | alice | phone   | no        |
      | after_sales  | 2026-02-04 | alice | phone   | no        |
      | after_sales  | 2026-04-05 | alice | phone   | no        |
    And the return visit brief of "王芳" asks about the item and invites a visit

  @P20 @P04
  Scenario: No consent, no touch
    Given a customer "李娜" with phone "13900139000"
    When "李娜" buys "R-100" for 1999 from "alice"
    Then "李娜" has no open touches

  @P21
  Scenario: Persist for up to 11 touches with the default spacing
    Given a customer "张伟" with phone "13700137000"
    And "张伟" agrees to marketing by phone
    When staff "bob" starts a follow-up for "张伟"
    And "张伟" is reached on every follow-up touch
    Then the follow-up of "张伟" stopped after 11 touches because "exhausted"
    And the follow-up touches of "张伟" were due 0, 2, 5, 9, 14, 21, 30, 41, 55, 73, 94 days after the start

  @P21
  Scenario: A purchase stops the sequence and records the touch number that preceded it
    Given a customer "张伟" with phone "13700137000"
    And "张伟" agrees to marketing and service by phone
    And a customer "刘洋" with phone "13600136000"
    And "刘洋" agrees to marketing and service by phone
    When staff "bob" starts a follow-up for "张伟"
    And staff "bob" starts a follow-up for "刘洋"
    And "张伟" is reached on 3 follow-up touches
    And "刘洋" is reached on 1 follow-up touch
    And "张伟" buys "R-100" for 1999 from "bob"
    And "刘洋" buys "R-200" for 599 from "bob"
    Then the follow-up of "张伟" stopped after 3 touches because "purchase"
    And "张伟" has no open follow-up touches
    And the sales by touch number from "2026-01-01" to "2026-03-31" are:
      | touch_no | sales | share  |
      | 1        | 1     | 0.5000 |
      | 3        | 1     | 0.5000 |

  @P21
  Scenario: Asked not to be contacted: consent withdrawn and the sequence stopped
    Given a customer "张伟" with phone "13700137000"
    And "张伟" agrees to marketing by phone and sms
    When staff "bob" starts a follow-up for "张伟"
    And the next follow-up touch of "张伟" ends with "do_not_contact"
    Then the follow-up of "张伟" stopped after 0 touches because "opt-out"
    And "张伟" may not be contacted for marketing by sms

  @P21 @P61
  Scenario: A relationship ended by an assessment stops the sequence and all marketing
    Given a customer "孙强" with phone "13600136000"
    And "孙强" agrees to marketing by phone and sms
    When staff "bob" starts a follow-up for "孙强"
    And the marketing director ends the relationship with "孙强"
    Then the follow-up of "孙强" stopped after 0 touches because "terminated"
    And "孙强" has no open touches
    And staff cannot start a follow-up for "孙强"

  @P21
  Scenario: The sequence pauses while the customer has an open complaint
    Given a customer "张伟" with phone "13700137000"
    And "张伟" agrees to marketing by phone
    And staff "bob" starts a follow-up for "张伟"
    And "张伟" has an open complaint
    When the daily run plans "2026-01-05"
    Then the next follow-up touch of "张伟" is "held"
    When the complaint of "张伟" is closed
    And the daily run plans "2026-01-06"
    Then the next follow-up touch of "张伟" is "planned" and due "2026-01-06"

  @P07 @P22
  Scenario: A birthday greeting goes out ahead of the day, in the tenant's language
    Given a customer "王芳" with phone "13800138000"
    And "王芳" was born on "1990-01-09"
    And "王芳" agrees to greetings by sms
    When the daily run plans "2026-01-06"
    And automated messages are sent
    Then "王芳" received a "sms" message "王芳，您好！祝您生日快乐，万事如意！"

  @P22
  Scenario: Spring Festival greetings and a small gift for everyone: a message, a call for key customers
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to greetings by phone and sms
    And a customer "陈静" with phone "13500135000"
    And "陈静" agrees to greetings by phone and sms
    And "陈静" is a key customer
    When the daily run plans "2026-02-14"
    Then "王芳" has a "holiday" touch for "2026-02-17" due "2026-02-14" by "sms" with reward "gift"
    And "陈静" has a "holiday" touch for "2026-02-17" due "2026-02-14" by "phone" with reward "gift"
    When automated messages are sent
    Then "王芳" received a "sms" message "王芳，您好！恭祝您春节快乐，阖家幸福！节日期间到店可领取一份小礼品。"

  @P22
  Scenario: Holiday greetings in English for an English-speaking tenant
    Given the tenant speaks "en"
    And a customer "Mary" with phone "13800138000"
    And "Mary" agrees to greetings by sms
    When the daily run plans "2026-09-23"
    And automated messages are sent
    Then "Mary" received a "sms" message "Dear Mary, we wish you and your family a happy Mid-Autumn Festival! A small holiday gift awaits you in the store."

  @P07
  Scenario: A company founding day brings a greeting
    Given a customer "陈静" with phone "13500135000"
    And "陈静" agrees to greetings by sms
    And "陈静" has the important date "公司成立日" of kind "company_founding" on 1-20
    When the daily run plans "2026-01-17"
    Then "陈静" has a "important_date" touch for "2026-01-20" due "2026-01-17" by "sms"

  @P14 @P22
  Scenario: Member card expiry reminders 30 and 7 days before
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by sms
    And the member card of "王芳" expires on "2026-03-01"
    When the daily run plans every day from "2026-01-25" to "2026-03-01"
    Then "王芳" has 2 "card_expiry" touches due "2026-01-30, 2026-02-22"

  @P23
  Scenario: Rotation visits reach every customer within the tier's cycle, within capacity
    Given 40 tier "A" customers who agree to service by phone
    And the rotation capacity is 2 visits a day per staff member
    When the daily run plans every day from "2026-01-05" to "2026-02-03"
    Then every customer has exactly 1 "rotation_visit" touch
    And nobody has more than 2 "rotation_visit" touches due on one day

  @P26
  Scenario: Thank-you calls to the most valuable customers
    Given a customer "陈静" with phone "13500135000"
    And "陈静" agrees to service by phone
    And "陈静" is a key customer
    When the daily run plans every day from "2026-01-05" to "2026-04-04"
    Then "陈静" has 1 "thank_you" touch

  @P27
  Scenario: A customer silent far beyond their own rhythm gets a lost-customer interview
    Given the clock reads "2025-07-01T10:00:00+08:00"
    And a customer "赵敏" with phone "13300133000"
    And "赵敏" agrees to service, surveys and marketing by phone
    And "赵敏" bought on "2025-08-01, 2025-08-31, 2025-09-30"
    When the daily run plans "2025-12-28"
    Then "赵敏" has no "lost_interview" touch
    When the daily run plans "2025-12-29"
    Then "赵敏" has 1 "lost_interview" touch
    When staff "alice" interviews "赵敏": left for "价格", went to "竞品A", can be won back
    Then the interview of "赵敏" records reason "价格", competitor "竞品A" and win-back "yes"
    And "赵敏" has an active follow-up

  @P34
  Scenario: Old customers are asked for repeat business when their rhythm comes round
    Given the clock reads "2025-10-01T10:00:00+08:00"
    And a customer "赵敏" with phone "13300133000"
    And "赵敏" agrees to marketing by phone
    And "赵敏" bought on "2025-10-02, 2025-11-01, 2025-12-01"
    When the daily run plans "2025-12-30"
    Then "赵敏" has no "repeat_ask" touch
    When the daily run plans "2025-12-31"
    Then "赵敏" has 1 "repeat_ask" touch

  @P28
  Scenario: A wanted item arrives and the customer is told
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by sms
    When "王芳" wants style "QY-2301" described as "米色风衣 M 码"
    And stock of "QY-2301" arrives
    And automated messages are sent
    Then "王芳" received a "sms" message "王芳，您好！您登记的商品（米色风衣 M 码）已到货，欢迎来店选购。"

  @P32
  Scenario: Keep customers informed; key customers get a personal invitation
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to marketing by phone and sms
    And a customer "陈静" with phone "13500135000"
    And "陈静" agrees to marketing by phone and sms
    And "陈静" is a key customer
    And a customer "李娜" with phone "13900139000"
    When staff inform everyone about "春季新品发布会" with "3 月 8 日在本店举行" and invite key customers
    Then "王芳" has a "inform" touch for "2026-01-05" due "2026-01-05" by "phone"
    And "陈静" has a "inform" touch for "2026-01-05" due "2026-01-05" by "phone" with reward "invitation"
    And "李娜" has no open touches

  @P33
  Scenario: A referral becomes an A-grade lead and the referrer is thanked
    Given the clock reads "2025-09-01T10:00:00+08:00"
    And a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    And "王芳" bought on "2025-10-01, 2025-12-01"
    And the clock reads "2026-01-05T10:00:00+08:00"
    When "王芳" buys "R-100" for 1999 from "alice"
    And the return visit of "王芳" ends with a referral of "周婷" with phone "13200132000"
    Then the return visit brief of "王芳" asks for a referral
    And "周婷" is tagged "referred" and has a priority 1 "follow_up" touch owned by "alice"
    And "王芳" has a "referral_thanks" touch due "2026-01-06"

  Scenario: Recurring touches set by staff end when they should
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    When staff "alice" sets a touch for "王芳" every 2 weeks until "2026-02-01": "询问定制进度"
    And the daily run plans every day from "2026-01-05" to "2026-02-28"
    Then "王芳" has 2 "recurring" touches due "2026-01-05, 2026-01-19"
