package dev.timewarp.server.internal.visibility;

import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.IndexedValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Search attribute payloads as the SDKs write them (metadata "encoding" = "json/plain", data = JSON)
 * to and from the {@link VisibilityRow} value types.
 */
public final class SearchAttributeValues {
  private static final String ENCODING = "encoding";
  private static final ByteString JSON_PLAIN = ByteString.copyFromUtf8("json/plain");
  private static final Pattern JSON_INTEGER = Pattern.compile("-?\\d+");

  private SearchAttributeValues() {}

  /**
   * The payload's value as the row type for {@code type}: String, Long, Double, Boolean, Instant or
   * List&lt;String&gt;. Null when the payload is not json/plain, is JSON null, or does not fit the type.
   */
  public static Object decode(Payload payload, IndexedValueType type) {
    if (payload == null || !JSON_PLAIN.equals(payload.getMetadataMap().get(ENCODING))) {
      return null;
    }
    String json = payload.getData().toStringUtf8().trim();
    // Parse integers from the text: JSON numbers go through double and would lose digits past 2^53.
    if (type == IndexedValueType.INDEXED_VALUE_TYPE_INT && JSON_INTEGER.matcher(json).matches()) {
      try {
        return Long.valueOf(json);
      } catch (NumberFormatException tooLarge) {
        return null;
      }
    }
    Value value;
    try {
      Value.Builder b = Value.newBuilder();
      JsonFormat.parser().merge(json, b);
      value = b.build();
    } catch (InvalidProtocolBufferException | RuntimeException notJson) {
      return null;
    }
    return fromJson(value, type);
  }

  /** A custom search attribute of a listed item, typed by the namespace; null when unset or unknown. */
  public static Object custom(String field, Map<String, Payload> attributes, Map<String, IndexedValueType> types) {
    Payload payload = attributes.get(field);
    IndexedValueType type = types.get(field);
    return payload == null || type == null ? null : decode(payload, type);
  }

  /** {@code value} as a json/plain Keyword payload, the shape Count's GROUP BY values take. */
  public static Payload keywordPayload(String value) {
    // typed like the real server's group values, so the SDKs' search-attribute decoding reads it
    return dev.timewarp.server.internal.payload.JsonPayloads.ofString(value).toBuilder()
        .putMetadata("type", ByteString.copyFromUtf8("Keyword"))
        .build();
  }

  private static Object fromJson(Value v, IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD, INDEXED_VALUE_TYPE_TEXT -> string(single(v));
      case INDEXED_VALUE_TYPE_INT -> {
        Value s = single(v);
        double d = s.getNumberValue();
        yield s.hasNumberValue() && d == Math.rint(d) && Math.abs(d) < 0x1p63 ? Long.valueOf((long) d) : null;
      }
      case INDEXED_VALUE_TYPE_DOUBLE -> {
        Value s = single(v);
        yield s.hasNumberValue() ? Double.valueOf(s.getNumberValue()) : null;
      }
      case INDEXED_VALUE_TYPE_BOOL -> {
        Value s = single(v);
        yield s.hasBoolValue() ? Boolean.valueOf(s.getBoolValue()) : null;
      }
      case INDEXED_VALUE_TYPE_DATETIME -> {
        String s = string(single(v));
        yield s == null ? null : Literals.parseTime(s);
      }
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> keywordList(v);
      default -> null;
    };
  }

  /** Some SDKs wrap single values in a one-element array; unwrap that. */
  private static Value single(Value v) {
    return v.hasListValue() && v.getListValue().getValuesCount() == 1 ? v.getListValue().getValues(0) : v;
  }

  private static String string(Value v) {
    return v.hasStringValue() ? v.getStringValue() : null;
  }

  /** An array of strings, or a lone string as a one-element list; empty counts as absent. */
  private static List<String> keywordList(Value v) {
    if (v.hasStringValue()) {
      return List.of(v.getStringValue());
    }
    if (!v.hasListValue() || v.getListValue().getValuesCount() == 0) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Value e : v.getListValue().getValuesList()) {
      if (!e.hasStringValue()) {
        return null;
      }
      out.add(e.getStringValue());
    }
    return List.copyOf(out);
  }
}
