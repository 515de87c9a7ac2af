package dev.timewarp.server.internal.visibility;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed visibility query: filter, optional ORDER BY, optional GROUP BY. Immutable and thread-safe.
 * Every rejected query is an {@link dev.timewarp.server.internal.engine.EngineException} with code
 * INVALID_ARGUMENT and a message starting with {@code "invalid query: "}.
 */
public final class VisibilityQuery {
  private final String text;
  private final Expr filter;
  private final List<OrderKey> orderBy;
  private final Optional<String> groupBy;

  private VisibilityQuery(String text, Parser.Result parsed) {
    this.text = text;
    this.filter = parsed.filter();
    this.orderBy = parsed.orderBy();
    this.groupBy = Optional.ofNullable(parsed.groupBy());
  }

  /** Parses and type-checks {@code query}; null, empty or blank matches everything. */
  public static VisibilityQuery parse(String query, QuerySchema schema) {
    String text = query == null ? "" : query;
    return new VisibilityQuery(text, Parser.parse(text, schema));
  }

  public boolean matches(VisibilityRow row) {
    return filter.test(row);
  }

  /** The query's ORDER BY keys if any (rows lacking a key's field last), then {@code defaultOrder}. */
  public <R extends VisibilityRow> Comparator<R> ordering(Comparator<R> defaultOrder) {
    Comparator<R> order = null;
    for (OrderKey key : orderBy) {
      Comparator<R> next = key.comparator();
      order = order == null ? next : order.thenComparing(next);
    }
    return order == null ? defaultOrder : order.thenComparing(defaultOrder);
  }

  /** The GROUP BY field; only ExecutionStatus is ever accepted. */
  public Optional<String> groupBy() {
    return groupBy;
  }

  /**
   * The rows that match, in the query's order, then the real server's default: running ones first,
   * then the most recently closed, newest start first, by run id last. Rows index StartTime,
   * CloseTime and RunId.
   */
  public <R extends VisibilityRow> List<R> select(java.util.stream.Stream<R> rows) {
    Comparator<R> newestFirst = Comparator
        .comparing((R r) -> r.value("CloseTime") instanceof java.time.Instant closed ? closed : java.time.Instant.MAX,
            Comparator.reverseOrder())
        .thenComparing(r -> (java.time.Instant) r.value("StartTime"), Comparator.reverseOrder())
        .thenComparing(r -> (String) r.value("RunId"));
    return rows.filter(this::matches).sorted(ordering(newestFirst)).toList();
  }

  /** A listing RPC refuses GROUP BY; only the count RPC named here answers it. */
  public void refuseGroupBy(String countRpc) {
    if (groupBy.isPresent()) {
      throw dev.timewarp.server.internal.engine.EngineException.invalidArgument(
          "'GROUP BY' clause is only supported in " + countRpc);
    }
  }

  /** How many of {@code rows} fall in each value of the GROUP BY field, in first-seen order. */
  public Map<String, Long> groupCounts(List<? extends VisibilityRow> rows) {
    Map<String, Long> groups = new LinkedHashMap<>();
    groupBy.ifPresent(field -> rows.forEach(row -> groups.merge(String.valueOf(row.value(field)), 1L, Long::sum)));
    return groups;
  }

  public boolean hasOrderBy() {
    return !orderBy.isEmpty();
  }

  /** The query as given. */
  @Override
  public String toString() {
    return text;
  }
}
