package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.activity.RetryPolicies;
import dev.timewarp.server.internal.activity.RetryDecision;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.command.v1.ContinueAsNewWorkflowExecutionCommandAttributes;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.TimeoutFailureInfo;
import io.temporal.api.history.v1.WorkflowExecutionCompletedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionContinuedAsNewEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionTimedOutEventAttributes;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * What follows a run that ends: nothing, or the next run of its chain. A failure or timeout is
 * retried under the workflow's retry policy; a run with a cron schedule is followed by the next
 * scheduled run (after a retry gives up, too); continue-as-new starts the next run at once or after
 * its backoff. The closing event names the new run, which starts in the same step.
 */
final class RunSuccession {
  private final WorkflowRun run;

  RunSuccession(WorkflowRun run) {
    this.run = run;
  }

  /** Whether and when the failed run is retried, by the same rules as an activity's retries. */
  private RetryDecision retry(Failure failure, boolean executionTimedOut) {
    StartWorkflowExecutionRequest start = run.startRequest();
    if (executionTimedOut) {
      return RetryDecision.stop(RetryState.RETRY_STATE_TIMEOUT);
    }
    if (!start.hasRetryPolicy()) {
      return RetryDecision.stop(RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET);
    }
    // the next run must start before the execution times out
    return RetryDecision.under(RetryPolicies.withDefaults(start.getRetryPolicy()), run.lineage().attempt(), failure,
        run.now(), run.lineage().executionExpiration(), true);
  }

  private Optional<Duration> cronBackoff() {
    String schedule = run.startRequest().getCronSchedule();
    return schedule.isEmpty()
        ? Optional.empty()
        : Optional.of(CronSchedule.parse(schedule).backoff(run.executionTime(), run.now()));
  }

  /** The result the next cron run sees: this run's, else the one this run inherited. */
  private Optional<Payloads> lastCompletionResult(Optional<Payloads> result) {
    return result.isPresent() ? result : run.lineage().lastCompletionResult();
  }

  // ---- how a run ends ---------------------------------------------------------------------------

