package dev.timewarp.server.internal.activity;

import dev.timewarp.server.AttemptRecord.Outcome;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.Failure;
import java.time.Instant;
import java.util.Optional;

/**
 * What happened in one attempt of an activity: the history shows only the last attempt, this
 * record keeps them all for tests and assertions.
 */
final class ActivityAttempt {
  final int number;
  final Instant scheduledTime;
  Instant startedTime;
  String workerIdentity = "";
  Instant closedTime;
  Outcome outcome = Outcome.RUNNING;
  Failure failure;
  int heartbeatCount;
  Payloads lastHeartbeatDetails;

  ActivityAttempt(int number, Instant scheduledTime) {
    this.number = number;
    this.scheduledTime = scheduledTime;
  }

  void end(Outcome how, Instant at, Failure cause) {
    outcome = how;
    closedTime = at;
    failure = cause;
  }

  dev.timewarp.server.AttemptRecord toRecord() {
    return new dev.timewarp.server.AttemptRecord(
        number,
        scheduledTime,
        Optional.ofNullable(startedTime),
        workerIdentity,
        Optional.ofNullable(closedTime),
        outcome,
        Optional.ofNullable(failure),
        heartbeatCount,
        Optional.ofNullable(lastHeartbeatDetails));
  }
}
