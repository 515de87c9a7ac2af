package dev.timewarp.server.internal.activity;

import dev.timewarp.server.internal.engine.RequestLimits;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.TaskQueueKind;
import java.time.Duration;
import java.util.Optional;

/**
 * Validates a ScheduleActivityTask command in the real server's order and normalises its
 * timeouts and retry policy into what the ActivityTaskScheduled event carries. Failures are
 * INVALID_ARGUMENT with the server's message; the caller turns them into a failed workflow task.
 */
public final class ActivityScheduling {
  private static final int MAX_ID_LENGTH = RequestLimits.MAX_LENGTH;
  private static final String RESERVED_QUEUE_PREFIX = "/_sys/";

  private ActivityScheduling() {}

  public static ScheduleActivityTaskCommandAttributes normalize(
      ScheduleActivityTaskCommandAttributes attributes, Duration runTimeout) {
    ScheduleActivityTaskCommandAttributes.Builder b = attributes.toBuilder();
    if (!attributes.hasTaskQueue()) {
      throw invalid("taskQueue is not set");
    }
    String queue = attributes.getTaskQueue().getName();
    RequestLimits.checkTaskQueueName(queue);
    if (queue.startsWith(RESERVED_QUEUE_PREFIX)) {
      throw invalid("task queue name cannot start with reserved prefix " + RESERVED_QUEUE_PREFIX);
    }
    if (attributes.getTaskQueue().getKind() == TaskQueueKind.TASK_QUEUE_KIND_UNSPECIFIED) {
      b.getTaskQueueBuilder().setKind(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
    }
    if (attributes.getActivityId().isEmpty()) {
      throw invalid("activityId is not set");
    }
    if (attributes.getActivityType().getName().isEmpty()) {
      throw invalid("activityType is not set");
    }
    RetryPolicy policy = RetryPolicies.withDefaults(attributes.getRetryPolicy());
    Optional<String> policyError = RetryPolicies.validate(policy);
    if (policyError.isPresent()) {
      throw invalid(policyError.get());
    }
    b.setRetryPolicy(policy);
    if (attributes.getActivityId().length() > MAX_ID_LENGTH) {
      throw invalid(
          "activityId exceeds length limit. Length="
              + attributes.getActivityId().length()
              + " Limit="
              + MAX_ID_LENGTH);
    }
    if (attributes.getActivityType().getName().length() > MAX_ID_LENGTH) {
      throw invalid(
          "activityType exceeds length limit. Length="
              + attributes.getActivityType().getName().length()
              + " Limit="
              + MAX_ID_LENGTH);
    }
    if (attributes.getPriority().getPriorityKey() < 0) {
      throw invalid("invalid priorities: priority key can't be negative");
    }
    Duration scheduleToClose =
        checked("ScheduleToCloseTimeout", attributes.getScheduleToCloseTimeout());
    Duration scheduleToStart =
        checked("ScheduleToStartTimeout", attributes.getScheduleToStartTimeout());
    Duration startToClose = checked("StartToCloseTimeout", attributes.getStartToCloseTimeout());
    Duration heartbeat = checked("HeartbeatTimeout", attributes.getHeartbeatTimeout());

    if (positive(scheduleToClose)) {
      scheduleToStart = positive(scheduleToStart) ? min(scheduleToStart, scheduleToClose) : scheduleToClose;
      startToClose = positive(startToClose) ? min(startToClose, scheduleToClose) : scheduleToClose;
    } else if (positive(startToClose)) {
      scheduleToClose = runTimeout;
      if (!positive(scheduleToStart)) {
        scheduleToStart = runTimeout;
      }
    } else {
      throw invalid(
          "a valid StartToCloseTimeout or ScheduleToCloseTimeout must be set on the activity."
              + " ActivityId="
              + attributes.getActivityId()
              + " ActivityType="
              + attributes.getActivityType().getName());
    }
    if (positive(runTimeout)) {
      scheduleToClose = capAt(scheduleToClose, runTimeout);
      scheduleToStart = capAt(scheduleToStart, runTimeout);
      startToClose = capAt(startToClose, runTimeout);
      heartbeat = capAt(heartbeat, runTimeout);
    }
    heartbeat = min(heartbeat, startToClose);
    return b.setScheduleToCloseTimeout(ProtoTime.duration(scheduleToClose))
        .setScheduleToStartTimeout(ProtoTime.duration(scheduleToStart))
        .setStartToCloseTimeout(ProtoTime.duration(startToClose))
        .setHeartbeatTimeout(ProtoTime.duration(heartbeat))
        .build();
  }

  private static Duration checked(String name, com.google.protobuf.Duration value) {
    if (!ProtoTime.isValid(value)) {
      throw invalid("invalid " + name + ": negative duration");
    }
    return ProtoTime.capped(value);
  }

  private static boolean positive(Duration d) {
    return !d.isZero() && !d.isNegative();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration capAt(Duration value, Duration cap) {
    return positive(value) ? min(value, cap) : value;
  }

  private static EngineException invalid(String message) {
    return EngineException.invalidArgument(message);
  }
}
