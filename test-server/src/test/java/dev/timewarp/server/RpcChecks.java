package dev.timewarp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;

/** Shared checks and values for the hand-made RPC tests. */
public final class RpcChecks {
  private RpcChecks() {}

  /** The call fails with exactly this gRPC status code and message. */
  public static void assertStatus(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isEqualTo(message);
    });
  }

  /** An application failure of type "Boom", as a worker would report one. */
  static Failure appFailure(String message) {
    return Failure.newBuilder()
        .setMessage(message)
        .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder().setType("Boom"))
        .build();
  }
}
