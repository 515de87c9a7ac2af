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

  void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel();
    }
  }
}
