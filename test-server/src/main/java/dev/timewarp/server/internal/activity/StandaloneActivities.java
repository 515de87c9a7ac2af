package dev.timewarp.server.internal.activity;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.engine.InFlight;
import dev.timewarp.server.internal.engine.RequestLimits;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.ActivityIdConflictPolicy;
import io.temporal.api.enums.v1.ActivityIdReusePolicy;
import io.temporal.api.errordetails.v1.ActivityExecutionAlreadyStartedFailure;
import io.temporal.api.workflowservice.v1.RequestCancelActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.TerminateActivityExecutionRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** Standalone activities by namespace and activity id (their own id space, apart from workflows). */
public final class StandaloneActivities {
  private final Engine engine;
  private final Map<String, Map<String, List<StandaloneActivity>>> byId = new HashMap<>();
  /** Runs that have not closed, for the busy check (closed runs can never be busy). */
  private final Map<String, StandaloneActivity> open = new LinkedHashMap<>();

  public StandaloneActivities(Engine engine) {
    this.engine = engine;
  }

  private Optional<StandaloneActivity> current(String namespace, String activityId) {
    List<StandaloneActivity> runs = byId.getOrDefault(namespace, Map.of()).get(activityId);
    return runs == null || runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
  }

  public StartActivityExecutionResponse start(StartActivityExecutionRequest r) {
    var namespace = engine.namespaces().require(r.getNamespace());
    if (r.getActivityId().isEmpty()) {
      throw EngineException.invalidArgument("activityId is not set");
    }
    if (r.getActivityType().getName().isEmpty()) {
      throw EngineException.invalidArgument("activityType is not set");
    }
    RequestLimits.checkTaskQueueName(r.getTaskQueue().getName());
    if (r.getRequestId().length() > RequestLimits.MAX_LENGTH) {
      throw EngineException.invalidArgument("request ID exceeds length limit. Length=" + r.getRequestId().length()
          + " Limit=" + RequestLimits.MAX_LENGTH);
    }
    RequestLimits.checkIdentity(r.getIdentity());
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
    namespace.validateSearchAttributes(r.getSearchAttributes());

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
    // the real frontend fills in a missing request id, so a retried start is still recognised
    StartActivityExecutionRequest stored =
        r.getRequestId().isEmpty() ? r.toBuilder().setRequestId(UUID.randomUUID().toString()).build() : r;
    StandaloneActivity activity = new StandaloneActivity(engine, r.getNamespace(), stored);
    byId.computeIfAbsent(r.getNamespace(), n -> new HashMap<>()).computeIfAbsent(r.getActivityId(), id -> new ArrayList<>()).add(activity);
    open.put(activity.runId(), activity);
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

  /** The activity id and run id checks every by-id RPC shares, with the real server's messages. */
  public static void checkIds(String activityId, String runId) {
    if (activityId.isEmpty()) {
      throw EngineException.invalidArgument("activity ID is required");
    }
    if (activityId.length() > RequestLimits.MAX_LENGTH) {
      throw EngineException.invalidArgument("activity ID exceeds length limit. Length=" + activityId.length()
          + " Limit=" + RequestLimits.MAX_LENGTH);
    }
    if (!runId.isEmpty()) {
      try {
        UUID.fromString(runId);
      } catch (IllegalArgumentException e) {
        throw EngineException.invalidArgument("invalid run id: must be a valid UUID");
      }
    }
  }

  /** The run an RPC names (the latest run if the run id is empty); NOT_FOUND otherwise. */
  public StandaloneActivity find(String namespace, String activityId, String runId) {
    engine.namespaces().require(namespace);
    checkIds(activityId, runId);
    return runOf(namespace, activityId, runId)
        .orElseThrow(() -> EngineException.notFound("activity execution not found: " + activityId));
  }

  /** The run a worker's token or by-id call names, if it still exists (deleted runs do not). */
  public Optional<StandaloneActivity> runOf(String namespace, String activityId, String runId) {
    return byId.getOrDefault(namespace, Map.of()).getOrDefault(activityId, List.of()).stream()
        .filter(a -> runId.isEmpty() || a.runId().equals(runId))
        .reduce((a, b) -> b);
  }

  public void requestCancel(RequestCancelActivityExecutionRequest r) {
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

  public void terminate(TerminateActivityExecutionRequest r) {
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

  /** Terminates the run if it still runs, then forgets it: describe and list no longer see it. */
  public void delete(io.temporal.api.workflowservice.v1.DeleteActivityExecutionRequest r) {
    StandaloneActivity activity = find(r.getNamespace(), r.getActivityId(), r.getRunId());
    if (activity.isOpen()) {
      activity.terminate("", "", "Delete activity execution");
    }
    open.remove(activity.runId());
    List<StandaloneActivity> runs = byId.get(r.getNamespace()).get(r.getActivityId());
    runs.remove(activity);
    if (runs.isEmpty()) {
      byId.get(r.getNamespace()).remove(r.getActivityId());
    }
  }

  // ---- operator commands (spec §12.3, last bullet) ----------------------------------------------

  public void pause(io.temporal.api.workflowservice.v1.PauseActivityExecutionRequest r) {
    StandaloneActivity activity = find(r.getNamespace(), r.getActivityId(), r.getRunId());
    if (!r.getRequestId().isEmpty() && r.getRequestId().equals(activity.activity().pauseRequestId())) {
      return;
    }
    if (!activity.isOpen() || activity.activity().isPaused() || activity.activity().isCancelRequested()) {
      throw EngineException.failedPrecondition("activity is in non-pausable state " + activity.internalStatus());
    }
    activity.activity().pause(r.getRequestId(), r.getIdentity(), r.getReason());
  }

  public void unpause(io.temporal.api.workflowservice.v1.UnpauseActivityExecutionRequest r, Duration jitter) {
    StandaloneActivity activity = find(r.getNamespace(), r.getActivityId(), r.getRunId());
    activity.requireOpen();
    if (!activity.activity().isPaused()) {
      throw EngineException.failedPrecondition("activity is in non-unpausable state " + activity.internalStatus());
    }
    activity.activity().unpause(r.getResetAttempts(), r.getResetHeartbeat(), jitter);
  }

  public void reset(io.temporal.api.workflowservice.v1.ResetActivityExecutionRequest r, Duration jitter) {
    StandaloneActivity activity = find(r.getNamespace(), r.getActivityId(), r.getRunId());
    activity.requireOpen();
    if (r.getRestoreOriginalOptions()) {
      activity.activity().updateOptions(activity.activity().originalOptions());
    }
    activity.activity().reset(false, r.getKeepPaused(), jitter);
  }

  /** Finds the activity whose options an update names; closed or cancelling ones refuse. */
  public ActivityExecution forOptionsUpdate(String namespace, String activityId, String runId) {
    StandaloneActivity activity = find(namespace, activityId, runId);
    if (!activity.isOpen() || activity.activity().isCancelRequested()) {
      throw EngineException.failedPrecondition("Cannot update options for activity in state " + activity.internalStatus());
    }
    return activity.activity();
  }

  /** Every run of a namespace, for listing. */
  public Stream<StandaloneActivity> all(String namespace) {
    return byId.getOrDefault(namespace, Map.of()).values().stream().flatMap(List::stream);
  }

  public void describeInFlight(List<InFlight> out) {
    open.values().removeIf(a -> !a.isOpen()); // closed runs can never be busy again
    open.values().forEach(a -> a.activity().describeInFlight(out));
  }
}
