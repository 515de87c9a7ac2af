package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.time.Deadline;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * The run's current workflow task. Attempt 1 writes its Scheduled and Started events at once;
 * later attempts are transient: their events are only shown to the worker, and written when the
 * task completes, as the real server does. A speculative task (one that only delivers updates)
 * is shown the same way and vanishes if the worker merely rejects them.
 */
final class WorkflowTask {
  enum State {
    SCHEDULED,
    STARTED
  }

  /** Whether the task belongs in history from the start, or only if it changes the workflow. */
  enum Kind {
    NORMAL,
    SPECULATIVE
  }

  final int attempt;
  final long sequence;
  final Instant scheduledTime;
  /** Schedule time of the first task in a chain of heartbeats (local activities). */
  Instant originalScheduledTime;
  final Duration startToCloseTimeout;
  State state = State.SCHEDULED;
  Kind kind = Kind.NORMAL;
  long scheduledEventId;
  long startedEventId;
  Instant startedTime;
  String identity = "";
  String requestId = "";
  Deadline timeout;
  /** The sticky queue it waits on (the worker holding the run in its cache), or null. */
  String stickyQueue;
  /** How long it may wait on the sticky queue before going to the normal queue. */
  Deadline stickyScheduleToStart;
  /** Its worker was declared gone: not in flight any more, and its answer is refused. */
  boolean workerLost;
  /** For transient attempts: the two events the worker is shown, written on completion. */
  HistoryEvent transientScheduled;
  HistoryEvent transientStarted;

  WorkflowTask(int attempt, long sequence, Instant scheduledTime, Duration startToCloseTimeout) {
    this.attempt = attempt;
    this.sequence = sequence;
    this.scheduledTime = scheduledTime;
    this.originalScheduledTime = scheduledTime;
    this.startToCloseTimeout = startToCloseTimeout;
  }

  boolean isTransient() {
    return attempt > 1;
  }

  boolean isSpeculative() {
    return kind == Kind.SPECULATIVE;
  }

  /** Its Scheduled and Started events are so far only shown to the worker, not written. */
  boolean hasUnwrittenEvents() {
    return isTransient() || isSpeculative();
  }

  boolean isStarted() {
    return state == State.STARTED;
  }

  void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel();
    }
    if (stickyScheduleToStart != null) {
      stickyScheduleToStart.cancel();
    }
  }
}
