package dev.timewarp.server;

import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.Failure;
import java.time.Instant;
import java.util.Optional;

/**
 * One attempt of an activity, in virtual time.
 *
 * @param number the attempt number, from 1
 * @param scheduledTime when the attempt became due (after its retry backoff)
 * @param startedTime when a worker picked it up, if one did
 * @param workerIdentity the worker that picked it up ("" if none)
 * @param closedTime when the attempt ended, if it has
 * @param outcome how it ended
 * @param failure the failure or timeout that ended it, if any
 * @param heartbeatCount heartbeats recorded during the attempt
 * @param lastHeartbeatDetails the details of its last heartbeat, if any
 */
public record AttemptRecord(
    int number,
    Instant scheduledTime,
    Optional<Instant> startedTime,
    String workerIdentity,
    Optional<Instant> closedTime,
    Outcome outcome,
    Optional<Failure> failure,
    int heartbeatCount,
    Optional<Payloads> lastHeartbeatDetails) {

  /** How an attempt ended. */
  public enum Outcome {
    RUNNING,
    COMPLETED,
    FAILED,
    TIMED_OUT,
    CANCELED,
    /** Ended without running: cancelled or timed out while queued or backing off. */
    NOT_STARTED
  }
}
