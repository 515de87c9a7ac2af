package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.activity.ActivityExecution;
import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.time.ProtoTime;
import dev.timewarp.server.internal.activity.StandaloneActivities;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.PauseActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.PauseActivityRequest;
import io.temporal.api.workflowservice.v1.ResetActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.ResetActivityRequest;
import io.temporal.api.workflowservice.v1.UnpauseActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.UnpauseActivityRequest;
import io.temporal.api.workflowservice.v1.UpdateActivityExecutionOptionsRequest;
import java.time.Duration;
import java.util.List;

/**
 * The operator controls (spec §11): pause, unpause, reset and option updates of a workflow's
 * activities by id, by type, or for all (none writes history or schedules a workflow task), and
 * the {@code *ActivityExecution} forms, which name a workflow's activity or a standalone one (§12.3).
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
    checkOptionsUpdate(r.hasActivityOptions(), r.hasUpdateMask() && r.getUpdateMask().getPathsCount() > 0, r.getRestoreOriginal());
    List<ActivityExecution> activities = pending(r.getNamespace(), r.getExecution(), new Target(r.getId(), r.getType(), r.getMatchAll()));
    return io.temporal.api.workflowservice.v1.UpdateActivityOptionsResponse.newBuilder()
        .setActivityOptions(applyOptions(activities, r.getActivityOptions(), r.getUpdateMask(), r.getRestoreOriginal()))
        .build();
  }

  private static void checkOptionsUpdate(boolean hasOptions, boolean masked, boolean restoreOriginal) {
    if (masked && restoreOriginal) {
      throw EngineException.invalidArgument("Both UpdateMask and RestoreOriginal are provided");
    }
    if (!restoreOriginal) {
      if (!hasOptions) {
        throw EngineException.invalidArgument("ActivityOptions are not provided");
      }
      if (!masked) {
        throw EngineException.invalidArgument("UpdateMask is not provided");
      }
    }
  }

  /** Validates the new options of every activity before changing any; answers the first one's. */
  private static io.temporal.api.activity.v1.ActivityOptions applyOptions(List<ActivityExecution> activities,
      io.temporal.api.activity.v1.ActivityOptions update, com.google.protobuf.FieldMask mask, boolean restoreOriginal) {
    List<io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes> updated = activities.stream()
        .map(a -> restoreOriginal ? a.originalOptions() : ActivityOptionsUpdate.merged(a, update, mask))
        .toList();
    for (int i = 0; i < activities.size(); i++) {
      activities.get(i).updateOptions(updated.get(i));
    }
    return activities.get(0).currentOptions();
  }

  // ---- the *ActivityExecution forms: a workflow's activity when workflow_id is set, else standalone

  private static WorkflowExecution workflowOf(String workflowId, String runId) {
    return WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId).build();
  }

  public void pauseExecution(PauseActivityExecutionRequest r) {
    if (!r.getWorkflowId().isEmpty()) {
      pause(PauseActivityRequest.newBuilder().setNamespace(r.getNamespace())
          .setExecution(workflowOf(r.getWorkflowId(), r.getRunId())).setId(r.getActivityId()).setIdentity(r.getIdentity())
          .setReason(r.getReason()).setRequestId(r.getRequestId()).build());
      return;
    }
    engine.standaloneActivities().pause(r);
  }

  public void unpauseExecution(UnpauseActivityExecutionRequest r) {
    Duration jitter = jitter(r.getJitter());
    if (!r.getWorkflowId().isEmpty()) {
      unpause(UnpauseActivityRequest.newBuilder().setNamespace(r.getNamespace())
          .setExecution(workflowOf(r.getWorkflowId(), r.getRunId())).setId(r.getActivityId()).setIdentity(r.getIdentity())
          .setResetAttempts(r.getResetAttempts()).setResetHeartbeat(r.getResetHeartbeat()).setJitter(r.getJitter()).build());
      return;
    }
    engine.standaloneActivities().unpause(r, jitter);
  }

  public void resetExecution(ResetActivityExecutionRequest r) {
    Duration jitter = jitter(r.getJitter());
    if (!r.getWorkflowId().isEmpty()) {
      reset(ResetActivityRequest.newBuilder().setNamespace(r.getNamespace())
          .setExecution(workflowOf(r.getWorkflowId(), r.getRunId())).setId(r.getActivityId()).setIdentity(r.getIdentity())
          .setKeepPaused(r.getKeepPaused()).setJitter(r.getJitter()).setRestoreOriginalOptions(r.getRestoreOriginalOptions()).build());
      return;
    }
    engine.standaloneActivities().reset(r, jitter);
  }

  public io.temporal.api.activity.v1.ActivityOptions updateExecutionOptions(UpdateActivityExecutionOptionsRequest r) {
    boolean masked = r.hasUpdateMask() && r.getUpdateMask().getPathsCount() > 0;
    if (!r.getWorkflowId().isEmpty()) {
      io.temporal.api.workflowservice.v1.UpdateActivityOptionsRequest.Builder forwarded =
          io.temporal.api.workflowservice.v1.UpdateActivityOptionsRequest.newBuilder().setNamespace(r.getNamespace())
              .setExecution(workflowOf(r.getWorkflowId(), r.getRunId())).setId(r.getActivityId()).setIdentity(r.getIdentity())
              .setRestoreOriginal(r.getRestoreOriginal());
      if (r.hasActivityOptions()) {
        forwarded.setActivityOptions(r.getActivityOptions());
      }
      if (r.hasUpdateMask()) {
        forwarded.setUpdateMask(r.getUpdateMask());
      }
      return updateOptions(forwarded.build()).getActivityOptions();
    }
    StandaloneActivities.checkIds(r.getActivityId(), r.getRunId());
    checkOptionsUpdate(r.hasActivityOptions(), masked, r.getRestoreOriginal());
    ActivityExecution activity = engine.standaloneActivities().forOptionsUpdate(r.getNamespace(), r.getActivityId(), r.getRunId());
    return applyOptions(List.of(activity), r.getActivityOptions(), r.getUpdateMask(), r.getRestoreOriginal());
  }
}
