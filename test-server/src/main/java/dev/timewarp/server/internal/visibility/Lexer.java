package dev.timewarp.server.internal.visibility;

import dev.timewarp.server.internal.visibility.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/** Splits a query into tokens; the only errors here are unterminated quotes. */
final class Lexer {
  private final String src;
  private int i;

  private Lexer(String src) {
    this.src = src;
  }

  /** The tokens of {@code src}, always ending with one {@link Kind#END}. */
  static List<Token> tokenize(String src) {
    return new Lexer(src).run();
  }

  private List<Token> run() {
    List<Token> out = new ArrayList<>();
    int n = src.length();
    while (true) {
      while (i < n && Character.isWhitespace(src.charAt(i))) {
        i++;
      }
      if (i >= n) {
        out.add(new Token(Kind.END, "", n + 1));
        return out;
      }
      out.add(next());
    }
  }

  private Token next() {
    int start = i;
    char c = src.charAt(i);
    if (c == '\'' || c == '"') {
      return quoted(c, Kind.STRING, "string");
    }
    if (c == '`') {
      Token name = quoted(c, Kind.NAME, "name");
      if (name.text().isEmpty()) {
        throw QueryErrors.at("empty search attribute name", name);
      }
      return name;
    }
    if (isDigit(c) || (c == '-' && i + 1 < src.length() && isDigit(src.charAt(i + 1)))) {
      return number();
    }
    if (Character.isLetter(c) || c == '_') {
      while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
        i++;
      }
      return new Token(Kind.WORD, src.substring(start, i), start + 1);
    }
    i++;
    return switch (c) {
      case '(' -> new Token(Kind.LPAREN, "(", start + 1);
      case ')' -> new Token(Kind.RPAREN, ")", start + 1);
      case ',' -> new Token(Kind.COMMA, ",", start + 1);
      case '=' -> new Token(Kind.OPERATOR, "=", start + 1);
      case '<' -> operator(start, accept('=') ? "<=" : accept('>') ? "<>" : "<");
      case '>' -> operator(start, accept('=') ? ">=" : ">");
      case '!' -> accept('=') ? operator(start, "!=") : new Token(Kind.SYMBOL, "!", start + 1);
      default -> new Token(Kind.SYMBOL, String.valueOf(c), start + 1);
    };
  }

  private Token operator(int start, String text) {
    return new Token(Kind.OPERATOR, text, start + 1);
  }

  private boolean accept(char c) {
    if (i < src.length() && src.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  /** An optional minus, digits, and an optional fraction; exponents are not part of the language. */
  private Token number() {
    int start = i;
    if (src.charAt(i) == '-') {
      i++;
    }
    skipDigits();
    if (i + 1 < src.length() && src.charAt(i) == '.' && isDigit(src.charAt(i + 1))) {
      i++;
      skipDigits();
    }
    return new Token(Kind.NUMBER, src.substring(start, i), start + 1);
  }

  private void skipDigits() {
    while (i < src.length() && isDigit(src.charAt(i))) {
      i++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * A quoted run: a doubled quote stands for one quote (SQL style) and a backslash escapes the next
   * character (MySQL style, which is what users of the real server write).
   */
  private Token quoted(char quote, Kind kind, String what) {
    int start = i++;
    StringBuilder text = new StringBuilder();
    while (i < src.length()) {
      char c = src.charAt(i++);
      if (c == '\\' && i < src.length()) {
        char e = src.charAt(i++);
        text.append(
            switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              default -> e;
            });
      } else if (c == quote) {
        if (i < src.length() && src.charAt(i) == quote) {
          text.append(quote);
          i++;
        } else {
          return new Token(kind, text.toString(), start + 1);
        }
      } else {
        text.append(c);
      }
    }
    throw QueryErrors.invalid("unterminated " + what + " starting at position " + (start + 1));
  }
}
