package dev.timewarp.server.internal.visibility;

import io.temporal.api.enums.v1.IndexedValueType;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The fields a query may name, with their types, plus canonical values for enum-like keyword fields. */
public final class QuerySchema {
  private final Map<String, IndexedValueType> types;
  private final Map<String, List<String>> enumValues;

  private QuerySchema(Builder b) {
    this.types = Map.copyOf(b.types);
    this.enumValues = Map.copyOf(b.enumValues);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<IndexedValueType> type(String field) {
    return Optional.ofNullable(types.get(field));
  }

  /** The field, or null when the schema has no such field (names are case-sensitive). */
  FieldRef resolve(String name) {
    IndexedValueType type = types.get(name);
    return type == null ? null : new FieldRef(name, type, enumValues.getOrDefault(name, List.of()));
  }

  /** The known name closest to {@code name} within an edit distance of 2 (ignoring case), or null. */
  String closest(String name) {
    String best = null;
    int bestDistance = 3;
    String lower = name.toLowerCase(Locale.ROOT);
    for (String candidate : types.keySet().stream().sorted().toList()) {
      int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Later definitions of a name replace earlier ones. */
  public static final class Builder {
    private final Map<String, IndexedValueType> types = new LinkedHashMap<>();
    private final Map<String, List<String>> enumValues = new LinkedHashMap<>();

    private Builder() {}

    public Builder field(String name, IndexedValueType type) {
      if (type == IndexedValueType.INDEXED_VALUE_TYPE_UNSPECIFIED
          || type == IndexedValueType.UNRECOGNIZED) {
        throw new IllegalArgumentException("field " + name + " needs a concrete type, not " + type);
      }
      types.put(name, type);
      enumValues.remove(name);
      return this;
    }

    public Builder fields(Map<String, IndexedValueType> fields) {
      fields.forEach(this::field);
      return this;
    }

    /** A Keyword field whose values are matched case-insensitively and normalised to these spellings. */
    public Builder enumField(String name, Collection<String> canonicalValues) {
      if (canonicalValues.isEmpty()) {
        throw new IllegalArgumentException("enum field " + name + " needs at least one value");
      }
      field(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      enumValues.put(name, List.copyOf(canonicalValues));
      return this;
    }

    public QuerySchema build() {
      return new QuerySchema(this);
    }
  }
}
