package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.RequestLimits;
import dev.timewarp.server.internal.activity.ActivityExecution;
import dev.timewarp.server.internal.activity.PayloadLimits;
import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.matching.Matching;
import dev.timewarp.server.internal.matching.Poller;
import dev.timewarp.server.internal.matching.TaskQueueKey;
import dev.timewarp.server.internal.token.TaskToken;
import dev.timewarp.server.internal.token.TaskTokens;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflowservice.v1.*;
import java.time.Duration;
import java.util.Optional;

/** The worker-facing activity RPCs: poll, heartbeat, complete, fail, canceled (by token or id). */
public final class ActivityTaskRpcs {
  static final String STALE = "invalid activityID or activity already timed out or invoking workflow is completed";
  static final String STANDALONE_STALE = "activity task not found";

  private final Engine engine;

  public ActivityTaskRpcs(Engine engine) {
    this.engine = engine;
  }

  private Workflows workflows() {
    return engine.workflows();
  }

  public Matching.PollHandle poll(PollActivityTaskQueueRequest r, Duration waitFor) {
    engine.namespaces().require(r.getNamespace());
    String queue = r.getTaskQueue().getName();
    RequestLimits.checkTaskQueueName(queue);
    RequestLimits.checkIdentity(r.getIdentity());
    return engine.matching().poll(
        new TaskQueueKey(r.getNamespace(), queue, TaskQueueKey.Type.ACTIVITY), new Poller(r.getIdentity()), waitFor);
  }

  /** The running attempt a token names, or NOT_FOUND by the real server's stale-token rules. */
  private ActivityExecution byToken(com.google.protobuf.ByteString bytes, String identity) {
    RequestLimits.checkIdentity(identity);
    TaskToken token = TaskTokens.decode(bytes, TaskToken.Kind.ACTIVITY_TASK);
    if (token.getStandalone()) {
      return engine.standaloneActivities().runOf(token.getNamespace(), token.getActivityId(), token.getRunId())
          .filter(standalone -> standalone.isOpen() && standalone.activity().acceptsToken(token))
          .orElseThrow(() -> EngineException.notFound(STANDALONE_STALE))
          .activity();
    }
    WorkflowRun run = workflows().runForActivity(token);
    if (!run.isOpen()) {
      throw EngineException.notFound("workflow execution already completed");
    }
    ActivityExecution activity = run.activities().get(token.getScheduledEventId());
    if (activity == null || !activity.acceptsToken(token)) {
      throw EngineException.notFound(STALE);
    }
    return activity;
  }

