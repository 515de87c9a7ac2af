package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.time.Deadline;

/** A workflow timer between TimerStarted and TimerFired/TimerCanceled. */
final class UserTimer {
  final String timerId;
  final long startedEventId;
  Deadline deadline;

  UserTimer(String timerId, long startedEventId) {
    this.timerId = timerId;
    this.startedEventId = startedEventId;
  }

  /** Fires at {@code fireAt} unless the run ends first (a timer past the run's end never fires). */
  void arm(WorkflowRun run, java.time.Instant fireAt) {
    boolean beforeRunEnds = run.runExpiration().map(end -> !fireAt.isAfter(end)).orElse(true);
    if (beforeRunEnds) {
      deadline = run.schedule(fireAt, "timer " + timerId + " of " + run.describe(), () -> fire(run));
    }
  }

  private void fire(WorkflowRun run) {
    if (!run.isOpen() || run.timers().get(timerId) != this) {
      return;
    }
    run.timers().remove(timerId);
    run.addWorkflowEvent(
        run.newEvent(io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED)
            .setTimerFiredEventAttributes(
                io.temporal.api.history.v1.TimerFiredEventAttributes.newBuilder()
                    .setTimerId(timerId)
                    .setStartedEventId(startedEventId)));
  }

  void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel();
    }
  }
}
