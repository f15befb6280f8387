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
