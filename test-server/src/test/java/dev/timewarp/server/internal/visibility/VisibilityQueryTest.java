package dev.timewarp.server.internal.visibility;

import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.server.internal.engine.EngineException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The list-filter language against a hand-made schema and four rows with differing absent fields. */
class VisibilityQueryTest {
  static final QuerySchema SCHEMA =
      QuerySchema.builder()
          .field("WorkflowId", INDEXED_VALUE_TYPE_KEYWORD)
          .field("WorkflowType", INDEXED_VALUE_TYPE_KEYWORD)
          .field("Notes", INDEXED_VALUE_TYPE_TEXT)
          .field("Attempt", INDEXED_VALUE_TYPE_INT)
          .field("Score", INDEXED_VALUE_TYPE_DOUBLE)
          .field("Paused", INDEXED_VALUE_TYPE_BOOL)
          .field("StartTime", INDEXED_VALUE_TYPE_DATETIME)
          .field("CloseTime", INDEXED_VALUE_TYPE_DATETIME)
          .field("Tags", INDEXED_VALUE_TYPE_KEYWORD_LIST)
          .field("Order", INDEXED_VALUE_TYPE_KEYWORD)
          .field("My Field", INDEXED_VALUE_TYPE_KEYWORD)
          .enumField(
              "ExecutionStatus",
              List.of("Running", "Completed", "Failed", "Canceled", "Terminated", "ContinuedAsNew", "TimedOut"))
          .build();

  static final List<Map<String, Object>> ROWS =
      List.of(
          Map.ofEntries(
              Map.entry("WorkflowId", "wf-1"),
              Map.entry("WorkflowType", "Billing"),
              Map.entry("Notes", "Payment failed: card declined"),
              Map.entry("Attempt", 1L),
              Map.entry("Score", 1.5),
              Map.entry("Paused", true),
              Map.entry("StartTime", Instant.parse("2024-01-01T00:00:00Z")),
              Map.entry("CloseTime", Instant.parse("2024-01-02T00:00:00Z")),
              Map.entry("Tags", List.of("a", "b")),
              Map.entry("Order", "first"),
              Map.entry("My Field", "x"),
              Map.entry("ExecutionStatus", "Completed")),
          Map.of(
              "WorkflowId", "wf-2",
              "WorkflowType", "Shipping",
              "Notes", "shipped to the customer",
              "Attempt", 3L,
              "Score", -2.0,
              "Paused", false,
              "StartTime", Instant.parse("2024-02-01T00:00:00Z"),
              "Tags", List.of("b", "c"),
              "ExecutionStatus", "Running"),
          Map.of(
              "WorkflowId", "other-3",
              "WorkflowType", "Billing",
              "Attempt", 10L,
              "StartTime", Instant.parse("2024-03-01T00:00:00.5Z"),
              "ExecutionStatus", "Failed"),
          Map.of("WorkflowId", "wf-4", "WorkflowType", "it's \"quoted\"", "Tags", List.of()));

  /** WorkflowIds of the rows the query matches, in row order. */
  static List<String> ids(String query) {
    VisibilityQuery q = VisibilityQuery.parse(query, SCHEMA);
    return ROWS.stream().filter(r -> q.matches(r::get)).map(r -> (String) r.get("WorkflowId")).toList();
  }

  // ---- empty queries ----

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n\t"})
  void blankQueriesMatchEverything(String query) {
    assertThat(ids(query)).containsExactly("wf-1", "wf-2", "other-3", "wf-4");
  }

  @Test
  void nullQueryMatchesEverything() {
    VisibilityQuery q = VisibilityQuery.parse(null, SCHEMA);
    assertThat(q.matches(ROWS.get(3)::get)).isTrue();
    assertThat(q.hasOrderBy()).isFalse();
    assertThat(q.groupBy()).isEmpty();
  }

  // ---- Keyword ----

