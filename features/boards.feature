Feature: Appointments, boards and staff figures
  Appointments are never lost (P29); the weekly and monthly boards show the
  focus of each day (P30); staff figures count contacts and sales (P31).

  Background:
    Given the staff roster is "alice, bob"

  @P29
  Scenario: Moved, cancelled and missed appointments come back as touches
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    When staff "alice" books "王芳" for "2026-01-07T15:00:00+08:00"
    And the appointment is moved to "2026-01-08T15:00:00+08:00"
    Then "王芳" has a "appointment" touch due "2026-01-05" owned by "alice"
    When the appointment is cancelled because "顾客临时有事"
    Then "王芳" has 2 "appointment" touches

  @P29
  Scenario: An appointment nobody attended is marked missed by the daily run
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    When staff "alice" books "王芳" for "2026-01-07T15:00:00+08:00"
    And the daily run plans "2026-01-08"
    Then the appointment is "missed"
    And "王芳" has a "appointment" touch due "2026-01-08" owned by "alice"

  @P30 @P40
  Scenario: The weekly board puts open complaints first, then key customers
    # seed 001: 第一時間處理顧客投訴 — a complaint comes before any routine touch, a key customer's too.
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    And a customer "陈静" with phone "13500135000"
    And "陈静" agrees to service by phone
    And "陈静" is a key customer
    And a customer "刘洋" with phone "13600136000"
    And "刘洋" agrees to service by phone
    And "刘洋" has an open complaint
    When "王芳" buys "R-100" for 1999 from "alice"
    And "陈静" buys "R-200" for 2999 from "alice"
    And "刘洋" buys "R-300" for 999 from "alice"
    And the clock reads "2026-01-07T09:00:00+08:00"
    Then the weekly board of "alice" for "2026-01-07" has tomorrow "刘洋, 陈静, 王芳"
    And the weekly board of "alice" for "2026-01-07" shows 0 today, 3 tomorrow and 0 later this week
    And the weekly board of "alice" turns into JSON

  @P30
  Scenario: The monthly board plans the month by week and shows items spanning weeks
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service and greetings by phone and sms
    And "王芳" is a key customer
    When "王芳" buys "R-100" for 1999 from "alice"
    And the daily run plans "2026-02-14"
    Then the monthly board of the tenant for "2026-02-01" has weeks starting "2026-02-02, 2026-02-09"
    And the monthly board of the tenant for "2026-02-01" shows the Spring Festival greeting as spanning weeks

  @P31
  Scenario: Staff figures and the maintenance-month contest
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    And a customer "陈静" with phone "13500135000"
    And "陈静" agrees to service by phone
    When "王芳" buys "R-100" for 1999 from "alice"
    And "陈静" buys "R-200" for 2999 from "bob"
    And the return visit of "王芳" ends with "reached"
    And the return visit of "陈静" ends with "no_answer" 3 times
    And "王芳" buys "R-300" for 500 from "alice"
    Then the figures of "alice" for January 2026 show 1 touch, 1 customer reached, 1 visit and 1 sale after touches worth 500
    And the figures of "bob" for January 2026 show 1 touch, 0 customer reached, 0 visit and 0 sale after touches worth 0
    And the January 2026 leaderboard ranks "alice, bob"

  @P31
  Scenario: Contacts with old customers are counted apart, and a month of few visits is flagged
    # seed 002: 可以将每个员工对老顾客的回访、感情联络次数做一个明细的统计,作为店铺员工升降级考评的一个依据
    # seed 003: 總體計算銷售人員一個月拜訪的客戶量平均為9個。從上面的數字上看我們基本的客戶拜訪工作沒有做好
    Given a customer "王芳" with phone "13800138000"
    And "王芳" agrees to service by phone
    And "王芳" bought on "2025-10-01, 2025-11-01"
    And a customer "陈静" with phone "13500135000"
    And "陈静" agrees to service by phone
    When "王芳" buys "R-100" for 1999 from "alice"
    And "陈静" buys "R-200" for 2999 from "alice"
    And the return visit of "王芳" ends with "reached"
    And the return visit of "陈静" ends with "reached"
    Then the figures of "alice" for January 2026 count 1 contact with old customers among 2 customers reached
    And the figures of "alice" flag January 2026 for too few visits
