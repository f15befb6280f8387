Feature: Loyalty surveys
  Ask customers whether they would buy again, recommend us, trust us and feel
  answered in time, and how each attribute compares with what they expected
  and with a named competitor. A low answer is a complaint nobody filed.

  @P62
  Scenario: Willingness to recommend gives the NPS per segment
    Given customers of segment "A" recommend us with 10, 9, 3
    And customers of segment "C" recommend us with 7, 8
    Then the NPS of segment "A" is 33.3 from 3 answers
    And the NPS of segment "C" is 0.0 from 2 answers
    And the NPS over all segments is 20.0

  @P62 @P65
  Scenario: Importance and performance per attribute against a named competitor
    Given a customer "王芳" with phone "13800138000"
    When "王芳" answers the loyalty survey against "优衣库":
      | attribute     | importance | expected | experienced | competitor |
      | price         | 5          | 4        | 2           | 4          |
      | staff_service | 4          | 3        | 5           | 3          |
      | delivery      | 2          | 3        | 4           | 4          |
    Then the satisfaction gaps are "price -2, staff_service 2, delivery 1"
    And the importance/performance table reads:
      | attribute     | importance | performance | gap   | versus_competitor | quadrant          |
      | price         | 5.00       | 2.00        | -2.00 | -2.00             | concentrate_here  |
      | staff_service | 4.00       | 5.00        | 2.00  | 2.00              | keep_up           |
      | delivery      | 2.00       | 4.00        | 1.00  | 0.00              | possible_overkill |

  @P62
  Scenario: Ratings must be on the questionnaire's scales
    Given a customer "王芳" with phone "13800138000"
    When "王芳" tries to answer with a recommendation of 11
    Then the error names the field "recommend"

  @P50
  Scenario: Low answers raise a silent complaint for the complaints area
    Given a customer "王芳" with phone "13800138000"
    When "王芳" answers: buy again 4, recommend 2, trust 2, answered in time 3
    Then a silent complaint signal with severity "major" is raised for "王芳" from the survey
    And the survey answer of "王芳" lists the low answers "recommend, trust"

  @P50 @P65
  Scenario: A disappointed expectation alone is a silent complaint too
    Given a customer "王芳" with phone "13800138000"
    When "王芳" answers the loyalty survey against "优衣库":
      | attribute | importance | expected | experienced | competitor |
      | price     | 5          | 5        | 3           | 4          |
    Then a silent complaint signal with severity "normal" is raised for "王芳" from the survey

  @P50
  Scenario: Good answers raise no signal
    Given a customer "王芳" with phone "13800138000"
    When "王芳" answers: buy again 5, recommend 9, trust 5, answered in time 4
    Then no silent complaint signal is raised for "王芳"

  @P62 @P60
  Scenario: The survey feeds the loyalty indicator of the assessment form
    Given a customer "王芳" with phone "13800138000"
    And "王芳" answers: buy again 5, recommend 9, trust 5, answered in time 4
    When customer service assesses "王芳" with only cooperation 8
    Then the loyalty indicator of "王芳" scores 9.13 from "loyalty index 0.9125 from the survey of 2026-01-05"
