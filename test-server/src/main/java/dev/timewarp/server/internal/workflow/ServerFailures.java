package dev.timewarp.server.internal.workflow;

import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.ServerFailureInfo;

/** Failures the server itself writes into history. */
final class ServerFailures {
  private ServerFailures() {}

  static Failure of(String message) {
    return Failure.newBuilder()
        .setMessage(message)
        .setSource("Server")
        .setServerFailureInfo(ServerFailureInfo.newBuilder().setNonRetryable(false))
        .build();
  }
}
