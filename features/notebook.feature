Feature: The customer notebook
  Every staff member carries a notebook: quick notes on a customer, by a
  staff member, at a time, searchable later.

  @P08
  Scenario: Notes are kept with author and time and found later
    Given a customer "王芳" with phone "13800138000"
    When staff "小李" notes about "王芳": "女儿下个月高考，想买一件红色外套"
    And 2 days pass
    And staff "小王" notes about "王芳": "偏爱真丝面料"
    Then searching the notebook for "真丝" finds the note by "小王"
    And searching the notebook for "红色" finds the note by "小李"
    And the notes of "王芳" are newest first

  @P08
  Scenario: Staff find their own notes
    Given a customer "王芳" with phone "13800138000"
    When staff "小李" notes about "王芳": "周末会来试穿"
    And staff "小王" notes about "王芳": "周末可能出差"
    Then searching the notebook of "小李" for "周末" finds 1 note
