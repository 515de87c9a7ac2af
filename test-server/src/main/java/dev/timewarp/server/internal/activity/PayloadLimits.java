package dev.timewarp.server.internal.activity;

import com.google.protobuf.MessageLite;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.ServerFailureInfo;

/** The real server's size limits on payloads and stored failures. */
public final class PayloadLimits {
  /** limit.blobSize.error: any single input, result, details or failure blob. */
  public static final int BLOB_BYTES = 2 * 1024 * 1024;
  /** limit.mutableStateActivityFailureSize.error: a retryable failure kept in activity state. */
  static final int STORED_FAILURE_BYTES = 4 * 1024;
  private static final int TRUNCATED_MESSAGE_CHARS = 1024;

  private PayloadLimits() {}

  public static boolean tooLarge(MessageLite blob) {
    return blob.getSerializedSize() > BLOB_BYTES;
  }

  /** A non-retryable failure the server writes in place of something it refused. */
  public static Failure serverFailure(String message, boolean nonRetryable) {
    return Failure.newBuilder()
        .setMessage(message)
        .setSource("Server")
        .setServerFailureInfo(ServerFailureInfo.newBuilder().setNonRetryable(nonRetryable))
        .build();
  }

  /** The original failure cut down to its kind and the start of its message. */
  public static Failure truncated(Failure failure) {
    String message = failure.getMessage();
    Failure.Builder copy = failure.toBuilder().clearStackTrace().clearEncodedAttributes().clearCause();
    if (message.length() > TRUNCATED_MESSAGE_CHARS) {
      copy.setMessage(message.substring(0, TRUNCATED_MESSAGE_CHARS));
    }
    if (copy.hasApplicationFailureInfo()) {
      copy.getApplicationFailureInfoBuilder().clearDetails();
    }
    return copy.build();
  }

  /** A retryable failure as it is kept between attempts: wrapped when it is too large. */
  static Failure forStorage(Failure failure) {
    if (failure.getSerializedSize() <= STORED_FAILURE_BYTES) {
      return failure;
    }
    return serverFailure("Failure exceeds size limit.", false).toBuilder().setCause(truncated(failure)).build();
  }
}
