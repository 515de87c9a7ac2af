package dev.timewarp.server.internal.visibility;

import io.temporal.api.enums.v1.IndexedValueType;
import java.util.List;

/** A field the query names, resolved against the schema; {@code enumValues} is empty unless enum-like. */
record FieldRef(String name, IndexedValueType type, List<String> enumValues) {
  boolean isEnum() {
    return !enumValues.isEmpty();
  }

  /** The enum value equal to {@code value} ignoring case, or null. */
  String canonical(String value) {
    for (String v : enumValues) {
      if (v.equalsIgnoreCase(value)) {
        return v;
      }
    }
    return null;
  }

  /** The type's name as Temporal spells it in its own messages and CLI. */
  String typeName() {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_DOUBLE -> "Double";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      default -> type.name();
    };
  }

  /** Whether <, <=, >, >= and BETWEEN mean something for this type. */
  boolean isOrdered() {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD,
          INDEXED_VALUE_TYPE_INT,
          INDEXED_VALUE_TYPE_DOUBLE,
          INDEXED_VALUE_TYPE_DATETIME -> true;
      default -> false;
    };
  }
}
