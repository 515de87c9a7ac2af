package dev.timewarp.server.internal.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.timewarp.server.internal.engine.EngineException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps engine refusals to gRPC statuses (with Temporal's error details); anything else is a bug. */
final class Statuses {
  private static final Logger log = LoggerFactory.getLogger(Statuses.class);

  private Statuses() {}

  static StatusRuntimeException toStatus(Throwable error) {
    if (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
      error = error.getCause();
    }
    if (error instanceof StatusRuntimeException status) {
      return status;
    }
    if (error instanceof EngineException refused) {
      com.google.rpc.Status.Builder status =
          com.google.rpc.Status.newBuilder()
              .setCode(code(refused.code()).value())
              .setMessage(refused.getMessage());
      for (Message detail : refused.details()) {
        status.addDetails(Any.pack(detail));
      }
      return StatusProto.toStatusRuntimeException(status.build());
    }
    log.error("Internal error while serving a request", error);
    return Status.INTERNAL
        .withDescription("Timewarp internal error: " + error)
        .withCause(error)
        .asRuntimeException();
  }

  private static Status.Code code(EngineException.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
      case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
      case ABORTED -> Status.Code.ABORTED;
      case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
      case UNIMPLEMENTED -> Status.Code.UNIMPLEMENTED;
      case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }
}