  private ActivityExecution byId(String namespace, String workflowId, String runId, String activityId, String identity) {
    RequestLimits.checkIdentity(identity);
    if (activityId.isEmpty()) {
      throw EngineException.invalidArgument("ActivityId is not set on request.");
    }
    if (workflowId.isEmpty()) {
      // no workflow: a standalone activity, whatever attempt is running
      engine.namespaces().require(namespace);
      return engine.standaloneActivities().runOf(namespace, activityId, runId)
          .filter(standalone -> standalone.isOpen())
          .orElseThrow(() -> EngineException.notFound(STANDALONE_STALE))
          .activity();
    }
    WorkflowRun run = workflows().find(namespace, WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId).build());
    if (!run.isOpen()) {
      throw EngineException.notFound("workflow execution already completed");
    }
    ActivityExecution activity = run.pendingActivitiesById().get(activityId);
    if (activity == null) {
      throw EngineException.notFound(
          "cannot find pending activity with ActivityID " + activityId + ", check workflow execution history for more details");
    }
    return activity;
  }

  private static ActivityExecution started(ActivityExecution activity) {
    if (activity.state() != ActivityExecution.State.STARTED) {
      throw EngineException.notFound(activity.isStandalone() ? STANDALONE_STALE : STALE);
    }
    return activity;
  }

  public RecordActivityTaskHeartbeatResponse heartbeat(RecordActivityTaskHeartbeatRequest r) {
    ActivityExecution activity = byToken(r.getTaskToken(), r.getIdentity());
    ActivityExecution.HeartbeatAnswer answer = activity.heartbeat(optional(r.hasDetails(), r.getDetails()), r.getIdentity());
    return RecordActivityTaskHeartbeatResponse.newBuilder()
        .setCancelRequested(answer.cancelRequested())
        .setActivityPaused(answer.paused())
        .setActivityReset(answer.reset())
        .build();
  }

  public RecordActivityTaskHeartbeatByIdResponse heartbeatById(RecordActivityTaskHeartbeatByIdRequest r) {
    ActivityExecution activity = started(byId(r.getNamespace(), r.getWorkflowId(), r.getRunId(), r.getActivityId(), r.getIdentity()));
    ActivityExecution.HeartbeatAnswer answer = activity.heartbeat(optional(r.hasDetails(), r.getDetails()), r.getIdentity());
    return RecordActivityTaskHeartbeatByIdResponse.newBuilder()
        .setCancelRequested(answer.cancelRequested())
        .setActivityPaused(answer.paused())
        .setActivityReset(answer.reset())
        .build();
  }

  public void complete(RespondActivityTaskCompletedRequest r) {
    byToken(r.getTaskToken(), r.getIdentity()).complete(r.getResult(), r.getIdentity());
  }

  public void completeById(RespondActivityTaskCompletedByIdRequest r) {
    // completing by id works before any poll too: the server fabricates the start
    byId(r.getNamespace(), r.getWorkflowId(), r.getRunId(), r.getActivityId(), r.getIdentity())
        .complete(r.getResult(), r.getIdentity());
  }

  public RespondActivityTaskFailedResponse fail(RespondActivityTaskFailedRequest r) {
    if (r.hasFailure() && !r.getFailure().hasApplicationFailureInfo()) {
      throw EngineException.invalidArgument("Failure must have ApplicationFailureInfo.");
    }
    checkNextRetryDelay(r.getFailure());
    ActivityExecution activity = byToken(r.getTaskToken(), r.getIdentity());
    RespondActivityTaskFailedResponse.Builder response = RespondActivityTaskFailedResponse.newBuilder();
    Failure failure = r.getFailure();
    if (PayloadLimits.tooLarge(failure)) {
      failure = PayloadLimits.serverFailure("Failure exceeds size limit.", true).toBuilder()
          .setCause(PayloadLimits.truncated(failure)).build();
      response.addFailures(failure);
    }
    Optional<Payloads> heartbeat = optional(r.hasLastHeartbeatDetails(), r.getLastHeartbeatDetails());
    if (heartbeat.isPresent() && PayloadLimits.tooLarge(heartbeat.get())) {
      heartbeat = Optional.empty(); // dropped, and said so
      response.addFailures(PayloadLimits.serverFailure("Heartbeat details exceed size limit.", true));
    }
    activity.fail(failure, r.getIdentity(), heartbeat);
    return response.build();
  }

  public RespondActivityTaskFailedByIdResponse failById(RespondActivityTaskFailedByIdRequest r) {
    checkNextRetryDelay(r.getFailure());
    started(byId(r.getNamespace(), r.getWorkflowId(), r.getRunId(), r.getActivityId(), r.getIdentity()))
        .fail(r.getFailure(), r.getIdentity(), optional(r.hasLastHeartbeatDetails(), r.getLastHeartbeatDetails()));
    return RespondActivityTaskFailedByIdResponse.getDefaultInstance();
  }

  public void canceled(RespondActivityTaskCanceledRequest r) {
    byToken(r.getTaskToken(), r.getIdentity()).respondCanceled(r.getDetails(), r.getIdentity());
  }

  public void canceledById(RespondActivityTaskCanceledByIdRequest r) {
    started(byId(r.getNamespace(), r.getWorkflowId(), r.getRunId(), r.getActivityId(), r.getIdentity()))
        .respondCanceled(r.getDetails(), r.getIdentity());
  }

  private static void checkNextRetryDelay(Failure failure) {
    for (Failure f = failure; f != null; f = f.hasCause() ? f.getCause() : null) {
      if (f.hasApplicationFailureInfo() && f.getApplicationFailureInfo().hasNextRetryDelay()
          && !dev.timewarp.server.internal.time.ProtoTime.isValid(f.getApplicationFailureInfo().getNextRetryDelay())) {
        throw EngineException.invalidArgument("NextRetryDelay is not a valid duration: "
            + f.getApplicationFailureInfo().getNextRetryDelay());
      }
    }
  }

  private static Optional<Payloads> optional(boolean present, Payloads payloads) {
    return present ? Optional.of(payloads) : Optional.empty();
  }
}
