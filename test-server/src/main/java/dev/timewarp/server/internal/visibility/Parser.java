package dev.timewarp.server.internal.visibility;

import dev.timewarp.server.internal.visibility.Token.Kind;
import io.temporal.api.enums.v1.IndexedValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive descent over the tokens, type-checking as it goes:
 *
 * <pre>
 * query     := [or] (ORDER BY key (',' key)* | GROUP BY name (',' name)*)? END
 * or        := and (OR and)*
 * and       := primary (AND primary)*
 * primary   := '(' or ')' | predicate
 * predicate := field ( op value | [NOT] BETWEEN value AND value | [NOT] IN '(' value (',' value)* ')'
 *                    | [NOT] STARTS_WITH string | IS [NOT] NULL )
 * </pre>
 */
final class Parser {
  static final String GROUP_BY_FIELD = "ExecutionStatus";

  /** Words of the SQL the real server rejects; named as such so the user sees what is unsupported. */
  private static final Set<String> UNSUPPORTED_CLAUSES =
      Set.of("LIMIT", "OFFSET", "HAVING", "WHERE", "FROM", "SELECT", "UNION", "JOIN", "FETCH");

  /** Words the grammar gives meaning to; they cannot name a field unless backticked. */
  private static final Set<String> KEYWORDS =
      Set.of(
          "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "STARTS_WITH", "ORDER", "GROUP", "BY",
          "ASC", "DESC", "TRUE", "FALSE");

  record Result(Expr filter, List<OrderKey> orderBy, String groupBy) {}

  private final List<Token> tokens;
  private final QuerySchema schema;
  private int index;

  private Parser(List<Token> tokens, QuerySchema schema) {
    this.tokens = tokens;
    this.schema = schema;
  }

  static Result parse(String query, QuerySchema schema) {
    return new Parser(Lexer.tokenize(query), schema).query();
  }

  private Result query() {
    Expr filter = new Expr.MatchAll();
    if (!peek().is(Kind.END) && !peek().isKeyword("ORDER") && !peek().isKeyword("GROUP")) {
      filter = or();
    }
    List<OrderKey> orderBy = null;
    String groupBy = null;
    while (!peek().is(Kind.END)) {
      Token t = peek();
      boolean order = t.isKeyword("ORDER");
      if (!order && !t.isKeyword("GROUP")) {
        throw unexpected(t);
      }
      if (orderBy != null || groupBy != null) {
        throw order == (orderBy != null)
            ? QueryErrors.at("duplicate '" + t.text().toUpperCase(Locale.ROOT) + " BY'", t)
            : QueryErrors.invalid("'GROUP BY' cannot be combined with 'ORDER BY'");
      }
      next();
      expectKeyword("BY", "after '" + t.text() + "'");
      if (order) {
        orderBy = orderKeys();
      } else {
        groupBy = groupBy();
      }
    }
    return new Result(filter, orderBy == null ? List.of() : List.copyOf(orderBy), groupBy);
  }

  private List<OrderKey> orderKeys() {
    List<OrderKey> keys = new ArrayList<>();
    do {
      FieldRef field = field();
      if (field.type() == IndexedValueType.INDEXED_VALUE_TYPE_TEXT
          || field.type() == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST) {
        throw QueryErrors.invalid(
            "'ORDER BY' is not supported on " + field.typeName() + " search attribute '" + field.name() + "'");
      }
      boolean descending = false;
      if (peek().isKeyword("DESC") || peek().isKeyword("ASC")) {
        descending = next().isKeyword("DESC");
      }
      keys.add(new OrderKey(field, descending));
    } while (accept(Kind.COMMA));
    return keys;
  }

  private String groupBy() {
    do {
      Token name = peek();
      if (!name.is(Kind.NAME) && !name.is(Kind.WORD)) {
        throw QueryErrors.at("expected a search attribute name but found " + name.describe(), name);
      }
      if (!name.text().equals(GROUP_BY_FIELD)) {
        throw QueryErrors.invalid(
            "'GROUP BY' supports only " + GROUP_BY_FIELD + ", not '" + name.text() + "'");
      }
      field(); // still must exist in this schema
    } while (accept(Kind.COMMA));
    return GROUP_BY_FIELD;
  }

  private Expr or() {
    List<Expr> terms = new ArrayList<>(List.of(and()));
    while (peek().isKeyword("OR")) {
      next();
      terms.add(and());
    }
    return terms.size() == 1 ? terms.get(0) : new Expr.Or(List.copyOf(terms));
  }

  private Expr and() {
    List<Expr> terms = new ArrayList<>(List.of(primary()));
    while (peek().isKeyword("AND")) {
      next();
      terms.add(primary());
    }
    return terms.size() == 1 ? terms.get(0) : new Expr.And(List.copyOf(terms));
  }

  private Expr primary() {
    Token t = peek();
    if (t.is(Kind.LPAREN)) {
      next();
      Expr inner = or();
      Token close = peek();
      if (close.is(Kind.END)) {
        throw QueryErrors.invalid(
            "unbalanced parentheses: '(' at position " + t.position() + " is never closed");
      }
      if (!close.is(Kind.RPAREN)) {
        throw unexpected(close);
      }
      next();
      return inner;
    }
    if (t.isKeyword("NOT")) {
      // Temporal's grammar has no general negation; only the negated operators exist.
      throw QueryErrors.invalid(
          "unsupported operator 'NOT' at position " + t.position() + "; negate the comparison instead, e.g. '!=' or 'NOT IN'");
    }
    return predicate();
  }

