package dev.timewarp.server.internal.visibility;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.visibility.Expr.Op;
import io.temporal.api.enums.v1.IndexedValueType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random expression trees over {@link VisibilityQueryTest#SCHEMA}, printed to query text and parsed
 * back, against random rows with random absent fields.
 */
class VisibilityQueryPropertyTest {
  private static final QuerySchema SCHEMA = VisibilityQueryTest.SCHEMA;
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  // ---- properties ----

  @Property
  void printedAndParsedMatchesTheSameRowsAsTheTree(
      @ForAll("exprs") Expr expr, @ForAll("rows") Map<String, Object> row) {
    String query = print(expr);
    assertThat(VisibilityQuery.parse(query, SCHEMA).matches(row::get)).as(query).isEqualTo(expr.test(row::get));
  }

  @Property
  void orIsUnionAndIsIntersectionWithAndBindingTighter(
      @ForAll("leaves") Expr a, @ForAll("leaves") Expr b, @ForAll("leaves") Expr c,
      @ForAll("rows") Map<String, Object> row) {
    boolean ma = matches(print(a), row);
    boolean mb = matches(print(b), row);
    boolean mc = matches(print(c), row);
    assertThat(matches(print(a) + " OR " + print(b), row)).isEqualTo(ma || mb);
    assertThat(matches(print(a) + " AND " + print(b), row)).isEqualTo(ma && mb);
    assertThat(matches(print(a) + " OR " + print(b) + " AND " + print(c), row)).isEqualTo(ma || (mb && mc));
    assertThat(matches(print(a) + " AND " + print(b) + " OR " + print(c), row)).isEqualTo((ma && mb) || mc);
    assertThat(matches("(" + print(a) + " OR " + print(b) + ") AND " + print(c), row)).isEqualTo((ma || mb) && mc);
  }

  /** =/!=, IN/NOT IN, BETWEEN/NOT BETWEEN, STARTS_WITH/NOT, IS NULL/IS NOT NULL split every row, absent or not. */
  @Property
  void negatedFormsMatchExactlyTheOtherRows(@ForAll("leaves") Expr leaf, @ForAll("rows") Map<String, Object> row) {
    Expr negation = negate(leaf);
    if (negation != null) {
      assertThat(matches(print(negation), row)).as(print(leaf)).isNotEqualTo(matches(print(leaf), row));
    }
  }

  @Property
  void orderByPutsPresentValuesInOrderThenAbsentOnes(
      @ForAll("rowLists") List<Map<String, Object>> rows,
      @ForAll("orderFields") String field,
      @ForAll boolean descending) {
    VisibilityQuery q = VisibilityQuery.parse("ORDER BY " + field + (descending ? " DESC" : ""), SCHEMA);
    List<VisibilityRow> sorted = new ArrayList<>();
    rows.forEach(r -> sorted.add(r::get));
    sorted.sort(q.ordering((x, y) -> 0));
    FieldRef ref = SCHEMA.resolve(field);
    List<Object> values = sorted.stream().map(r -> Values.of(r, ref)).toList();
    int firstAbsent = values.indexOf(null);
    if (firstAbsent >= 0) {
      assertThat(values.subList(firstAbsent, values.size())).containsOnlyNulls();
    }
    List<Object> present = values.subList(0, firstAbsent < 0 ? values.size() : firstAbsent);
    for (int i = 1; i < present.size(); i++) {
      int c = Values.compare(present.get(i - 1), present.get(i));
      assertThat(descending ? c >= 0 : c <= 0).as("%s", values).isTrue();
    }
  }

  /** Whatever the text, the parser either accepts it or rejects it as INVALID_ARGUMENT, never anything else. */
  @Property(tries = 3000)
  void anyInputIsParsedOrRejectedAsInvalidArgument(
      @ForAll("junk") String query, @ForAll("rows") Map<String, Object> row) {
    VisibilityQuery q;
    try {
      q = VisibilityQuery.parse(query, SCHEMA);
    } catch (EngineException e) {
      assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
      assertThat(e.getMessage()).startsWith("invalid query: ");
      return;
    }
    VisibilityRow r = row::get;
    q.matches(r); // must not throw on any row
    assertThat(q.ordering(Comparator.<VisibilityRow>comparingInt(x -> 0)).compare(r, r)).isZero();
  }

  private static boolean matches(String query, Map<String, Object> row) {
    return VisibilityQuery.parse(query, SCHEMA).matches(row::get);
  }

  // ---- generators ----

  private static FieldRef f(String name) {
    return SCHEMA.resolve(name);
  }

  private static Arbitrary<Object> literals(String field) {
    return switch (field) {
      case "WorkflowId" -> Arbitraries.of("a", "b", "ab", "it's", "q\"x", "back\\slash");
      case "Notes" -> Arbitraries.of("alpha", "Beta", "gamma", "alpha beta", "beta, GAMMA");
      case "Attempt" -> Arbitraries.longs().between(-3, 3).map(v -> v);
      case "Score" -> Arbitraries.of(-1.5, 0.0, 0.25, 2.0);
      case "Paused" -> Arbitraries.of(true, false);
      case "StartTime" -> times();
      case "Tags" -> Arbitraries.of("a", "b", "c");
      case "ExecutionStatus" -> Arbitraries.of("Running", "Completed", "Failed");
      default -> throw new IllegalArgumentException(field);
    };
  }

  private static Arbitrary<Object> times() {
    return Arbitraries.of(T0, T0.plusSeconds(1), T0.plusMillis(1500), T0.minus(Duration.ofDays(1)), T0.plusNanos(7));
  }

  private static Arbitrary<Expr> leafFor(String name) {
    FieldRef field = f(name);
    Arbitrary<Object> values = literals(name);
    Arbitrary<Boolean> negated = Arbitraries.of(true, false);
    List<Arbitrary<Expr>> forms = new ArrayList<>();
    List<Op> ops = field.isOrdered() ? List.of(Op.values()) : List.of(Op.EQ, Op.NE);
    forms.add(Combinators.combine(Arbitraries.of(ops), values).as((op, v) -> new Expr.Compare(field, op, v)));
    if (field.isOrdered()) {
      forms.add(Combinators.combine(values, values, negated).as((lo, hi, n) -> new Expr.Between(field, lo, hi, n)));
    }
    if (field.type() != IndexedValueType.INDEXED_VALUE_TYPE_TEXT) {
      forms.add(
          Combinators.combine(values.list().ofMinSize(1).ofMaxSize(3), negated)
              .as((vs, n) -> new Expr.In(field, List.copyOf(vs), n)));
    }
    if (field.type() == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        || field.type() == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST) {
      Arbitrary<String> prefixes = Arbitraries.of("", "a", "b", "it", "q\"", "Run", "co");
      forms.add(Combinators.combine(prefixes, negated).as((p, n) -> new Expr.StartsWith(field, p, n)));
    }
    forms.add(negated.map(n -> new Expr.IsNull(field, n)));
    return Arbitraries.oneOf(forms);
  }

  @Provide
  Arbitrary<Expr> leaves() {
    return Arbitraries.oneOf(
        List.of("WorkflowId", "Notes", "Attempt", "Score", "Paused", "StartTime", "Tags", "ExecutionStatus").stream()
            .map(VisibilityQueryPropertyTest::leafFor)
            .toList());
  }

  @Provide
  Arbitrary<Expr> exprs() {
    return Arbitraries.recursive(
        this::leaves,
        inner ->
            Arbitraries.oneOf(
                inner,
                inner.list().ofMinSize(2).ofMaxSize(3).map(ts -> (Expr) new Expr.And(List.copyOf(ts))),
                inner.list().ofMinSize(2).ofMaxSize(3).map(ts -> (Expr) new Expr.Or(List.copyOf(ts)))),
        0,
        3);
  }

  @Provide
  Arbitrary<Map<String, Object>> rows() {
    Arbitrary<Object> notes = Arbitraries.of("alpha", "alpha beta", "BETA gamma.", "gamma-alpha", "delta");
    Arbitrary<Object> tags = Arbitraries.subsetOf("a", "b", "c").map(s -> List.copyOf(s));
    return Combinators.combine(
            literals("WorkflowId").injectNull(0.2),
            notes.injectNull(0.2),
            literals("Attempt").injectNull(0.2),
            literals("Score").injectNull(0.2),
            literals("Paused").injectNull(0.2),
            times().injectNull(0.2),
            tags.injectNull(0.2),
            literals("ExecutionStatus").injectNull(0.2))
        .as(
            (id, text, attempt, score, paused, start, tagList, status) -> {
              Map<String, Object> row = new HashMap<>();
              row.put("WorkflowId", id);
              row.put("Notes", text);
              row.put("Attempt", attempt);
              row.put("Score", score);
              row.put("Paused", paused);
              row.put("StartTime", start);
              row.put("Tags", tagList);
              row.put("ExecutionStatus", status);
              return row;
            });
  }

  @Provide
  Arbitrary<List<Map<String, Object>>> rowLists() {
    return rows().list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> orderFields() {
    return Arbitraries.of("WorkflowId", "Attempt", "Score", "Paused", "StartTime", "ExecutionStatus");
  }

  @Provide
  Arbitrary<String> junk() {
    Arbitrary<String> tokens =
        Arbitraries.of(
            "WorkflowId", "Attempt", "Notes", "Tags", "Paused", "Score", "StartTime", "ExecutionStatus", "Bogus",
            "`Tags`", "`", "=", "!=", "<>", "<", "<=", ">", ">=", "!", "AND", "or", "NOT", "IN", "BETWEEN",
            "STARTS_WITH", "IS", "NULL", "ORDER", "BY", "GROUP", "ASC", "DESC", "(", ")", ",", "'a'", "\"b\"",
            "'it''s'", "'x\\'", "1", "-2", "1.5", "99999999999999999999", "true", "'2024-01-01T00:00:00Z'",
            "'running'", "*", "LIKE", "LIMIT", "SELECT", "'", "\\", ";", "lower(");
    Arbitrary<String> tokenSoup = tokens.list().ofMaxSize(12).map(ts -> String.join(" ", ts));
    Arbitrary<String> charSoup = Arbitraries.strings().withChars("aIN '\"`()=<>!,-.0159 *\\\n_").ofMaxLength(25);
    return Arbitraries.oneOf(tokenSoup, charSoup);
  }

  // ---- printing a tree back to query text ----

  /** Minimal parentheses, so AND-over-OR precedence is exercised on every round trip. */
  static String print(Expr e) {
    if (e instanceof Expr.And and) {
      return and.terms().stream()
          .map(t -> t instanceof Expr.Or ? "(" + print(t) + ")" : print(t))
          .collect(Collectors.joining(" AND "));
    }
    if (e instanceof Expr.Or or) {
      return or.terms().stream().map(VisibilityQueryPropertyTest::print).collect(Collectors.joining(" OR "));
    }
    if (e instanceof Expr.Compare c) {
      return name(c.field()) + " " + c.op().symbol + " " + literal(c.field(), c.value());
    }
    if (e instanceof Expr.Between b) {
      return name(b.field()) + (b.negated() ? " NOT" : "") + " BETWEEN " + literal(b.field(), b.low()) + " AND "
          + literal(b.field(), b.high());
    }
    if (e instanceof Expr.In in) {
      return name(in.field()) + (in.negated() ? " NOT" : "") + " IN ("
          + in.values().stream().map(v -> literal(in.field(), v)).collect(Collectors.joining(", ")) + ")";
    }
    if (e instanceof Expr.StartsWith s) {
      return name(s.field()) + (s.negated() ? " NOT" : "") + " STARTS_WITH " + quote(s.prefix());
    }
    if (e instanceof Expr.IsNull n) {
      return name(n.field()) + (n.negated() ? " IS NOT NULL" : " IS NULL");
    }
    throw new IllegalArgumentException(e.toString());
  }

  private static String name(FieldRef f) {
    // Backtick some names so both spellings go through the lexer.
    return f.type() == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST ? "`" + f.name() + "`" : f.name();
  }

  private static String literal(FieldRef f, Object v) {
    if (f.isEnum()) {
      return quote(((String) v).toUpperCase(Locale.ROOT)); // enum values are case-insensitive
    }
    if (v instanceof String s) {
      return quote(s);
    }
    if (v instanceof Double d) {
      return BigDecimal.valueOf(d).toPlainString();
    }
    if (v instanceof Instant t) {
      // Alternate the two datetime spellings: RFC 3339 and epoch nanoseconds.
      return t.getEpochSecond() % 2 == 0
          ? quote(t.toString())
          : BigDecimal.valueOf(t.getEpochSecond()).movePointRight(9).add(BigDecimal.valueOf(t.getNano())).toPlainString();
    }
    return String.valueOf(v); // Long, Boolean
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** The complementary predicate, or null when there is none (ordering operators are false on absent values). */
  private static Expr negate(Expr e) {
    if (e instanceof Expr.Compare c && !c.op().isOrdering()) {
      return new Expr.Compare(c.field(), c.op() == Op.EQ ? Op.NE : Op.EQ, c.value());
    }
    if (e instanceof Expr.Between b) {
      return new Expr.Between(b.field(), b.low(), b.high(), !b.negated());
    }
    if (e instanceof Expr.In in) {
      return new Expr.In(in.field(), in.values(), !in.negated());
    }
    if (e instanceof Expr.StartsWith s) {
      return new Expr.StartsWith(s.field(), s.prefix(), !s.negated());
    }
    if (e instanceof Expr.IsNull n) {
      return new Expr.IsNull(n.field(), !n.negated());
    }
    return null;
  }
}
