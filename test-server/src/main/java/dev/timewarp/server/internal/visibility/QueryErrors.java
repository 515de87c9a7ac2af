package dev.timewarp.server.internal.visibility;

import dev.timewarp.server.internal.engine.EngineException;

/** Every rejected query is INVALID_ARGUMENT with one common prefix, as the real server's are. */
final class QueryErrors {
  private QueryErrors() {}

  static EngineException invalid(String detail) {
    return EngineException.invalidArgument("invalid query: " + detail);
  }

  static EngineException at(String detail, Token token) {
    return invalid(detail + " at position " + token.position());
  }
}
