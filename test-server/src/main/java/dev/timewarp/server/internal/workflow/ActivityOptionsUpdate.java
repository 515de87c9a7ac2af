package dev.timewarp.server.internal.workflow;

import com.google.protobuf.FieldMask;
import dev.timewarp.server.internal.activity.ActivityExecution;
import dev.timewarp.server.internal.activity.ActivityScheduling;
import dev.timewarp.server.internal.engine.EngineException;
import io.temporal.api.activity.v1.ActivityOptions;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import java.time.Duration;

/** Applies an UpdateActivityOptions field mask to an activity's current options and re-validates. */
final class ActivityOptionsUpdate {
  private ActivityOptionsUpdate() {}

  static ScheduleActivityTaskCommandAttributes merged(ActivityExecution activity, ActivityOptions update, FieldMask mask) {
    ActivityOptions.Builder merged = activity.currentOptions().toBuilder();
    for (String path : mask.getPathsList()) {
      switch (path) {
        case "task_queue", "task_queue.name" -> merged.getTaskQueueBuilder().setName(update.getTaskQueue().getName());
        case "schedule_to_close_timeout" -> merged.setScheduleToCloseTimeout(update.getScheduleToCloseTimeout());
        case "schedule_to_start_timeout" -> merged.setScheduleToStartTimeout(update.getScheduleToStartTimeout());
        case "start_to_close_timeout" -> merged.setStartToCloseTimeout(update.getStartToCloseTimeout());
        case "heartbeat_timeout" -> merged.setHeartbeatTimeout(update.getHeartbeatTimeout());
        case "priority" -> merged.setPriority(update.getPriority());
        case "priority.priority_key" -> merged.getPriorityBuilder().setPriorityKey(update.getPriority().getPriorityKey());
        case "priority.fairness_key" -> merged.getPriorityBuilder().setFairnessKey(update.getPriority().getFairnessKey());
        case "priority.fairness_weight" -> merged.getPriorityBuilder().setFairnessWeight(update.getPriority().getFairnessWeight());
        case "retry_policy" -> merged.setRetryPolicy(update.getRetryPolicy());
        case "retry_policy.initial_interval" -> merged.getRetryPolicyBuilder().setInitialInterval(update.getRetryPolicy().getInitialInterval());
        case "retry_policy.backoff_coefficient" -> merged.getRetryPolicyBuilder().setBackoffCoefficient(update.getRetryPolicy().getBackoffCoefficient());
        case "retry_policy.maximum_interval" -> merged.getRetryPolicyBuilder().setMaximumInterval(update.getRetryPolicy().getMaximumInterval());
        case "retry_policy.maximum_attempts" -> merged.getRetryPolicyBuilder().setMaximumAttempts(update.getRetryPolicy().getMaximumAttempts());
        default -> throw EngineException.invalidArgument("Invalid path in update mask: " + path);
      }
    }
    ScheduleActivityTaskCommandAttributes.Builder attributes = activity.originalOptions().toBuilder()
        .setTaskQueue(merged.getTaskQueue().toBuilder().clearNormalName())
        .setScheduleToCloseTimeout(merged.getScheduleToCloseTimeout())
        .setScheduleToStartTimeout(merged.getScheduleToStartTimeout())
        .setStartToCloseTimeout(merged.getStartToCloseTimeout())
        .setHeartbeatTimeout(merged.getHeartbeatTimeout())
        .setRetryPolicy(merged.getRetryPolicy());
    if (merged.hasPriority()) {
      attributes.setPriority(merged.getPriority());
    }
    // the same rules as scheduling, without capping at the run timeout
    return ActivityScheduling.normalize(attributes.build(), Duration.ZERO);
  }
}
