package dev.timewarp.server.internal.activity;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.engine.InFlight;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.ActivityIdConflictPolicy;
import io.temporal.api.enums.v1.ActivityIdReusePolicy;
import io.temporal.api.errordetails.v1.ActivityExecutionAlreadyStartedFailure;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Standalone activities by namespace and activity id (their own id space, apart from workflows). */
public final class StandaloneActivities {
  private final Engine engine;
  private final Map<String, Map<String, List<StandaloneActivity>>> byId = new HashMap<>();

  public StandaloneActivities(Engine engine) {
    this.engine = engine;
  }

  private Optional<StandaloneActivity> current(String namespace, String activityId) {
    List<StandaloneActivity> runs = byId.getOrDefault(namespace, Map.of()).get(activityId);
    return runs == null || runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
  }

  public StartActivityExecutionResponse start(StartActivityExecutionRequest r) {
    engine.namespaces().require(r.getNamespace());
    if (r.getActivityId().isEmpty()) {
      throw EngineException.invalidArgument("ActivityId is not set on request.");
    }
    if (r.hasStartDelay() && !ProtoTime.isValid(r.getStartDelay())) {
      throw EngineException.invalidArgument("invalid StartDelay: negative duration");
    }
    ScheduleActivityTaskCommandAttributes.Builder attributes = ScheduleActivityTaskCommandAttributes.newBuilder()
        .setActivityId(r.getActivityId())
        .setActivityType(r.getActivityType())
        .setTaskQueue(r.getTaskQueue())
        .setScheduleToCloseTimeout(r.getScheduleToCloseTimeout())
        .setScheduleToStartTimeout(r.getScheduleToStartTimeout())
        .setStartToCloseTimeout(r.getStartToCloseTimeout())
        .setHeartbeatTimeout(r.getHeartbeatTimeout())
        .setRetryPolicy(r.getRetryPolicy());
    if (r.hasInput()) {
      attributes.setInput(r.getInput());
    }
    if (r.hasHeader()) {
      attributes.setHeader(r.getHeader());
    }
    if (r.hasPriority()) {
      attributes.setPriority(r.getPriority());
    }
    if (r.hasInput() && PayloadLimits.tooLarge(r.getInput())) {
      throw EngineException.invalidArgument("input exceeds length limit");
    }
    // the same rules as a workflow's activities, with no run timeout to fall back on
    ScheduleActivityTaskCommandAttributes normalized = ActivityScheduling.normalize(attributes.build(), Duration.ZERO);

    Optional<StandaloneActivity> existing = current(r.getNamespace(), r.getActivityId());
    if (existing.isPresent()) {
      StandaloneActivity previous = existing.get();
      if (!r.getRequestId().isEmpty() && r.getRequestId().equals(previous.request().getRequestId())) {
        return response(previous, false);
      }
      if (previous.isOpen()) {
        if (r.getIdConflictPolicy() == ActivityIdConflictPolicy.ACTIVITY_ID_CONFLICT_POLICY_USE_EXISTING) {
          return response(previous, false);
        }
        throw alreadyStarted(previous);
      }
      boolean rejected = r.getIdReusePolicy() == ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_REJECT_DUPLICATE
          || (r.getIdReusePolicy() == ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
              && previous.status() == ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_COMPLETED);
      if (rejected) {
        throw alreadyStarted(previous);
      }
    }
    StandaloneActivity activity = new StandaloneActivity(engine, r.getNamespace(), r);
    byId.computeIfAbsent(r.getNamespace(), n -> new HashMap<>()).computeIfAbsent(r.getActivityId(), id -> new ArrayList<>()).add(activity);
    activity.start(normalized, ProtoTime.capped(r.getStartDelay()));
    return response(activity, true);
  }

  private static EngineException alreadyStarted(StandaloneActivity existing) {
    return EngineException.alreadyExists("activity execution already started",
        ActivityExecutionAlreadyStartedFailure.newBuilder()
            .setStartRequestId(existing.request().getRequestId())
            .setRunId(existing.runId())
            .build());
  }

  private static StartActivityExecutionResponse response(StandaloneActivity activity, boolean started) {
    return StartActivityExecutionResponse.newBuilder().setRunId(activity.runId()).setStarted(started).build();
  }

  /** The run an RPC names (the latest run if the run id is empty); NOT_FOUND otherwise. */
  public StandaloneActivity find(String namespace, String activityId, String runId) {
    engine.namespaces().require(namespace);
    if (activityId.isEmpty()) {
      throw EngineException.invalidArgument("ActivityId is not set on request.");
    }
    List<StandaloneActivity> runs = byId.getOrDefault(namespace, Map.of()).getOrDefault(activityId, List.of());
    return runs.stream()
        .filter(a -> runId.isEmpty() || a.runId().equals(runId))
        .reduce((a, b) -> b)
        .orElseThrow(() -> EngineException.notFound("activity execution not found: " + activityId));
  }

  public void requestCancel(io.temporal.api.workflowservice.v1.RequestCancelActivityExecutionRequest r) {
    StandaloneActivity activity = find(r.getNamespace(), r.getActivityId(), r.getRunId());
    if (!r.getRequestId().isEmpty() && r.getRequestId().equals(activity.cancelRequestId())) {
      return; // the same request again, even after close
    }
    if (!activity.isOpen()) {
      throw EngineException.failedPrecondition("activity is in terminal state " + activity.status());
    }
    if (activity.activity().isCancelRequested()) {
      throw EngineException.failedPrecondition("cancellation already requested with request ID " + activity.cancelRequestId());
    }
    activity.requestCancel(r.getRequestId(), r.getIdentity(), r.getReason());
  }

  public void terminate(io.temporal.api.workflowservice.v1.TerminateActivityExecutionRequest r) {
    StandaloneActivity activity = find(r.getNamespace(), r.getActivityId(), r.getRunId());
    if (!activity.isOpen()) {
      if (activity.status() == ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED
          && r.getRequestId().equals(activity.terminateRequestId())) {
        return;
      }
      throw EngineException.failedPrecondition(
          activity.status() == ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED
              ? "already terminated with request ID " + activity.terminateRequestId()
              : "activity is in terminal state " + activity.status());
    }
    activity.terminate(r.getRequestId(), r.getIdentity(), r.getReason());
  }

  public void describeInFlight(List<InFlight> out) {
    byId.values().forEach(ids -> ids.values().forEach(runs -> runs.forEach(a -> a.activity().describeInFlight(out))));
  }
}
