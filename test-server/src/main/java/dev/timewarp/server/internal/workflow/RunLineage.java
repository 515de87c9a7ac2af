package dev.timewarp.server.internal.workflow;

import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.failure.v1.Failure;
import java.time.Instant;
import java.util.Optional;

/**
 * How a run came to be: the chain of runs it belongs to (continue-as-new, retries, cron) and what
 * the run before it handed over. Written into its WorkflowExecutionStarted event.
 */
public record RunLineage(
    String firstExecutionRunId,
    Optional<Instant> executionExpiration,
    int attempt,
    Optional<String> continuedFromRunId,
    ContinueAsNewInitiator initiator,
    Optional<Failure> continuedFailure,
    Optional<Payloads> lastCompletionResult,
    Optional<ParentLink> parent,
    ExecutionClock clock) {

  /** The workflow that started this chain as its child, and the root of that family tree. */
  public record ParentLink(String namespace, io.temporal.api.common.v1.WorkflowExecution execution, long initiatedEventId,
      io.temporal.api.common.v1.WorkflowExecution root) {}

  /** The first run of a chain. */
  static RunLineage first(String runId, Optional<Instant> executionExpiration, ContinueAsNewInitiator initiator,
      Optional<ParentLink> parent, ExecutionClock clock) {
    return new RunLineage(runId, executionExpiration, 1, Optional.empty(), initiator, Optional.empty(), Optional.empty(), parent,
        clock);
  }

  /** The lineage of the run that follows {@code previous} in the same chain. */
  static RunLineage next(WorkflowRun previous, int attempt, ContinueAsNewInitiator initiator,
      Optional<Failure> failure, Optional<Payloads> lastCompletionResult) {
    RunLineage before = previous.lineage();
    return new RunLineage(before.firstExecutionRunId(), before.executionExpiration(), attempt, Optional.of(previous.runId()),
        initiator, failure, lastCompletionResult, before.parent(), before.clock());
  }
}
