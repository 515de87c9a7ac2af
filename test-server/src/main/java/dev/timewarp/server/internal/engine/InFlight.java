package dev.timewarp.server.internal.engine;

/**
 * One reason the server is busy right now. Busy-ness is always recomputed from state, never
 * counted, so nothing can leak.
 */
public record InFlight(Kind kind, String description, long graceEndsNanos) {
  /**
   * How long an explicit advance waits for a running activity attempt to answer before moving on
   * (wall time from its start): long enough for ordinary activities, short enough that a test can
   * advance past an attempt completed asynchronously, or one that hangs.
   */
  public static final long ACTIVITY_GRACE_NANOS = 500_000_000L;

  public InFlight(Kind kind, String description) {
    this(kind, description, 0);
  }

  /** What kind of work is in flight; decides whether an explicit advance waits for it. */
  public enum Kind {
    /** A client holds a time-skipping lock. */
    CLIENT_LOCK,
    /** A workflow task is queued for a live poller or owed by a worker. */
    WORKFLOW_TASK,
    /** A workflow task is queued on a task queue nobody polls: progress needs a worker to come. */
    WORKFLOW_TASK_UNPOLLED,
    /** An activity task is queued on a task queue with a live poller. */
    ACTIVITY_TASK_QUEUED,
    /** An activity attempt is running on a worker. */
    ACTIVITY_RUNNING,
    /** A query is waiting for a worker. */
    QUERY
  }

  /** Whether an explicit advance should wait for this before moving time again. */
  public boolean settlesSoon() {
    return switch (kind) {
      case WORKFLOW_TASK, ACTIVITY_TASK_QUEUED, QUERY -> true;
      case ACTIVITY_RUNNING -> System.nanoTime() - graceEndsNanos < 0;
      default -> false;
    };
  }

  @Override
  public String toString() {
    return description;
  }
}
