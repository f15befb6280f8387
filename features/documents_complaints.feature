Feature: The documents' rules for complaints, all the way (issue 17, part B)
  Each scenario quotes the passage of the source documents it follows.
  Who grants or approves is a person the embedder's own authentication names
  (an Actor with id and role); the limit is that person's.

  Background:
    Given a customer "王芳" with phone "13800138000"
    And "王芳" complained about a broken zip and was told it will be fixed

  @P43
  Scenario: The handler's limit stays the handler's after the complaint moved up to the supervisor
    # seed 001: ③在允許的職責范圍內,適當的給顧客一些補償,使顧客心理上得到平衡。
    # (within the authority one is allowed, give the customer some compensation)
    Given the complaint was escalated to the "supervisor" (the customer asked for the manager)
    When handler "李" records the customer's choice of a refund of 800
    Then the refund waits for an approval asked by a "handler"
    When "王" approves as "supervisor"
    Then the refund is agreed, decided by a "supervisor"

  @P43
  Scenario: The shop's own roster decides who may approve
    # seed 001: ③在允許的職責范圍內,適當的給顧客一些補償 — the authority is the person's, so the
    # shop's record of who holds which role is asked, not whatever role the caller claims.
    Given the shop's roster says "李" is a "handler" and "王" is a "supervisor"
    When handler "李" records the customer's choice of a refund of 800
    And "李" tries to approve claiming to be a "store_manager"
    Then the approval is refused because the roster gives "李" another role
    When "王" approves by id only
    Then the refund is agreed, decided by a "supervisor"

  @P40
  Scenario: A major complaint on a Saturday or on Spring Festival is answered first thing, not after the holiday
    # seed 001: 第一時間處理顧客投訴。一定要重視顧客的投訴。
    # The first response runs on the opening periods of every day; the resolution keeps working days.
    Given the clock reads "2026-01-10T10:00:00+08:00"
    When "王芳" files a "major" complaint
    Then its first response is due "2026-01-10T11:00:00+08:00" and its resolution "2026-01-13T09:30:00+08:00"
    Given the clock reads "2026-02-17T16:00:00+08:00"
    When "王芳" files a "major" complaint
    Then its first response is due "2026-02-17T17:00:00+08:00" and its resolution "2026-02-25T09:30:00+08:00"

  @P40
  Scenario: A playbook may hold the first response to working days
    # The document asks for 第一時間 (seed 001); a shop closed on holidays can say so in its playbook.
    Given the playbook counts the first response on working days only
    And the clock reads "2026-01-10T10:00:00+08:00"
    When "王芳" files a "major" complaint
    Then its first response is due "2026-01-12T10:00:00+08:00" and its resolution "2026-01-13T09:30:00+08:00"

  @P42
  Scenario: A resolved complaint puts the after-care call on the handler's board
    # seed 001: ⑤投訴處理過后,主動與顧客取得聯系,并再次表示歉意,獲取顧客的好感。
    Given "王芳" agreed to be called about her purchases
    When handler "李" records the customer's choice of a refund of 150
    And "李" resolves the complaint
    Then "王芳" has an after-care touch by "phone" for "李" due on the complaint's after-care day

  @P49
  Scenario: A reason that keeps changing shows in the complaint's story history and is flagged
    # seed 003: 采購部一定要和業(yè)務部門統(tǒng)一口徑,不能出現三番四次的理由,這個之前一直有問題。
    # Purchasing and sales give one reason; a reason changed again and again is what the document forbids.
    When purchasing "采购" tells "王芳" the reason is a supplier's batch
    Then the complaint's story history holds 2 reasons and 1 change, not flagged
    When sales "销售" tells "王芳" the reason is damage in transport
    Then the complaint's story history holds 3 reasons and 2 changes, flagged
    And the complaints queue shows the complaint's story flagged after 2 changes
    And the outbox holds a story flag with 2 changes and no story text
