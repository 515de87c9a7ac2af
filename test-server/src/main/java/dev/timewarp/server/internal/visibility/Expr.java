package dev.timewarp.server.internal.visibility;

import io.temporal.api.enums.v1.IndexedValueType;
import java.util.List;

/**
 * A parsed, type-checked filter. Values inside are already of the field's Java type (see {@link
 * Literals}). An absent value satisfies exactly the negative forms: !=, NOT IN, NOT BETWEEN, NOT
 * STARTS_WITH and IS NULL.
 */
sealed interface Expr {
  boolean test(VisibilityRow row);

  /** The filter of a query that has none. */
  record MatchAll() implements Expr {
    @Override
    public boolean test(VisibilityRow row) {
      return true;
    }
  }

  record And(List<Expr> terms) implements Expr {
    @Override
    public boolean test(VisibilityRow row) {
      return terms.stream().allMatch(t -> t.test(row));
    }
  }

  record Or(List<Expr> terms) implements Expr {
    @Override
    public boolean test(VisibilityRow row) {
      return terms.stream().anyMatch(t -> t.test(row));
    }
  }

  enum Op {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    static Op of(String symbol) {
      return symbol.equals("<>") ? NE : valueOfSymbol(symbol);
    }

    private static Op valueOfSymbol(String symbol) {
      for (Op op : values()) {
        if (op.symbol.equals(symbol)) {
          return op;
        }
      }
      throw new IllegalArgumentException(symbol);
    }

    boolean isOrdering() {
      return this != EQ && this != NE;
    }

    boolean holds(int cmp) {
      return switch (this) {
        case EQ -> cmp == 0;
        case NE -> cmp != 0;
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    }
  }

  /** field OP value. On KeywordList '=' means contains; on Text it is a word match. */
  record Compare(FieldRef field, Op op, Object value) implements Expr {
    @Override
    public boolean test(VisibilityRow row) {
      Object v = Values.of(row, field);
      if (v == null) {
        return op == Op.NE;
      }
      return switch (field.type()) {
        case INDEXED_VALUE_TYPE_KEYWORD_LIST -> ((List<?>) v).contains(value) == (op == Op.EQ);
        case INDEXED_VALUE_TYPE_TEXT -> Values.containsWords((String) v, (String) value) == (op == Op.EQ);
        default -> op.holds(Values.compare(v, value));
      };
    }
  }

  /** Inclusive on both ends. */
  record Between(FieldRef field, Object low, Object high, boolean negated) implements Expr {
    @Override
    public boolean test(VisibilityRow row) {
      Object v = Values.of(row, field);
      if (v == null) {
        return negated;
      }
      boolean inside = Values.compare(v, low) >= 0 && Values.compare(v, high) <= 0;
      return inside != negated;
    }
  }

  /** On KeywordList IN means "contains any of". */
  record In(FieldRef field, List<Object> values, boolean negated) implements Expr {
    @Override
    public boolean test(VisibilityRow row) {
      Object v = Values.of(row, field);
      if (v == null) {
        return negated;
      }
      boolean any =
          field.type() == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST
              ? values.stream().anyMatch(((List<?>) v)::contains)
              : values.stream().anyMatch(x -> Values.compare(v, x) == 0);
      return any != negated;
    }
  }

  /** On KeywordList: any element has the prefix. Enum values, matched case-insensitively elsewhere, are here too. */
  record StartsWith(FieldRef field, String prefix, boolean negated) implements Expr {
    @Override
    public boolean test(VisibilityRow row) {
      Object v = Values.of(row, field);
      if (v == null) {
        return negated;
      }
      boolean hit =
          v instanceof List<?> list
              ? list.stream().anyMatch(e -> hasPrefix((String) e))
              : hasPrefix((String) v);
      return hit != negated;
    }

    private boolean hasPrefix(String s) {
      return s.regionMatches(field.isEnum(), 0, prefix, 0, prefix.length());
    }
  }

  record IsNull(FieldRef field, boolean negated) implements Expr {
    @Override
    public boolean test(VisibilityRow row) {
      return (Values.of(row, field) == null) != negated;
    }
  }
}