  @Test
  void keywordComparisons() {
    assertThat(ids("WorkflowId = 'wf-1'")).containsExactly("wf-1");
    assertThat(ids("WorkflowId != 'wf-1'")).containsExactly("wf-2", "other-3", "wf-4");
    assertThat(ids("WorkflowId <> 'wf-1'")).containsExactly("wf-2", "other-3", "wf-4");
    assertThat(ids("WorkflowId < 'wf-2'")).containsExactly("wf-1", "other-3");
    assertThat(ids("WorkflowId <= 'wf-2'")).containsExactly("wf-1", "wf-2", "other-3");
    assertThat(ids("WorkflowId > 'wf-2'")).containsExactly("wf-4");
    assertThat(ids("WorkflowId >= 'wf-2'")).containsExactly("wf-2", "wf-4");
    // Keyword is exact: no case folding, no word matching.
    assertThat(ids("WorkflowId = 'WF-1'")).isEmpty();
    assertThat(ids("WorkflowType = 'Bill'")).isEmpty();
  }

  @Test
  void keywordBetweenInStartsWith() {
    assertThat(ids("WorkflowId BETWEEN 'wf-1' AND 'wf-2'")).containsExactly("wf-1", "wf-2");
    assertThat(ids("WorkflowId NOT BETWEEN 'wf-1' AND 'wf-2'")).containsExactly("other-3", "wf-4");
    assertThat(ids("WorkflowId IN ('wf-1', 'other-3', 'nope')")).containsExactly("wf-1", "other-3");
    assertThat(ids("WorkflowId NOT IN ('wf-1', 'other-3')")).containsExactly("wf-2", "wf-4");
    assertThat(ids("WorkflowId STARTS_WITH 'wf-'")).containsExactly("wf-1", "wf-2", "wf-4");
    assertThat(ids("WorkflowId NOT STARTS_WITH 'wf-'")).containsExactly("other-3");
    assertThat(ids("WorkflowId STARTS_WITH ''")).hasSize(4);
  }

  // ---- Text ----

  @Test
  void textEqualsMeansEveryWordOccursIgnoringCase() {
    assertThat(ids("Notes = 'payment'")).containsExactly("wf-1");
    assertThat(ids("Notes = 'DECLINED card'")).containsExactly("wf-1");
    // Punctuation separates words, as in the full-text indexes behind the real server.
    assertThat(ids("Notes = 'failed'")).containsExactly("wf-1");
    assertThat(ids("Notes = 'the'")).containsExactly("wf-2");
    // Whole words only, and all of them.
    assertThat(ids("Notes = 'ship'")).isEmpty();
    assertThat(ids("Notes = 'payment shipped'")).isEmpty();
    assertThat(ids("Notes = ''")).isEmpty();
  }

  @Test
  void textNotEqualsIsTheNegationIncludingAbsentValues() {
    assertThat(ids("Notes != 'payment'")).containsExactly("wf-2", "other-3", "wf-4");
    assertThat(ids("Notes IS NULL")).containsExactly("other-3", "wf-4");
  }

  // ---- Int and Double ----

  @Test
  void intComparisons() {
    assertThat(ids("Attempt = 3")).containsExactly("wf-2");
    assertThat(ids("Attempt != 3")).containsExactly("wf-1", "other-3", "wf-4");
    assertThat(ids("Attempt < 3")).containsExactly("wf-1");
    assertThat(ids("Attempt <= 3")).containsExactly("wf-1", "wf-2");
    assertThat(ids("Attempt > 3")).containsExactly("other-3");
    assertThat(ids("Attempt >= 3")).containsExactly("wf-2", "other-3");
    assertThat(ids("Attempt > -5")).containsExactly("wf-1", "wf-2", "other-3");
    assertThat(ids("Attempt BETWEEN 1 AND 3")).containsExactly("wf-1", "wf-2");
    assertThat(ids("Attempt NOT BETWEEN 2 AND 10")).containsExactly("wf-1", "wf-4");
    assertThat(ids("Attempt IN (1, 10)")).containsExactly("wf-1", "other-3");
    assertThat(ids("Attempt NOT IN (1, 10)")).containsExactly("wf-2", "wf-4");
  }

