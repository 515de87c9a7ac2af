package dev.timewarp.server.internal.visibility;

import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT;
import static io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_UNSPECIFIED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.internal.common.SearchAttributesUtil;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding search attribute payloads into row values, and the keyword payload Count GROUP BY returns. */
class SearchAttributeValuesTest {

  /** The shape the Java SDK writes: metadata encoding=json/plain (bytes), data = JSON text. */
  private static Payload json(String data) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(data))
        .build();
  }

  private static Object decode(String data, IndexedValueType type) {
    return SearchAttributeValues.decode(json(data), type);
  }

  @Test
  void decodesEachType() {
    assertThat(decode("\"abc\"", INDEXED_VALUE_TYPE_KEYWORD)).isEqualTo("abc");
    assertThat(decode("\"two words\"", INDEXED_VALUE_TYPE_TEXT)).isEqualTo("two words");
    assertThat(decode("42", INDEXED_VALUE_TYPE_INT)).isEqualTo(42L);
    assertThat(decode("-7", INDEXED_VALUE_TYPE_INT)).isEqualTo(-7L);
    assertThat(decode("1.5", INDEXED_VALUE_TYPE_DOUBLE)).isEqualTo(1.5);
    assertThat(decode("3", INDEXED_VALUE_TYPE_DOUBLE)).isEqualTo(3.0);
    assertThat(decode("true", INDEXED_VALUE_TYPE_BOOL)).isEqualTo(true);
    assertThat(decode("false", INDEXED_VALUE_TYPE_BOOL)).isEqualTo(false);
    assertThat(decode("\"2024-01-02T03:04:05Z\"", INDEXED_VALUE_TYPE_DATETIME))
        .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
    assertThat(decode("[\"a\",\"b\"]", INDEXED_VALUE_TYPE_KEYWORD_LIST)).isEqualTo(List.of("a", "b"));
  }

  @Test
  void intsKeepEveryDigitBeyondDoublePrecision() {
    // 2^53 + 1: a double would round it to 2^53.
    assertThat(decode("9007199254740993", INDEXED_VALUE_TYPE_INT)).isEqualTo(9007199254740993L);
    assertThat(decode(" 12 ", INDEXED_VALUE_TYPE_INT)).isEqualTo(12L);
    assertThat(decode("12.0", INDEXED_VALUE_TYPE_INT)).isEqualTo(12L);
  }

  @Test
  void datetimesWithOffsetsAndFractions() {
    assertThat(decode("\"2024-01-02T05:04:05.123456789+02:00\"", INDEXED_VALUE_TYPE_DATETIME))
        .isEqualTo(Instant.parse("2024-01-02T03:04:05.123456789Z"));
  }

  @Test
  void singleValuesAndOneElementListsAreUnwrapped() {
    assertThat(decode("\"a\"", INDEXED_VALUE_TYPE_KEYWORD_LIST)).isEqualTo(List.of("a"));
    assertThat(decode("[\"a\"]", INDEXED_VALUE_TYPE_KEYWORD)).isEqualTo("a");
    assertThat(decode("[5]", INDEXED_VALUE_TYPE_INT)).isEqualTo(5L);
  }

  @ParameterizedTest(name = "{0} as {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"abc\"            | INDEXED_VALUE_TYPE_INT",
        "1.5                | INDEXED_VALUE_TYPE_INT",
        "1e30               | INDEXED_VALUE_TYPE_INT",
        "99999999999999999999 | INDEXED_VALUE_TYPE_INT",
        "42                 | INDEXED_VALUE_TYPE_KEYWORD",
        "true               | INDEXED_VALUE_TYPE_TEXT",
        "\"1.5\"            | INDEXED_VALUE_TYPE_DOUBLE",
        "\"yes\"            | INDEXED_VALUE_TYPE_BOOL",
        "\"not a time\"     | INDEXED_VALUE_TYPE_DATETIME",
        "12345              | INDEXED_VALUE_TYPE_DATETIME",
        "[1,2]              | INDEXED_VALUE_TYPE_KEYWORD_LIST",
        "[]                 | INDEXED_VALUE_TYPE_KEYWORD_LIST",
        "[\"a\",\"b\"]      | INDEXED_VALUE_TYPE_KEYWORD",
        "null               | INDEXED_VALUE_TYPE_KEYWORD",
        "{\"a\":1}          | INDEXED_VALUE_TYPE_KEYWORD",
        "{                  | INDEXED_VALUE_TYPE_KEYWORD",
        "\"abc             | INDEXED_VALUE_TYPE_KEYWORD",
        "\"abc\"            | INDEXED_VALUE_TYPE_UNSPECIFIED",
      })
  void undecodableDataIsNull(String data, IndexedValueType type) {
    assertThat(decode(data, type)).isNull();
  }

  @Test
  void payloadsThatAreNotJsonPlainAreNull() {
    Payload binary =
        json("\"abc\"").toBuilder().putMetadata("encoding", ByteString.copyFromUtf8("binary/plain")).build();
    Payload nullPayload =
        Payload.newBuilder().putMetadata("encoding", ByteString.copyFromUtf8("binary/null")).build();
    Payload noMetadata = Payload.newBuilder().setData(ByteString.copyFromUtf8("\"abc\"")).build();
    assertThat(SearchAttributeValues.decode(binary, INDEXED_VALUE_TYPE_KEYWORD)).isNull();
    assertThat(SearchAttributeValues.decode(nullPayload, INDEXED_VALUE_TYPE_KEYWORD)).isNull();
    assertThat(SearchAttributeValues.decode(noMetadata, INDEXED_VALUE_TYPE_KEYWORD)).isNull();
    assertThat(SearchAttributeValues.decode(null, INDEXED_VALUE_TYPE_KEYWORD)).isNull();
  }

  @Test
  void decodesWhatTheJavaSdkEncodes() {
    SearchAttributeKey<String> keyword = SearchAttributeKey.forKeyword("K");
    SearchAttributeKey<String> text = SearchAttributeKey.forText("T");
    SearchAttributeKey<Long> number = SearchAttributeKey.forLong("I");
    SearchAttributeKey<Double> dbl = SearchAttributeKey.forDouble("D");
    SearchAttributeKey<Boolean> bool = SearchAttributeKey.forBoolean("B");
    SearchAttributeKey<OffsetDateTime> time = SearchAttributeKey.forOffsetDateTime("Dt");
    SearchAttributeKey<List<String>> list = SearchAttributeKey.forKeywordList("L");
    OffsetDateTime when = OffsetDateTime.of(2024, 1, 2, 5, 4, 5, 500_000_000, ZoneOffset.ofHours(2));
    Map<String, Payload> fields =
        SearchAttributesUtil.encodeTyped(
                SearchAttributes.newBuilder()
                    .set(keyword, "k \"1\"")
                    .set(text, "some text")
                    .set(number, Long.MAX_VALUE)
                    .set(dbl, 2.25)
                    .set(bool, true)
                    .set(time, when)
                    .set(list, List.of("x", "y"))
                    .build())
            .getIndexedFieldsMap();

    assertThat(SearchAttributeValues.decode(fields.get("K"), INDEXED_VALUE_TYPE_KEYWORD)).isEqualTo("k \"1\"");
    assertThat(SearchAttributeValues.decode(fields.get("T"), INDEXED_VALUE_TYPE_TEXT)).isEqualTo("some text");
    assertThat(SearchAttributeValues.decode(fields.get("I"), INDEXED_VALUE_TYPE_INT)).isEqualTo(Long.MAX_VALUE);
    assertThat(SearchAttributeValues.decode(fields.get("D"), INDEXED_VALUE_TYPE_DOUBLE)).isEqualTo(2.25);
    assertThat(SearchAttributeValues.decode(fields.get("B"), INDEXED_VALUE_TYPE_BOOL)).isEqualTo(true);
    assertThat(SearchAttributeValues.decode(fields.get("Dt"), INDEXED_VALUE_TYPE_DATETIME))
        .isEqualTo(when.toInstant());
    assertThat(SearchAttributeValues.decode(fields.get("L"), INDEXED_VALUE_TYPE_KEYWORD_LIST))
        .isEqualTo(List.of("x", "y"));
  }

  @Test
  void keywordPayloadIsJsonPlainAndRoundTrips() {
    Payload p = SearchAttributeValues.keywordPayload("Running");
    assertThat(p.getMetadataMap()).containsEntry("encoding", ByteString.copyFromUtf8("json/plain"));
    assertThat(p.getData().toStringUtf8()).isEqualTo("\"Running\"");
    for (String s : List.of("", "it's \"quoted\"", "back\\slash", "line\nbreak", "ünïcødé ✓")) {
      assertThat(SearchAttributeValues.decode(SearchAttributeValues.keywordPayload(s), INDEXED_VALUE_TYPE_KEYWORD))
          .isEqualTo(s);
    }
  }

  @Test
  void keywordPayloadIsReadableAsASearchAttributeByTheJavaSdk() {
    Payload p = SearchAttributeValues.keywordPayload("Running");
    assertThat((java.util.List<Object>) io.temporal.internal.common.SearchAttributesUtil.decode(p)).containsExactly("Running");
  }

  @Test
  void keywordPayloadIsReadableByTheJavaSdksDataConverter() {
    Payload p = SearchAttributeValues.keywordPayload("it's \"Completed\"");
    assertThat(DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p, String.class, String.class))
        .isEqualTo("it's \"Completed\"");
  }
}