  void completed(Optional<Payloads> result, long completedId) {
    WorkflowExecutionCompletedEventAttributes.Builder attributes =
        WorkflowExecutionCompletedEventAttributes.newBuilder().setWorkflowTaskCompletedEventId(completedId);
    result.ifPresent(attributes::setResult);
    Optional<Duration> cron = cronBackoff();
    String next = UUID.randomUUID().toString();
    cron.ifPresent(backoff -> attributes.setNewExecutionRunId(next));
    run.close(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
        run.newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED).setWorkflowExecutionCompletedEventAttributes(attributes));
    cron.ifPresent(backoff -> startNext(next, run.startRequest(), 1, ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE,
        Optional.empty(), lastCompletionResult(result), backoff));
  }

  void failed(Failure failure, long completedId) {
    RetryDecision retry = retry(failure, false);
    Optional<Duration> cron = retry.retries() ? Optional.empty() : cronBackoff();
    String next = UUID.randomUUID().toString();
    WorkflowExecutionFailedEventAttributes.Builder attributes = WorkflowExecutionFailedEventAttributes.newBuilder()
        .setFailure(failure)
        .setRetryState(retry.retryState())
        .setWorkflowTaskCompletedEventId(completedId);
    if (retry.retries() || cron.isPresent()) {
      attributes.setNewExecutionRunId(next);
    }
    run.close(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED,
        run.newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED).setWorkflowExecutionFailedEventAttributes(attributes));
    continueAfterFailure(next, retry, cron, failure);
  }

  void timedOut() {
    boolean executionTimedOut = run.lineage().executionExpiration().map(at -> !run.now().isBefore(at)).orElse(false);
    Failure failure = Failure.newBuilder().setMessage("workflow timeout")
        .setTimeoutFailureInfo(TimeoutFailureInfo.newBuilder().setTimeoutType(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE))
        .build();
    RetryDecision retry = retry(failure, executionTimedOut);
    Optional<Duration> cron = retry.retries() || executionTimedOut ? Optional.empty() : cronBackoff();
    String next = UUID.randomUUID().toString();
    WorkflowExecutionTimedOutEventAttributes.Builder attributes =
        WorkflowExecutionTimedOutEventAttributes.newBuilder().setRetryState(retry.retryState());
    if (retry.retries() || cron.isPresent()) {
      attributes.setNewExecutionRunId(next);
    }
    run.close(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
        run.newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT).setWorkflowExecutionTimedOutEventAttributes(attributes));
    continueAfterFailure(next, retry, cron, failure);
  }

  private void continueAfterFailure(String next, RetryDecision retry, Optional<Duration> cron, Failure failure) {
    if (retry.retries()) {
      startNext(next, run.startRequest(), run.lineage().attempt() + 1, ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY,
          Optional.of(failure), run.lineage().lastCompletionResult(), retry.backoff());
    } else if (cron.isPresent()) {
      startNext(next, run.startRequest(), 1, ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE,
          Optional.of(failure), run.lineage().lastCompletionResult(), cron.get());
    }
  }

  /** The workflow asked for a fresh run: options not given are carried over from this one. */
  void continuedAsNew(ContinueAsNewWorkflowExecutionCommandAttributes a, long completedId) {
    StartWorkflowExecutionRequest previous = run.startRequest();
    StartWorkflowExecutionRequest.Builder request = previous.toBuilder()
        .setRequestId(UUID.randomUUID().toString())
        .setWorkflowType(a.getWorkflowType().getName().isEmpty() ? previous.getWorkflowType() : a.getWorkflowType())
        .setTaskQueue(a.getTaskQueue().getName().isEmpty() ? previous.getTaskQueue() : a.getTaskQueue())
        .setMemo(a.hasMemo() ? a.getMemo() : Memo.newBuilder().putAllFields(run.memo()).build())
        .setSearchAttributes(a.hasSearchAttributes()
            ? a.getSearchAttributes()
            : SearchAttributes.newBuilder().putAllIndexedFields(run.searchAttributes()).build())
        .clearWorkflowStartDelay();
    if (a.hasInput()) {
      request.setInput(a.getInput());
    } else {
      request.clearInput();
    }
    if (a.hasHeader()) {
      request.setHeader(a.getHeader());
    }
    if (a.hasWorkflowRunTimeout() && !ProtoTime.duration(a.getWorkflowRunTimeout()).isZero()) {
      request.setWorkflowRunTimeout(a.getWorkflowRunTimeout());
    }
    if (a.hasWorkflowTaskTimeout() && !ProtoTime.duration(a.getWorkflowTaskTimeout()).isZero()) {
      request.setWorkflowTaskTimeout(a.getWorkflowTaskTimeout());
    }
    if (a.hasRetryPolicy()) {
      request.setRetryPolicy(a.getRetryPolicy());
    }
    if (!a.getCronSchedule().isEmpty()) {
      request.setCronSchedule(a.getCronSchedule());
    }
    ContinueAsNewInitiator initiator = a.getInitiator() == ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED
        ? ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW
        : a.getInitiator();
    Duration backoff = ProtoTime.capped(a.getBackoffStartInterval());
    String next = UUID.randomUUID().toString();
    StartWorkflowExecutionRequest started = request.build();
    WorkflowExecutionContinuedAsNewEventAttributes.Builder attributes = WorkflowExecutionContinuedAsNewEventAttributes.newBuilder()
        .setNewExecutionRunId(next)
        .setWorkflowType(started.getWorkflowType())
        .setTaskQueue(started.getTaskQueue())
        .setWorkflowRunTimeout(ProtoTime.duration(StartRequests.runTimeout(started)))
        .setWorkflowTaskTimeout(ProtoTime.duration(StartRequests.taskTimeout(started, StartRequests.runTimeout(started))))
        .setWorkflowTaskCompletedEventId(completedId)
        .setBackoffStartInterval(ProtoTime.duration(backoff))
        .setInitiator(initiator);
    if (started.hasInput()) {
      attributes.setInput(started.getInput());
    }
    if (started.hasHeader()) {
      attributes.setHeader(started.getHeader());
    }
    if (a.hasFailure()) {
      attributes.setFailure(a.getFailure());
    }
    if (a.hasLastCompletionResult()) {
      attributes.setLastCompletionResult(a.getLastCompletionResult());
    }
    attributes.setMemo(started.getMemo()).setSearchAttributes(started.getSearchAttributes());
    run.close(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW,
        run.newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)
            .setWorkflowExecutionContinuedAsNewEventAttributes(attributes));
    // a new chain of attempts: a retry policy counts afresh from here
    startNext(next, started, 1, initiator,
        a.hasFailure() ? Optional.of(a.getFailure()) : Optional.empty(),
        a.hasLastCompletionResult() ? Optional.of(a.getLastCompletionResult()) : run.lineage().lastCompletionResult(),
        backoff);
  }

  private void startNext(String runId, StartWorkflowExecutionRequest request, int attempt, ContinueAsNewInitiator initiator,
      Optional<Failure> failure, Optional<Payloads> lastCompletionResult, Duration backoff) {
    RunLineage lineage = RunLineage.next(run, attempt, initiator, failure, lastCompletionResult);
    run.engine().workflows().startSuccessor(run, request, runId, lineage, backoff);
  }
}