  @Test
  void doubleComparisonsAcceptIntegerAndNegativeLiterals() {
    assertThat(ids("Score = 1.5")).containsExactly("wf-1");
    assertThat(ids("Score = -2")).containsExactly("wf-2");
    assertThat(ids("Score < 0")).containsExactly("wf-2");
    assertThat(ids("Score >= -2.0")).containsExactly("wf-1", "wf-2");
    assertThat(ids("Score BETWEEN -2.5 AND 1.5")).containsExactly("wf-1", "wf-2");
    assertThat(ids("Score IN (1.5, 7)")).containsExactly("wf-1");
    assertThat(ids("Score != 1.5")).containsExactly("wf-2", "other-3", "wf-4");
  }

  // ---- Bool ----

  @Test
  void boolAcceptsKeywordsAndQuotedSpellings() {
    assertThat(ids("Paused = true")).containsExactly("wf-1");
    assertThat(ids("Paused = FALSE")).containsExactly("wf-2");
    assertThat(ids("Paused = 'false'")).containsExactly("wf-2");
    assertThat(ids("Paused != true")).containsExactly("wf-2", "other-3", "wf-4");
    assertThat(ids("Paused IN (true, false)")).containsExactly("wf-1", "wf-2");
  }

  // ---- Datetime ----

  @Test
  void datetimeAcceptsRfc3339WithOffsetsAndFractionsAndEpochNanos() {
    assertThat(ids("StartTime = '2024-02-01T00:00:00Z'")).containsExactly("wf-2");
    assertThat(ids("StartTime = '2024-02-01T01:30:00+01:30'")).containsExactly("wf-2");
    assertThat(ids("StartTime = '2024-03-01T00:00:00.500Z'")).containsExactly("other-3");
    assertThat(ids("StartTime > '2024-03-01T00:00:00Z'")).containsExactly("other-3");
    assertThat(ids("StartTime < '2024-02-01T00:00:00Z'")).containsExactly("wf-1");
    // 2024-02-01T00:00:00Z is 1706745600 seconds after the epoch.
    assertThat(ids("StartTime = 1706745600000000000")).containsExactly("wf-2");
    assertThat(ids("StartTime BETWEEN '2024-01-01T00:00:00Z' AND '2024-02-01T00:00:00Z'"))
        .containsExactly("wf-1", "wf-2");
    assertThat(ids("StartTime NOT BETWEEN '2024-01-01T00:00:00Z' AND '2024-02-01T00:00:00Z'"))
        .containsExactly("other-3", "wf-4");
    assertThat(ids("CloseTime IS NOT NULL")).containsExactly("wf-1");
  }

  // ---- KeywordList ----

  @Test
  void keywordListEqualsMeansContains() {
    assertThat(ids("Tags = 'b'")).containsExactly("wf-1", "wf-2");
    assertThat(ids("Tags = 'c'")).containsExactly("wf-2");
    assertThat(ids("Tags != 'a'")).containsExactly("wf-2", "other-3", "wf-4");
    assertThat(ids("Tags IN ('a', 'c')")).containsExactly("wf-1", "wf-2");
    assertThat(ids("Tags NOT IN ('a')")).containsExactly("wf-2", "other-3", "wf-4");
    assertThat(ids("Tags STARTS_WITH 'c'")).containsExactly("wf-2");
    // An empty list is no value at all.
    assertThat(ids("Tags IS NULL")).containsExactly("other-3", "wf-4");
  }

  // ---- enum fields ----

  @Test
  void enumValuesMatchIgnoringCaseAndNormalise() {
    assertThat(ids("ExecutionStatus = 'running'")).containsExactly("wf-2");
    assertThat(ids("ExecutionStatus = \"COMPLETED\"")).containsExactly("wf-1");
    assertThat(ids("ExecutionStatus IN ('failed', 'Running')")).containsExactly("wf-2", "other-3");
    assertThat(ids("ExecutionStatus != 'Running'")).containsExactly("wf-1", "other-3", "wf-4");
    assertThat(ids("ExecutionStatus STARTS_WITH 'comp'")).containsExactly("wf-1");
  }

