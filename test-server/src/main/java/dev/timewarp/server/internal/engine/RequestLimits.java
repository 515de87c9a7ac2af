package dev.timewarp.server.internal.engine;

/**
 * The real server's length limit on names and ids (limit.maxIDLength) and the checks every
 * request handler shares, with the server's messages.
 */
public final class RequestLimits {
  /** Activity and workflow ids and types, task queue names, identities, marker and signal names. */
  public static final int MAX_LENGTH = 1000;

  private RequestLimits() {}

  /** A task queue a request names: required, and within the limit. */
  public static void checkTaskQueueName(String name) {
    if (name.isEmpty()) {
      throw EngineException.invalidArgument("missing task queue name");
    }
    if (name.length() > MAX_LENGTH) {
      throw EngineException.invalidArgument("taskQueue length exceeds limit");
    }
  }

  public static void checkIdentity(String identity) {
    if (identity.length() > MAX_LENGTH) {
      throw EngineException.invalidArgument("Identity length exceeds limit.");
    }
  }
}
