package dev.timewarp.server.internal.engine;

import com.google.protobuf.Message;
import java.util.List;

/**
 * A request the engine refuses, with the gRPC status code and message the real server would use.
 * Thrown before any state is changed.
 */
public final class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The subset of gRPC codes the engine answers with. */
  public enum Code {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    FAILED_PRECONDITION,
    PERMISSION_DENIED,
    ABORTED,
    RESOURCE_EXHAUSTED,
    UNIMPLEMENTED,
    DEADLINE_EXCEEDED,
    INTERNAL
  }

  private final Code code;
  private final transient List<Message> details;

  public EngineException(Code code, String message, List<Message> details) {
    super(message, null, false, false);
    this.code = code;
    this.details = List.copyOf(details);
  }

  public Code code() {
    return code;
  }

  public List<Message> details() {
    return details;
  }

  public static EngineException invalidArgument(String message) {
    return new EngineException(Code.INVALID_ARGUMENT, message, List.of());
  }

  public static EngineException notFound(String message) {
    return new EngineException(Code.NOT_FOUND, message, List.of());
  }

  public static EngineException failedPrecondition(String message) {
    return new EngineException(Code.FAILED_PRECONDITION, message, List.of());
  }

  public static EngineException alreadyExists(String message, Message detail) {
    return new EngineException(Code.ALREADY_EXISTS, message, List.of(detail));
  }
}