  @Test
  void enumRowValuesAreReadIgnoringCaseToo() {
    VisibilityQuery q = VisibilityQuery.parse("ExecutionStatus = 'Running'", SCHEMA);
    assertThat(q.matches(Map.of("ExecutionStatus", "RUNNING")::get)).isTrue();
  }

  // ---- absent values ----

  @Test
  void absentValuesSatisfyOnlyTheNegativeForms() {
    // wf-4 has no Attempt: it is in every negative form and no positive one.
    assertThat(ids("Attempt = 3 OR Attempt < 3 OR Attempt > 3 OR Attempt BETWEEN -99 AND 99 OR Attempt IN (1, 3, 10)"))
        .doesNotContain("wf-4");
    assertThat(ids("WorkflowType != 'x' AND Attempt != 3 AND Attempt NOT IN (3) AND Attempt NOT BETWEEN 2 AND 4"))
        .contains("wf-4");
    assertThat(ids("`Order` STARTS_WITH 'f'")).containsExactly("wf-1");
    assertThat(ids("`Order` NOT STARTS_WITH 'f'")).containsExactly("wf-2", "other-3", "wf-4");
    assertThat(ids("Attempt IS NULL")).containsExactly("wf-4");
    assertThat(ids("Attempt IS NOT NULL")).containsExactly("wf-1", "wf-2", "other-3");
  }

  @Test
  void valuesOfTheWrongJavaTypeCountAsAbsent() {
    VisibilityQuery q = VisibilityQuery.parse("Attempt IS NULL", SCHEMA);
    assertThat(q.matches(Map.of("Attempt", "three")::get)).isTrue();
    assertThat(VisibilityQuery.parse("Attempt = 3", SCHEMA).matches(Map.of("Attempt", 3)::get)).isTrue();
  }

  // ---- structure ----

  @Test
  void andBindsTighterThanOr() {
    // wf-1 OR (Shipping AND Attempt=10): the AND part matches nothing.
    assertThat(ids("WorkflowId = 'wf-1' OR WorkflowType = 'Shipping' AND Attempt = 10")).containsExactly("wf-1");
    assertThat(ids("WorkflowType = 'Shipping' AND Attempt = 10 OR WorkflowId = 'wf-1'")).containsExactly("wf-1");
    assertThat(ids("(WorkflowId = 'wf-1' OR WorkflowType = 'Shipping') AND Attempt = 3")).containsExactly("wf-2");
  }

  @Test
  void nestedParenthesesAndChainedTerms() {
    assertThat(
            ids(
                "((WorkflowType = 'Billing' AND (Attempt = 1 OR Attempt = 10)) OR (Tags = 'c'))"
                    + " AND StartTime >= '2024-01-01T00:00:00Z'"))
        .containsExactly("wf-1", "wf-2", "other-3");
    assertThat(ids("Attempt = 1 OR Attempt = 3 OR Attempt = 10")).containsExactly("wf-1", "wf-2", "other-3");
  }

  @Test
  void keywordsAreCaseInsensitiveButFieldNamesAreNot() {
    assertThat(ids("Attempt between 1 and 3 or Tags = 'x'")).containsExactly("wf-1", "wf-2");
    assertThat(ids("Attempt Not In (1) aNd Notes iS nOt NuLl")).containsExactly("wf-2");
    assertThat(ids("WorkflowId starts_with 'other'")).containsExactly("other-3");
    assertThatThrownBy(() -> ids("workflowid = 'wf-1'"))
        .hasMessage("invalid query: unknown search attribute 'workflowid'; did you mean 'WorkflowId'?");
  }

  @Test
  void backticksNameFieldsIncludingKeywordsAndSpaces() {
    assertThat(ids("`WorkflowId` = 'wf-2'")).containsExactly("wf-2");
    assertThat(ids("`Order` = 'first'")).containsExactly("wf-1");
    assertThat(ids("`My Field` = 'x'")).containsExactly("wf-1");
  }

