package dev.timewarp.server.internal.visibility;

/**
 * One lexical unit. {@code text} is the unquoted content for strings and backticked names, the
 * source text otherwise; {@code position} is 1-based so error messages read like an editor column.
 */
record Token(Kind kind, String text, int position) {
  enum Kind {
    /** A bare word: a keyword or a field name, decided by the parser. */
    WORD,
    /** A backticked field name; never a keyword. */
    NAME,
    STRING,
    NUMBER,
    /** A comparison: = != <> < <= > >= */
    OPERATOR,
    LPAREN,
    RPAREN,
    COMMA,
    /** Any other character, e.g. '*' or ';': always an error, reported where the parser meets it. */
    SYMBOL,
    END
  }

  boolean is(Kind k) {
    return kind == k;
  }

  /** Keywords are case-insensitive; backticked names never count as keywords. */
  boolean isKeyword(String keyword) {
    return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
  }

  /** How the token is named in an error message. */
  String describe() {
    return kind == Kind.END ? "end of query" : "'" + text + "'";
  }
}
