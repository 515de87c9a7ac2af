package dev.timewarp.server.internal.payload;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.temporal.api.common.v1.Payload;

/** Payloads the server writes itself, encoded as the SDKs' default converter reads them. */
public final class JsonPayloads {
  private static final ByteString JSON_PLAIN = ByteString.copyFromUtf8("json/plain");

  private JsonPayloads() {}

  /** A string as a {@code json/plain} payload. */
  public static Payload ofString(String value) {
    try {
      String json = JsonFormat.printer().print(Value.newBuilder().setStringValue(value));
      return Payload.newBuilder().putMetadata("encoding", JSON_PLAIN).setData(ByteString.copyFromUtf8(json)).build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a string value always prints as JSON", e);
    }
  }
}
