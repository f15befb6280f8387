Feature: Touches and the daily run
  A touch is one planned contact, precise in information, reward, channel
  and time (P25). The daily run plans every due touch once, and automated
  messages go out within consent, quiet hours and a frequency cap.

  Background:
    Given the staff roster is "alice, bob"

  @P25
  Scenario: A touch is precise in information, reward, channel and time
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    When staff plan a touch for "王芳" on "2026-01-07" between 14:00 and 16:00 by "phone" saying "新款到店，邀请试穿" offering "9 折券"
    Then the touch says "新款到店，邀请试穿", offers "9 折券", goes by "phone" between 14:00 and 16:00 on "2026-01-07"

  @P24 @P04
  Scenario: A touch cannot be planned on a channel without consent
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by sms
    When staff try to plan a touch for "王芳" by "phone"
    Then the error is "touch.consent"

  @P24
  Scenario: The channel follows the customer's consent
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by messaging
    When "王芳" buys "R-100" for 1999 from "alice"
    Then "王芳" has a "return_visit" touch for "2026-01-05" due "2026-01-08" by "messaging"

  Scenario: No answer is retried by rule, then the touch closes
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    When "王芳" buys "R-100" for 1999 from "alice"
    And the return visit of "王芳" ends with "no_answer" 3 times
    Then the return visit of "王芳" was tried 3 times and ended "no_answer"

  Scenario: Reschedule, skip and cancel keep a reason
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    When "王芳" buys "R-100" for 1999 from "alice"
    And staff move the return visit of "王芳" to "2026-01-09" because "顾客出差"
    Then the return visit of "王芳" is "planned" and due "2026-01-09"
    When staff skip the return visit of "王芳" because "顾客已来店"
    Then the return visit of "王芳" is "skipped" with reason "顾客已来店"
    And closing it again fails with "touch.transition"

  @P50
  Scenario: A negative outcome is a silent complaint
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    And events are collected
    When "王芳" buys "R-100" for 1999 from "alice"
    And the return visit of "王芳" ends with "complaint_raised"
    Then a silent complaint signal for "王芳" was published from "contact_outcome"
    And the complaints area has an open complaint for "王芳"

  @P29
  Scenario: An appointment made on a call is booked
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    When "王芳" buys "R-100" for 1999 from "alice"
    And the return visit of "王芳" ends with an appointment at "2026-01-10T15:00:00+08:00"
    Then "王芳" has an appointment at "2026-01-10T15:00:00+08:00" with "alice"

  Scenario: The daily run is idempotent
    Given a customer "王芳" with phone "13800138000"
    And "王芳" was born on "1990-01-09"
    And "王芳" agrees to greetings by sms
    When the daily run plans "2026-01-06"
    Then the daily run planned 1 touch
    When the daily run plans "2026-01-06"
    Then the daily run planned 0 touches

  Scenario: Quiet hours hold automated messages back
    Given a customer "王芳" with phone "13800138000"
    And "王芳" was born on "1990-01-09"
    And "王芳" agrees to greetings by sms
    When the daily run plans "2026-01-06"
    And the clock reads "2026-01-06T22:30:00+08:00"
    And automated messages are sent
    Then nothing was sent because of quiet hours

  Scenario: A frequency cap limits automated messages per customer
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service and marketing by sms
    And "王芳" wants style "A" described as "A 款"
    And "王芳" wants style "B" described as "B 款"
    And "王芳" wants style "C" described as "C 款"
    When stock of "A" arrives
    And stock of "B" arrives
    And stock of "C" arrives
    And automated messages are sent
    Then 2 messages were sent and 1 deferred by the frequency cap

  Scenario: Automated touches go through the console notifier without personal data
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by sms
    And "王芳" wants style "A" described as "A 款"
    When stock of "A" arrives
    And automated messages are sent to the console
    Then the console shows the touch but not the phone or the text
