package dev.timewarp.server.internal.visibility;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Row-side values: reading them as the field's type, comparing them, and Text word matching. */
final class Values {
  private Values() {}

  /**
   * The row's value for {@code field} as the same Java type {@link Literals#coerce} gives literals,
   * or null when absent or of the wrong type (a mistyped custom attribute simply never matches).
   */
  static Object of(VisibilityRow row, FieldRef field) {
    Object raw = row.value(field.name());
    if (raw == null) {
      return null;
    }
    return switch (field.type()) {
      case INDEXED_VALUE_TYPE_KEYWORD, INDEXED_VALUE_TYPE_TEXT -> {
        if (!(raw instanceof String s)) {
          yield null;
        }
        String canonical = field.isEnum() ? field.canonical(s) : null;
        yield canonical != null ? canonical : s;
      }
      case INDEXED_VALUE_TYPE_INT ->
          raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte
              ? Long.valueOf(((Number) raw).longValue())
              : null;
      case INDEXED_VALUE_TYPE_DOUBLE -> raw instanceof Number n ? Double.valueOf(n.doubleValue()) : null;
      case INDEXED_VALUE_TYPE_BOOL -> raw instanceof Boolean ? raw : null;
      case INDEXED_VALUE_TYPE_DATETIME ->
          raw instanceof Instant ? raw : raw instanceof OffsetDateTime t ? t.toInstant() : null;
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> keywordList(raw);
      default -> null;
    };
  }

  /** A list's strings; a lone string counts as a one-element list; an empty list is absent. */
  private static List<String> keywordList(Object raw) {
    if (raw instanceof String s) {
      return List.of(s);
    }
    if (!(raw instanceof Collection<?> c)) {
      return null;
    }
    List<String> out = new ArrayList<>(c.size());
    for (Object o : c) {
      if (o instanceof String s) {
        out.add(s);
      }
    }
    return out.isEmpty() ? null : out;
  }

  /** Compares two non-null values of one field type (both sides come from {@link #of} or {@link Literals}). */
  @SuppressWarnings("unchecked")
  static int compare(Object a, Object b) {
    return ((Comparable<Object>) a).compareTo(b);
  }

  /** Text '=': every word of the phrase is a word of the value. A phrase without words matches nothing. */
  static boolean containsWords(String value, String phrase) {
    Set<String> wanted = words(phrase);
    return !wanted.isEmpty() && words(value).containsAll(wanted);
  }

  /**
   * Lower-cased runs of letters and digits: splitting on punctuation as well as whitespace is what
   * full-text indexes (Elasticsearch's standard analyzer, SQLite FTS) do to Text attributes.
   */
  static Set<String> words(String text) {
    Set<String> out = new HashSet<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean wordChar = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
      if (wordChar && start < 0) {
        start = i;
      } else if (!wordChar && start >= 0) {
        out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
        start = -1;
      }
    }
    return out;
  }
}
