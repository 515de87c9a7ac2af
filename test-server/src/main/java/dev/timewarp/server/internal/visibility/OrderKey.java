package dev.timewarp.server.internal.visibility;

import java.util.Comparator;

/** One ORDER BY key. Rows lacking the field sort last whichever the direction. */
record OrderKey(FieldRef field, boolean descending) {
  <R extends VisibilityRow> Comparator<R> comparator() {
    return (a, b) -> {
      Object x = Values.of(a, field);
      Object y = Values.of(b, field);
      if (x == null || y == null) {
        return x == null ? (y == null ? 0 : 1) : -1;
      }
      int c = Values.compare(x, y);
      return descending ? -c : c;
    };
  }
}
