package dev.timewarp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.QueryResultType;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.query.v1.WorkflowQueryResult;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.*;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Queries while a workflow task is in flight: they ride on the next task, or go out alone. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueryDeliveryTest {
  private final TimewarpServer server = TimewarpServer.start();
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc =
      WorkflowServiceGrpc.newBlockingStub(server.channel());
  private final PollWorkflowTaskQueueRequest poll =
      PollWorkflowTaskQueueRequest.newBuilder().setNamespace("default").setIdentity("raw")
          .setTaskQueue(TaskQueue.newBuilder().setName("q")).build();

  @AfterEach
  void close() {
    server.close();
  }

  private PollWorkflowTaskQueueResponse pollTask() {
    return rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollWorkflowTaskQueue(poll);
  }

  private void start(String id) {
    rpc.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder().setNamespace("default").setWorkflowId(id)
        .setWorkflowType(WorkflowType.newBuilder().setName("Q")).setTaskQueue(TaskQueue.newBuilder().setName("q"))
        .setRequestId(id).build());
  }

  private CompletableFuture<QueryWorkflowResponse> queryAsync(String id) {
    return CompletableFuture.supplyAsync(() -> rpc.withDeadlineAfter(20, TimeUnit.SECONDS).queryWorkflow(
        QueryWorkflowRequest.newBuilder().setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
            .setQuery(WorkflowQuery.newBuilder().setQueryType("state")).build()));
  }

  private static Payloads answer(String text) {
    return Payloads.newBuilder().addPayloads(Payload.newBuilder().setData(ByteString.copyFromUtf8(text))).build();
  }

  private void awaitQueryWaiting() {
    Await.until(() -> server.clock().busyReasons().stream().anyMatch(r -> r.contains("query")),
        () -> "a query waiting; busy: " + server.clock().busyReasons());
  }

  @Test
  void queryDuringAStartedTaskRidesOnTheNextTask() throws Exception {
    start("rides");
    PollWorkflowTaskQueueResponse first = pollTask();
    CompletableFuture<QueryWorkflowResponse> query = queryAsync("rides");
    awaitQueryWaiting();
    // a signal during the task makes the server schedule another one, which carries the query
    rpc.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("rides")).setSignalName("s").build());
    rpc.respondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest.newBuilder()
        .setNamespace("default").setTaskToken(first.getTaskToken()).build());

    PollWorkflowTaskQueueResponse second = pollTask();
    assertThat(second.getQueriesMap()).hasSize(1);
    String queryId = second.getQueriesMap().keySet().iterator().next();
    assertThat(second.getQueriesMap().get(queryId).getQueryType()).isEqualTo("state");
    rpc.respondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest.newBuilder()
        .setNamespace("default").setTaskToken(second.getTaskToken())
        .putQueryResults(queryId, WorkflowQueryResult.newBuilder()
            .setResultType(QueryResultType.QUERY_RESULT_TYPE_ANSWERED).setAnswer(answer("busy")).build())
        .build());

    assertThat(query.get(10, TimeUnit.SECONDS).getQueryResult()).isEqualTo(answer("busy"));
  }

  @Test
  void queryAfterTheTaskCompletesGoesOutAsAQueryTask() throws Exception {
    start("alone");
    PollWorkflowTaskQueueResponse first = pollTask();
    CompletableFuture<QueryWorkflowResponse> query = queryAsync("alone");
    awaitQueryWaiting();
    rpc.respondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest.newBuilder()
        .setNamespace("default").setTaskToken(first.getTaskToken()).build());

    PollWorkflowTaskQueueResponse queryTask = pollTask();
    assertThat(queryTask.hasQuery()).isTrue();
    assertThat(queryTask.getQuery().getQueryType()).isEqualTo("state");
    assertThat(queryTask.getHistory().getEventsCount()).isEqualTo(4);
    rpc.respondQueryTaskCompleted(RespondQueryTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(queryTask.getTaskToken()).setCompletedType(QueryResultType.QUERY_RESULT_TYPE_ANSWERED)
        .setQueryResult(answer("idle")).build());

    assertThat(query.get(10, TimeUnit.SECONDS).getQueryResult()).isEqualTo(answer("idle"));
  }

  @Test
  void namespaceUpdateChangesDescriptionAndRetention() {
    var updated = rpc.updateNamespace(UpdateNamespaceRequest.newBuilder().setNamespace("default")
        .setUpdateInfo(io.temporal.api.namespace.v1.UpdateNamespaceInfo.newBuilder().setDescription("tests"))
        .setConfig(io.temporal.api.namespace.v1.NamespaceConfig.newBuilder()
            .setWorkflowExecutionRetentionTtl(com.google.protobuf.Duration.newBuilder().setSeconds(3600)))
        .build());
    assertThat(updated.getNamespaceInfo().getDescription()).isEqualTo("tests");
    var described = rpc.describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("default").build());
    assertThat(described.getConfig().getWorkflowExecutionRetentionTtl().getSeconds()).isEqualTo(3600);
  }
}