  @Test
  void quotesAndEscapes() {
    assertThat(ids("WorkflowType = 'it''s \"quoted\"'")).containsExactly("wf-4");
    assertThat(ids("WorkflowType = \"it's \\\"quoted\\\"\"")).containsExactly("wf-4");
    assertThat(ids("WorkflowType = \"it's \"\"quoted\"\"\"")).containsExactly("wf-4");
    assertThat(ids("WorkflowType = 'it\\'s \"quoted\"'")).containsExactly("wf-4");
    assertThat(ids("WorkflowType='Billing'AND(Attempt=1)")).containsExactly("wf-1");
  }

  // ---- ORDER BY / GROUP BY ----

  private static List<String> sorted(String query) {
    VisibilityQuery q = VisibilityQuery.parse(query, SCHEMA);
    List<VisibilityRow> rows = new ArrayList<>();
    ROWS.stream().filter(r -> q.matches(r::get)).forEach(r -> rows.add(r::get));
    rows.sort(q.ordering(Comparator.comparing((VisibilityRow r) -> (String) r.value("WorkflowId"))));
    return rows.stream().map(r -> (String) r.value("WorkflowId")).toList();
  }

  @Test
  void withoutOrderByTheDefaultOrderApplies() {
    assertThat(sorted("")).containsExactly("other-3", "wf-1", "wf-2", "wf-4");
    assertThat(VisibilityQuery.parse("Attempt > 0", SCHEMA).hasOrderBy()).isFalse();
  }

  @Test
  void orderByAscendingDescendingWithAbsentValuesLast() {
    assertThat(sorted("ORDER BY Attempt")).containsExactly("wf-1", "wf-2", "other-3", "wf-4");
    assertThat(sorted("ORDER BY Attempt DESC")).containsExactly("other-3", "wf-2", "wf-1", "wf-4");
    assertThat(sorted("order by StartTime asc")).containsExactly("wf-1", "wf-2", "other-3", "wf-4");
    assertThat(VisibilityQuery.parse("ORDER BY Attempt", SCHEMA).hasOrderBy()).isTrue();
  }

  @Test
  void orderByManyKeysFallsBackToTheDefaultOrder() {
    // Billing rows (wf-1, other-3) tie on type and are split by Attempt DESC; wf-4's type sorts first.
    assertThat(sorted("WorkflowType != 'x' ORDER BY WorkflowType, Attempt DESC"))
        .containsExactly("other-3", "wf-1", "wf-2", "wf-4");
    // Paused: wf-2 false, wf-1 true, the rest absent and then ordered by the default (WorkflowId).
    assertThat(sorted("ORDER BY Paused, `Order` DESC")).containsExactly("wf-2", "wf-1", "other-3", "wf-4");
  }

  @Test
  void groupByExecutionStatusIsAccepted() {
    VisibilityQuery q = VisibilityQuery.parse("WorkflowType = 'Billing' GROUP BY ExecutionStatus", SCHEMA);
    assertThat(q.groupBy()).contains("ExecutionStatus");
    assertThat(q.hasOrderBy()).isFalse();
    assertThat(q.matches(ROWS.get(0)::get)).isTrue();
    assertThat(q.matches(ROWS.get(1)::get)).isFalse();
    assertThat(VisibilityQuery.parse("group by `ExecutionStatus`", SCHEMA).groupBy()).contains("ExecutionStatus");
  }

  // ---- rejected queries ----

