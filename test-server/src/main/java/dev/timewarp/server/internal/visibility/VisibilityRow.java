package dev.timewarp.server.internal.visibility;

/**
 * One listed thing (a workflow run, a standalone activity) as the query sees it.
 *
 * <p>Values by field type: String (Keyword, Text and enum fields), Long (Int), Double (Double),
 * Boolean (Bool), {@link java.time.Instant} (Datetime), {@code List<String>} (KeywordList). A value
 * of another Java type, and an empty list, count as absent.
 */
@FunctionalInterface
public interface VisibilityRow {
  /** The field's value, or null when the row has none. */
  Object value(String field);
}
