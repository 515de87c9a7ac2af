package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.activity.ActivityExecution;
import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.PauseActivityRequest;
import io.temporal.api.workflowservice.v1.ResetActivityRequest;
import io.temporal.api.workflowservice.v1.UnpauseActivityRequest;
import java.time.Duration;
import java.util.List;

/**
 * The operator controls on a workflow's activities (spec §11): pause, unpause and reset, by activity
 * id, by type, or for all. None writes history or schedules a workflow task.
 */
public final class ActivityOperatorRpcs {
  static final String NOT_FOUND =
      "Can't find pending activity with such ID. Invalid activityID or activity already completed";

  private final Engine engine;

  public ActivityOperatorRpcs(Engine engine) {
    this.engine = engine;
  }

  /** Which activities a request names. */
  private record Target(String id, String type, boolean all) {
    boolean isEmpty() {
      return id.isEmpty() && type.isEmpty() && !all;
    }

    boolean matches(ActivityExecution activity) {
      return all || (!id.isEmpty() && activity.activityId().equals(id)) || (!type.isEmpty() && activity.activityType().equals(type));
    }
  }

  private List<ActivityExecution> pending(String namespace, WorkflowExecution execution, Target target) {
    if (execution.getWorkflowId().isEmpty()) {
      throw EngineException.invalidArgument("WorkflowId is not set on request.");
    }
    if (target.isEmpty()) {
      throw EngineException.invalidArgument("Either Activity.Id or Activity.Type should be set on request.");
    }
    WorkflowRun run = engine.workflows().find(namespace, execution);
    if (!run.isOpen()) {
      throw EngineException.notFound("workflow execution already completed");
    }
    List<ActivityExecution> matching = run.pendingActivitiesById().values().stream().filter(target::matches).toList();
    if (matching.isEmpty()) {
      throw EngineException.notFound(NOT_FOUND);
    }
    return matching;
  }

  public void pause(PauseActivityRequest r) {
    List<ActivityExecution> activities = pending(r.getNamespace(), r.getExecution(), new Target(r.getId(), r.getType(), false));
    activities.forEach(a -> a.pause(r.getRequestId(), r.getIdentity(), r.getReason()));
  }

  public void unpause(UnpauseActivityRequest r) {
    Duration jitter = jitter(r.getJitter());
    pending(r.getNamespace(), r.getExecution(), new Target(r.getId(), r.getType(), r.getUnpauseAll()))
        .forEach(a -> a.unpause(r.getResetAttempts(), r.getResetHeartbeat(), jitter));
  }

  public void reset(ResetActivityRequest r) {
    Duration jitter = jitter(r.getJitter());
    pending(r.getNamespace(), r.getExecution(), new Target(r.getId(), r.getType(), r.getMatchAll()))
        .forEach(a -> a.reset(r.getResetHeartbeat(), r.getKeepPaused(), jitter));
  }

  private static Duration jitter(com.google.protobuf.Duration jitter) {
    if (!ProtoTime.isValid(jitter)) {
      throw EngineException.invalidArgument("Jitter must be a valid, non-negative duration.");
    }
    return ProtoTime.capped(jitter);
  }

  public io.temporal.api.workflowservice.v1.UpdateActivityOptionsResponse updateOptions(
      io.temporal.api.workflowservice.v1.UpdateActivityOptionsRequest r) {
    boolean masked = r.hasUpdateMask() && r.getUpdateMask().getPathsCount() > 0;
    if (masked && r.getRestoreOriginal()) {
      throw EngineException.invalidArgument("Both UpdateMask and RestoreOriginal are provided");
    }
    if (!r.getRestoreOriginal()) {
      if (!r.hasActivityOptions()) {
        throw EngineException.invalidArgument("ActivityOptions are not provided");
      }
      if (!masked) {
        throw EngineException.invalidArgument("UpdateMask is not provided");
      }
    }
    List<ActivityExecution> activities = pending(r.getNamespace(), r.getExecution(), new Target(r.getId(), r.getType(), r.getMatchAll()));
    // everything is validated before anything changes
    List<io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes> updated = activities.stream()
        .map(a -> r.getRestoreOriginal() ? a.originalOptions() : ActivityOptionsUpdate.merged(a, r.getActivityOptions(), r.getUpdateMask()))
        .toList();
    for (int i = 0; i < activities.size(); i++) {
      activities.get(i).updateOptions(updated.get(i));
    }
    return io.temporal.api.workflowservice.v1.UpdateActivityOptionsResponse.newBuilder()
        .setActivityOptions(activities.get(0).currentOptions())
        .build();
  }
}