  static Stream<Arguments> badQueries() {
    return Stream.of(
        Arguments.of("WorkflowId LIKE 'wf%'", "unsupported operator 'LIKE' at position 12"),
        Arguments.of("WorkflowId NOT LIKE 'wf%'", "unsupported operator 'NOT LIKE' at position 12"),
        Arguments.of("WorkfowId = 'x'", "unknown search attribute 'WorkfowId'; did you mean 'WorkflowId'?"),
        Arguments.of("Bogus = 'x'", "unknown search attribute 'Bogus'"),
        Arguments.of("ExecutionStatus = 'Runing'", "invalid ExecutionStatus value 'Runing'"),
        Arguments.of(
            "WorkflowId = 'a' GROUP BY WorkflowType",
            "'GROUP BY' supports only ExecutionStatus, not 'WorkflowType'"),
        Arguments.of(
            "GROUP BY ExecutionStatus, WorkflowType",
            "'GROUP BY' supports only ExecutionStatus, not 'WorkflowType'"),
        Arguments.of("GROUP BY ExecutionStatus ORDER BY StartTime", "'GROUP BY' cannot be combined with 'ORDER BY'"),
        Arguments.of("ORDER BY StartTime GROUP BY ExecutionStatus", "'GROUP BY' cannot be combined with 'ORDER BY'"),
        Arguments.of("ORDER BY StartTime ORDER BY CloseTime", "duplicate 'ORDER BY' at position 20"),
        Arguments.of("ORDER BY Notes", "'ORDER BY' is not supported on Text search attribute 'Notes'"),
        Arguments.of("WorkflowId = 'a' LIMIT 10", "unsupported clause 'LIMIT' at position 18"),
        Arguments.of(
            "NOT (WorkflowId = 'a')",
            "unsupported operator 'NOT' at position 1; negate the comparison instead, e.g. '!=' or 'NOT IN'"),
        Arguments.of("lower(WorkflowId) = 'a'", "unsupported function 'lower' at position 1"),
        Arguments.of("WorkflowId IN (SELECT WorkflowId)", "unsupported subquery 'SELECT' at position 16"),
        Arguments.of("SELECT * FROM executions", "unsupported keyword 'SELECT' at position 1"),
        Arguments.of("* = 'a'", "expected a search attribute name but found '*' at position 1"),
        Arguments.of("WorkflowId = *", "expected a value but found '*' at position 14"),
        Arguments.of("(WorkflowId = 'a'", "unbalanced parentheses: '(' at position 1 is never closed"),
        Arguments.of("WorkflowId = 'a')", "unbalanced parentheses: unexpected ')' at position 17"),
        Arguments.of("(WorkflowId = 'a' x)", "unexpected 'x' at position 19"),
        Arguments.of("WorkflowId = 'a' foo", "unexpected 'foo' at position 18"),
        Arguments.of("WorkflowId = 'a';", "unexpected ';' at position 17"),
        Arguments.of("'a' = WorkflowId", "expected a search attribute name but found 'a' at position 1"),
        Arguments.of("WorkflowId = RunId", "expected a value but found 'RunId' at position 14"),
        Arguments.of("WorkflowId == 'a'", "expected a value but found '=' at position 13"),
        Arguments.of("WorkflowId = 'a' AND", "expected a search attribute name but found end of query at position 21"),
        Arguments.of("WorkflowId", "expected an operator after 'WorkflowId' but found end of query at position 11"),
        Arguments.of("WorkflowId BETWEEN 'a' 'b'", "expected 'AND' in 'BETWEEN' but found 'b' at position 24"),
        Arguments.of("WorkflowId IN 'a'", "expected '(' after 'IN' but found 'a' at position 15"),
        Arguments.of("WorkflowId IN ('a'", "expected ')' to close 'IN' but found end of query at position 19"),
        Arguments.of("WorkflowId IS 'a'", "expected 'NULL' after 'IS' but found 'a' at position 15"),
        Arguments.of("WorkflowId = NULL", "unsupported comparison with 'NULL' at position 14; use 'IS NULL' or 'IS NOT NULL'"),
        Arguments.of("WorkflowId = 'abc", "unterminated string starting at position 14"),
        Arguments.of("`WorkflowId = 'a'", "unterminated name starting at position 1"),
        Arguments.of("`` = 'a'", "empty search attribute name at position 1"),
        Arguments.of("Attempt = 1.5", "invalid value '1.5' for Int search attribute 'Attempt'; expected an integer"),
        Arguments.of("Attempt = '1'", "invalid value '1' for Int search attribute 'Attempt'; expected an integer"),
        Arguments.of(
            "Attempt = 99999999999999999999",
            "invalid value '99999999999999999999' for Int search attribute 'Attempt'; expected an integer"),
        Arguments.of("Score = 'high'", "invalid value 'high' for Double search attribute 'Score'; expected a number"),
        Arguments.of("Paused = 1", "invalid value '1' for Bool search attribute 'Paused'; expected true or false"),
        Arguments.of(
            "StartTime > '2024-13-01'",
            "invalid value '2024-13-01' for Datetime search attribute 'StartTime';"
                + " expected an RFC 3339 time like '2024-01-02T03:04:05Z' or epoch nanoseconds"),
        Arguments.of(
            "WorkflowId = 5", "invalid value '5' for Keyword search attribute 'WorkflowId'; expected a quoted string"),
        Arguments.of("Tags IN ('a', 1)", "invalid value '1' for KeywordList search attribute 'Tags'; expected a quoted string"),
        Arguments.of("WorkflowId STARTS_WITH 1", "invalid value '1' for STARTS_WITH on 'WorkflowId'; expected a quoted string"),
        Arguments.of("Attempt STARTS_WITH '1'", "operator 'STARTS_WITH' is not supported on Int search attribute 'Attempt'"),
        Arguments.of("Notes STARTS_WITH 'p'", "operator 'STARTS_WITH' is not supported on Text search attribute 'Notes'"),
        Arguments.of("Paused < true", "operator '<' is not supported on Bool search attribute 'Paused'"),
        Arguments.of("Tags > 'a'", "operator '>' is not supported on KeywordList search attribute 'Tags'"),
        Arguments.of("Notes >= 'a'", "operator '>=' is not supported on Text search attribute 'Notes'"),
        Arguments.of("Notes IN ('a')", "operator 'IN' is not supported on Text search attribute 'Notes'"),
        Arguments.of(
            "Paused NOT BETWEEN false AND true", "operator 'BETWEEN' is not supported on Bool search attribute 'Paused'"),
        Arguments.of("And = 'x'", "expected a search attribute name but found 'And' at position 1"),
        // A field named like a keyword needs backticks; bare, it starts a clause.
        Arguments.of("Order = 'x'", "expected 'BY' after 'Order' but found '=' at position 7"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badQueries")
  void badQueriesAreInvalidArgumentsNamingTheProblem(String query, String detail) {
    assertThatThrownBy(() -> VisibilityQuery.parse(query, SCHEMA))
        .isInstanceOfSatisfying(
            EngineException.class, e -> assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT))
        .hasMessage("invalid query: " + detail);
  }

  @Test
  void schemaReportsTypesAndRejectsUnspecified() {
    assertThat(SCHEMA.type("Tags")).contains(INDEXED_VALUE_TYPE_KEYWORD_LIST);
    assertThat(SCHEMA.type("ExecutionStatus")).contains(INDEXED_VALUE_TYPE_KEYWORD);
    assertThat(SCHEMA.type("tags")).isEmpty();
    assertThatThrownBy(
            () ->
                QuerySchema.builder()
                    .field("X", io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_UNSPECIFIED))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void schemaFromAMapTakesLaterDefinitionsOverEarlierOnes() {
    QuerySchema schema =
        QuerySchema.builder()
            .fields(Map.of("ExecutionStatus", INDEXED_VALUE_TYPE_KEYWORD, "HistoryLength", INDEXED_VALUE_TYPE_INT))
            .enumField("ExecutionStatus", List.of("Running"))
            .build();
    assertThat(VisibilityQuery.parse("ExecutionStatus = 'RUNNING' AND HistoryLength > 1", schema).matches(
            Map.of("ExecutionStatus", "Running", "HistoryLength", 2L)::get))
        .isTrue();
    assertThatThrownBy(() -> VisibilityQuery.parse("ExecutionStatus = 'Completed'", schema))
        .hasMessage("invalid query: invalid ExecutionStatus value 'Completed'");
  }
}
