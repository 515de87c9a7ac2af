package dev.timewarp.assertions.internal;

import java.util.Comparator;

/** Orders candidate names by edit distance to what was asked for, so the likely typo comes first. */
public final class Nearest {
  private Nearest() {}

  public static Comparator<String> byDistanceTo(String wanted) {
    return Comparator.comparingInt((String candidate) -> distance(core(candidate), wanted)).thenComparing(Comparator.naturalOrder());
  }

  /** The type name inside "'Charge' id=1". */
  private static String core(String candidate) {
    int end = candidate.indexOf('\'', 1);
    return candidate.startsWith("'") && end > 0 ? candidate.substring(1, end) : candidate;
  }

  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
