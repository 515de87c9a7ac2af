package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.engine.InFlight;
import dev.timewarp.server.internal.token.TaskToken;
import io.temporal.api.enums.v1.QueryResultType;
import io.temporal.api.errordetails.v1.QueryFailedFailure;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.query.v1.WorkflowQueryResult;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Queries of one run. While a workflow task is in flight a query rides on the next task the
 * worker polls (answered in its completion); otherwise it goes to the worker as a query-only task.
 */
public final class Queries {
  private final WorkflowRun run;
  private final Map<String, PendingQuery> waiting = new LinkedHashMap<>();
  private final Map<String, PendingQuery> delivered = new LinkedHashMap<>();

  public record PendingQuery(String id, WorkflowQuery query, CompletableFuture<QueryWorkflowResponse> result) {}

  Queries(WorkflowRun run) {
    this.run = run;
  }

  PendingQuery submit(WorkflowQuery query) {
    PendingQuery pending =
        new PendingQuery(UUID.randomUUID().toString(), query, new CompletableFuture<>());
    if (!run.isOpen() || run.task() == null) {
      dispatchAlone(pending);
    } else {
      waiting.put(pending.id(), pending);
    }
    return pending;
  }

  boolean isEmpty() {
    return waiting.isEmpty() && delivered.isEmpty();
  }

  void forget(String id) {
    waiting.remove(id);
    delivered.remove(id);
  }

  /** Puts waiting queries on a workflow task being handed to a worker. */
  void attachTo(PollWorkflowTaskQueueResponse.Builder response) {
    for (PendingQuery pending : waiting.values()) {
      response.putQueries(pending.id(), pending.query());
      delivered.put(pending.id(), pending);
    }
    waiting.clear();
  }

  void answer(Map<String, WorkflowQueryResult> results) {
    results.forEach(
        (id, result) -> {
          PendingQuery pending = delivered.remove(id);
          if (pending != null) {
            complete(pending, result.getResultType(), result.getAnswer(), result.getErrorMessage(), result.getFailure());
          }
        });
  }

  /** After a workflow task ends: unanswered queries wait again, or go out on their own. */
  void afterWorkflowTask() {
    delivered.values().removeIf(p -> p.result().isDone());
    for (PendingQuery pending : List.copyOf(delivered.values())) {
      if (!isQueryTask(pending)) {
        delivered.remove(pending.id());
        waiting.put(pending.id(), pending);
      }
    }
    if (run.task() == null || !run.isOpen()) {
      List<PendingQuery> all = List.copyOf(waiting.values());
      waiting.clear();
      all.forEach(this::dispatchAlone);
    }
  }

  private final java.util.Set<String> queryTasks = new java.util.HashSet<>();

  private boolean isQueryTask(PendingQuery pending) {
    return queryTasks.contains(pending.id());
  }

  private void dispatchAlone(PendingQuery pending) {
    delivered.put(pending.id(), pending);
    queryTasks.add(pending.id());
    run.engine()
        .matching()
        .offer(
            run.workflowQueue(),
            poller -> {
              if (pending.result().isDone() || !delivered.containsKey(pending.id())) {
                return Optional.empty();
              }
              return Optional.of(queryTask(pending));
            });
  }

  private PollWorkflowTaskQueueResponse queryTask(PendingQuery pending) {
    return PollWorkflowTaskQueueResponse.newBuilder()
        .setTaskToken(
            TaskToken.newBuilder()
                .setKind(TaskToken.Kind.QUERY_TASK)
                .setNamespace(run.namespaceName())
                .setWorkflowId(run.workflowId())
                .setRunId(run.runId())
                .setQueryId(pending.id())
                .build()
                .toByteString())
        .setWorkflowExecution(run.execution())
        .setWorkflowType(run.startRequest().getWorkflowType())
        // the worker replays up to here without acting: it must not resend what it did (update acceptances)
        .setPreviousStartedEventId(run.previousStartedEventId())
        .setQuery(pending.query())
        .setHistory(
            io.temporal.api.history.v1.History.newBuilder().addAllEvents(run.history().events()))
        .setWorkflowExecutionTaskQueue(run.normalQueue())
        .build();
  }

  /** The answer to a query-only task. */
  void answerQueryTask(
      String queryId,
      QueryResultType type,
      io.temporal.api.common.v1.Payloads answer,
      String errorMessage,
      Failure failure) {
    PendingQuery pending = delivered.remove(queryId);
    queryTasks.remove(queryId);
    if (pending == null) {
      throw EngineException.notFound("query task not found, or already expired");
    }
    complete(pending, type, answer, errorMessage, failure);
  }

  private static void complete(
      PendingQuery pending,
      QueryResultType type,
      io.temporal.api.common.v1.Payloads answer,
      String errorMessage,
      Failure failure) {
    if (type == QueryResultType.QUERY_RESULT_TYPE_ANSWERED) {
      pending.result().complete(QueryWorkflowResponse.newBuilder().setQueryResult(answer).build());
    } else {
      pending
          .result()
          .completeExceptionally(
              new EngineException(
                  EngineException.Code.INVALID_ARGUMENT,
                  errorMessage,
                  List.of(QueryFailedFailure.newBuilder().setFailure(failure).build())));
    }
  }

  void describeInFlight(List<InFlight> out) {
    int count = waiting.size() + delivered.size();
    if (count > 0) {
      out.add(
          new InFlight(
              InFlight.Kind.QUERY,
              count + " query(ies) of " + run.describe() + " waiting for a worker"));
    }
  }
}