  private Expr predicate() {
    FieldRef field = field();
    Token op = next();
    if (op.is(Kind.OPERATOR)) {
      Expr.Op o = Expr.Op.of(op.text());
      if (o.isOrdering()) {
        requireOrdered(field, op.text());
      }
      return new Expr.Compare(field, o, value(field));
    }
    if (!op.is(Kind.WORD)) {
      throw QueryErrors.at(
          "expected an operator after '" + field.name() + "' but found " + op.describe(), op);
    }
    boolean negated = op.isKeyword("NOT");
    Token keyword = negated ? next() : op;
    String name = keyword.text().toUpperCase(Locale.ROOT);
    switch (keyword.is(Kind.WORD) ? name : "") {
      case "BETWEEN" -> {
        requireOrdered(field, "BETWEEN");
        Object low = value(field);
        expectKeyword("AND", "in 'BETWEEN'");
        return new Expr.Between(field, low, value(field), negated);
      }
      case "IN" -> {
        if (field.type() == IndexedValueType.INDEXED_VALUE_TYPE_TEXT) {
          throw unsupportedOn("IN", field);
        }
        expect(Kind.LPAREN, "after 'IN'");
        List<Object> values = new ArrayList<>();
        do {
          values.add(value(field));
        } while (accept(Kind.COMMA));
        expect(Kind.RPAREN, "to close 'IN'");
        return new Expr.In(field, List.copyOf(values), negated);
      }
      case "STARTS_WITH" -> {
        if (field.type() != IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
            && field.type() != IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST) {
          throw unsupportedOn("STARTS_WITH", field);
        }
        return new Expr.StartsWith(field, Literals.prefix(field, literal()), negated);
      }
      case "IS" -> {
        if (!negated) {
          boolean not = peek().isKeyword("NOT");
          if (not) {
            next();
          }
          expectKeyword("NULL", not ? "after 'IS NOT'" : "after 'IS'");
          return new Expr.IsNull(field, not);
        }
      }
      default -> {}
    }
    String shown = negated ? (keyword.is(Kind.WORD) ? "NOT " + keyword.text() : "NOT") : op.text();
    throw QueryErrors.at("unsupported operator '" + shown + "'", op);
  }

  /** A field name, resolved; function calls and unknown names are rejected here. */
  private FieldRef field() {
    Token t = next();
    boolean bare = t.is(Kind.WORD);
    if (bare && peek().is(Kind.LPAREN)) {
      throw QueryErrors.at("unsupported function '" + t.text() + "'", t);
    }
    if (bare && UNSUPPORTED_CLAUSES.contains(t.text().toUpperCase(Locale.ROOT))) {
      throw QueryErrors.at("unsupported keyword '" + t.text() + "'", t);
    }
    if (!t.is(Kind.NAME) && !(bare && !KEYWORDS.contains(t.text().toUpperCase(Locale.ROOT)))) {
      throw QueryErrors.at("expected a search attribute name but found " + t.describe(), t);
    }
    FieldRef field = schema.resolve(t.text());
    if (field == null) {
      String hint = schema.closest(t.text());
      throw QueryErrors.invalid(
          "unknown search attribute '"
              + t.text()
              + "'"
              + (hint == null ? "" : "; did you mean '" + hint + "'?"));
    }
    return field;
  }

  /** A literal of the field's type. */
  private Object value(FieldRef field) {
    return Literals.coerce(field, literal());
  }

  private Token literal() {
    Token t = next();
    if (t.is(Kind.STRING) || t.is(Kind.NUMBER) || t.isKeyword("TRUE") || t.isKeyword("FALSE")) {
      return t;
    }
    if (t.isKeyword("NULL")) {
      throw QueryErrors.invalid(
          "unsupported comparison with 'NULL' at position " + t.position() + "; use 'IS NULL' or 'IS NOT NULL'");
    }
    if (t.isKeyword("SELECT")) {
      throw QueryErrors.at("unsupported subquery 'SELECT'", t);
    }
    throw QueryErrors.at("expected a value but found " + t.describe(), t);
  }

  private void requireOrdered(FieldRef field, String operator) {
    if (!field.isOrdered()) {
      throw unsupportedOn(operator, field);
    }
  }

  private static RuntimeException unsupportedOn(String operator, FieldRef field) {
    return QueryErrors.invalid(
        "operator '" + operator + "' is not supported on " + field.typeName() + " search attribute '" + field.name() + "'");
  }

  /** A token where only AND, OR, ')', ORDER BY, GROUP BY or the end may be. */
  private static RuntimeException unexpected(Token t) {
    if (t.is(Kind.RPAREN)) {
      return QueryErrors.at("unbalanced parentheses: unexpected ')'", t);
    }
    if (t.is(Kind.WORD) && UNSUPPORTED_CLAUSES.contains(t.text().toUpperCase(Locale.ROOT))) {
      return QueryErrors.at("unsupported clause '" + t.text() + "'", t);
    }
    return QueryErrors.at("unexpected " + t.describe(), t);
  }

  private void expectKeyword(String keyword, String where) {
    Token t = next();
    if (!t.isKeyword(keyword)) {
      throw QueryErrors.at("expected '" + keyword + "' " + where + " but found " + t.describe(), t);
    }
  }

  private void expect(Kind kind, String where) {
    Token t = next();
    if (!t.is(kind)) {
      String wanted = kind == Kind.LPAREN ? "(" : ")";
      throw QueryErrors.at("expected '" + wanted + "' " + where + " but found " + t.describe(), t);
    }
  }

  private boolean accept(Kind kind) {
    if (peek().is(kind)) {
      next();
      return true;
    }
    return false;
  }

  private Token peek() {
    return tokens.get(index);
  }

  /** The next token; END repeats so look-ahead past the end is safe. */
  private Token next() {
    Token t = tokens.get(index);
    if (!t.is(Kind.END)) {
      index++;
    }
    return t;
  }
}
