package dev.timewarp.server.internal.visibility;

import dev.timewarp.server.internal.visibility.Token.Kind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Turns a literal token into the Java value of its field's type, at parse time. */
final class Literals {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private Literals() {}

  /** The literal as a value of {@code field}'s type; enum values come back in canonical spelling. */
  static Object coerce(FieldRef field, Token literal) {
    Object value =
        switch (field.type()) {
          case INDEXED_VALUE_TYPE_KEYWORD,
              INDEXED_VALUE_TYPE_TEXT,
              INDEXED_VALUE_TYPE_KEYWORD_LIST -> literal.is(Kind.STRING) ? literal.text() : null;
          case INDEXED_VALUE_TYPE_INT -> integer(literal);
          case INDEXED_VALUE_TYPE_DOUBLE -> literal.is(Kind.NUMBER) ? Double.valueOf(literal.text()) : null;
          case INDEXED_VALUE_TYPE_BOOL -> bool(literal);
          case INDEXED_VALUE_TYPE_DATETIME -> datetime(literal);
          default -> null;
        };
    if (field.isEnum()) {
      String canonical = value == null ? null : field.canonical((String) value);
      if (canonical == null) {
        throw QueryErrors.invalid("invalid " + field.name() + " value '" + literal.text() + "'");
      }
      return canonical;
    }
    if (value == null) {
      throw QueryErrors.invalid(
          "invalid value '"
              + literal.text()
              + "' for "
              + field.typeName()
              + " search attribute '"
              + field.name()
              + "'; expected "
              + expectation(field));
    }
    return value;
  }

  /** A prefix for STARTS_WITH: always a plain string, never normalised (it is not a whole value). */
  static String prefix(FieldRef field, Token literal) {
    if (!literal.is(Kind.STRING)) {
      throw QueryErrors.invalid(
          "invalid value '" + literal.text() + "' for STARTS_WITH on '" + field.name() + "'; expected a quoted string");
    }
    return literal.text();
  }

  private static String expectation(FieldRef field) {
    return switch (field.type()) {
      case INDEXED_VALUE_TYPE_INT -> "an integer";
      case INDEXED_VALUE_TYPE_DOUBLE -> "a number";
      case INDEXED_VALUE_TYPE_BOOL -> "true or false";
      case INDEXED_VALUE_TYPE_DATETIME -> "an RFC 3339 time like '2024-01-02T03:04:05Z' or epoch nanoseconds";
      default -> "a quoted string";
    };
  }

  private static Long integer(Token literal) {
    if (!literal.is(Kind.NUMBER) || literal.text().contains(".")) {
      return null;
    }
    try {
      return Long.valueOf(literal.text());
    } catch (NumberFormatException tooLarge) {
      return null;
    }
  }

  private static Boolean bool(Token literal) {
    if (!literal.is(Kind.WORD) && !literal.is(Kind.STRING)) {
      return null;
    }
    if (literal.text().equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    return literal.text().equalsIgnoreCase("false") ? Boolean.FALSE : null;
  }

  private static Instant datetime(Token literal) {
    if (literal.is(Kind.STRING)) {
      return parseTime(literal.text());
    }
    Long nanos = integer(literal);
    if (nanos == null) {
      return null;
    }
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }

  /** RFC 3339 with 'Z' or an offset and optional fractional seconds; null when it is not one. */
  static Instant parseTime(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException notATime) {
      return null;
    }
  }
}
