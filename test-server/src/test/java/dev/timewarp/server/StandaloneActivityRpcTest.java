package dev.timewarp.server;

import static dev.timewarp.server.RpcChecks.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.ActivityIdConflictPolicy;
import io.temporal.api.enums.v1.ActivityIdReusePolicy;
import io.temporal.api.errordetails.v1.ActivityExecutionAlreadyStartedFailure;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.*;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Standalone activities over raw RPCs: id policies, request ids, cancel and terminate rules (§12). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StandaloneActivityRpcTest {
  private final TimewarpServer server = TimewarpServer.start();
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc = WorkflowServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }

  private StartActivityExecutionRequest.Builder start(String id, String requestId) {
    return StartActivityExecutionRequest.newBuilder().setNamespace("default").setActivityId(id).setRequestId(requestId)
        .setActivityType(ActivityType.newBuilder().setName("Export")).setTaskQueue(TaskQueue.newBuilder().setName("exports"))
        .setStartToCloseTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(60));
  }

  private PollActivityTaskQueueResponse poll() {
    return rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollActivityTaskQueue(PollActivityTaskQueueRequest.newBuilder()
        .setNamespace("default").setIdentity("w").setTaskQueue(TaskQueue.newBuilder().setName("exports")).build());
  }

  private ActivityExecutionStatus status(String id) {
    return rpc.describeActivityExecution(DescribeActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId(id).build()).getInfo().getStatus();
  }

  @Test
  void requestIdsAndConflictPolicies() {
    String runId = rpc.startActivityExecution(start("a", "r1").build()).getRunId();

    var again = rpc.startActivityExecution(start("a", "r1").build());
    assertThat(again.getRunId()).isEqualTo(runId);
    assertThat(again.getStarted()).isFalse();
    var existing = rpc.startActivityExecution(start("a", "r2")
        .setIdConflictPolicy(ActivityIdConflictPolicy.ACTIVITY_ID_CONFLICT_POLICY_USE_EXISTING).build());
    assertThat(existing.getRunId()).isEqualTo(runId);
    assertThat(existing.getStarted()).isFalse();
    try {
      rpc.startActivityExecution(start("a", "r3").build());
      throw new AssertionError("expected ALREADY_EXISTS");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
      assertThat(e.getStatus().getDescription()).isEqualTo("activity execution already started");
      var details = StatusProto.fromThrowable(e).getDetails(0);
      assertThat(details.is(ActivityExecutionAlreadyStartedFailure.class)).isTrue();
    }
  }

  @Test
  void reusePoliciesAfterTheRunClosed() throws Exception {
    rpc.startActivityExecution(start("b", "r1").build());
    PollActivityTaskQueueResponse task = poll();
    assertThat(task.getActivityRunId()).isNotEmpty();
    assertThat(task.hasWorkflowExecution()).isFalse();
    rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setResult(RawWorkflow.text("done")).build());
    assertThat(status("b")).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_COMPLETED);

    assertStatus(() -> rpc.startActivityExecution(start("b", "r2")
            .setIdReusePolicy(ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY).build()),
        Status.Code.ALREADY_EXISTS, "activity execution already started");
    assertStatus(() -> rpc.startActivityExecution(start("b", "r3")
            .setIdReusePolicy(ActivityIdReusePolicy.ACTIVITY_ID_REUSE_POLICY_REJECT_DUPLICATE).build()),
        Status.Code.ALREADY_EXISTS, "activity execution already started");
    assertThat(rpc.startActivityExecution(start("b", "r4").build()).getStarted()).isTrue();
    // the first run's token is stale now
    assertStatus(() -> rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).build()), Status.Code.NOT_FOUND, "activity task not found");
  }

  @Test
  void cancelAndTerminateRules() {
    rpc.startActivityExecution(start("c", "r1").build());
    PollActivityTaskQueueResponse task = poll();
    rpc.requestCancelActivityExecution(RequestCancelActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId("c").setRequestId("cancel-1").build());
    // running: only flagged; the worker learns it from its heartbeat
    assertThat(status("c")).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).build()).getCancelRequested()).isTrue();
    assertStatus(() -> rpc.requestCancelActivityExecution(RequestCancelActivityExecutionRequest.newBuilder().setNamespace("default")
            .setActivityId("c").setRequestId("cancel-2").build()),
        Status.Code.FAILED_PRECONDITION, "cancellation already requested with request ID cancel-1");

    rpc.terminateActivityExecution(TerminateActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId("c").setRequestId("t1").setReason("stop").build());
    assertThat(status("c")).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED);
    rpc.terminateActivityExecution(TerminateActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId("c").setRequestId("t1").build()); // the same request again is a no-op
    assertStatus(() -> rpc.terminateActivityExecution(TerminateActivityExecutionRequest.newBuilder().setNamespace("default")
            .setActivityId("c").setRequestId("t2").build()),
        Status.Code.FAILED_PRECONDITION, "already terminated with request ID t1");
    // the worker is not told; its later calls find nothing
    assertStatus(() -> rpc.respondActivityTaskCompleted(RespondActivityTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).build()), Status.Code.NOT_FOUND, "activity task not found");
    var outcome = rpc.pollActivityExecution(PollActivityExecutionRequest.newBuilder().setNamespace("default").setActivityId("c").build());
    assertThat(outcome.getOutcome().getFailure().getMessage()).isEqualTo("stop");
  }

  @Test
  void unknownActivitiesAreNotFound() {
    assertStatus(() -> rpc.describeActivityExecution(DescribeActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId("nope").build()), Status.Code.NOT_FOUND, "activity execution not found: nope");
    assertStatus(() -> rpc.startActivityExecution(start("", "r").build()),
        Status.Code.INVALID_ARGUMENT, "activityId is not set");
  }

  @Test
  void byIdCallsWithoutAWorkflowIdReachTheStandaloneActivity() {
    rpc.startActivityExecution(start("by-id", "r1").build());
    // nobody polled: completing by id fabricates the start, as for a workflow's activity
    rpc.respondActivityTaskCompletedById(RespondActivityTaskCompletedByIdRequest.newBuilder().setNamespace("default")
        .setActivityId("by-id").setIdentity("operator").setResult(RawWorkflow.text("forced")).build());
    var closed = rpc.describeActivityExecution(DescribeActivityExecutionRequest.newBuilder().setNamespace("default")
        .setActivityId("by-id").setIncludeOutcome(true).build());
    assertThat(closed.getInfo().getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_COMPLETED);
    assertThat(closed.getOutcome().getResult()).isEqualTo(RawWorkflow.text("forced"));

    rpc.startActivityExecution(start("by-id-2", "r2").build());
    PollActivityTaskQueueResponse task = poll();
    var heartbeat = rpc.recordActivityTaskHeartbeatById(RecordActivityTaskHeartbeatByIdRequest.newBuilder()
        .setNamespace("default").setActivityId("by-id-2").setDetails(RawWorkflow.text("half")).build());
    assertThat(heartbeat.getCancelRequested()).isFalse();
    rpc.respondActivityTaskFailedById(RespondActivityTaskFailedByIdRequest.newBuilder().setNamespace("default")
        .setActivityId("by-id-2").setFailure(io.temporal.api.failure.v1.Failure.newBuilder().setMessage("broken")
            .setApplicationFailureInfo(io.temporal.api.failure.v1.ApplicationFailureInfo.newBuilder().setNonRetryable(true)))
        .build());
    assertThat(status("by-id-2")).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_FAILED);
    // the closed run answers no more worker calls, by id or by token
    assertStatus(() -> rpc.recordActivityTaskHeartbeatById(RecordActivityTaskHeartbeatByIdRequest.newBuilder()
        .setNamespace("default").setActivityId("by-id-2").build()), Status.Code.NOT_FOUND, "activity task not found");
    assertStatus(() -> rpc.recordActivityTaskHeartbeat(RecordActivityTaskHeartbeatRequest.newBuilder()
        .setNamespace("default").setTaskToken(task.getTaskToken()).build()), Status.Code.NOT_FOUND, "activity task not found");
  }

  @Test
  void listingPagesAndRefusesWhatItCannotAnswer() {
    for (int i = 0; i < 5; i++) {
      rpc.startActivityExecution(start("page-" + i, "p" + i).build());
    }
    var first = rpc.listActivityExecutions(ListActivityExecutionsRequest.newBuilder().setNamespace("default")
        .setPageSize(2).setQuery("ORDER BY ActivityId").build());
    assertThat(first.getExecutionsList()).extracting(e -> e.getActivityId()).containsExactly("page-0", "page-1");
    var rest = rpc.listActivityExecutions(ListActivityExecutionsRequest.newBuilder().setNamespace("default")
        .setPageSize(10).setQuery("ORDER BY ActivityId").setNextPageToken(first.getNextPageToken()).build());
    assertThat(rest.getExecutionsList()).extracting(e -> e.getActivityId()).containsExactly("page-2", "page-3", "page-4");
    assertThat(rest.getNextPageToken().isEmpty()).isTrue();

    assertStatus(() -> rpc.listActivityExecutions(ListActivityExecutionsRequest.newBuilder().setNamespace("default")
            .setQuery("GROUP BY ExecutionStatus").build()),
        Status.Code.INVALID_ARGUMENT, "'GROUP BY' clause is only supported in CountActivityExecutions");
    assertStatus(() -> rpc.countActivityExecutions(CountActivityExecutionsRequest.newBuilder().setNamespace("default")
            .setQuery("ActivityId LIKE 'page%'").build()),
        Status.Code.INVALID_ARGUMENT, "invalid query: unsupported operator 'LIKE' at position 12");
    assertStatus(() -> rpc.listActivityExecutions(ListActivityExecutionsRequest.newBuilder().setNamespace("default")
            .setNextPageToken(com.google.protobuf.ByteString.copyFromUtf8("garbage")).build()),
        Status.Code.INVALID_ARGUMENT, "Invalid NextPageToken.");
    assertThat(rpc.countActivityExecutions(CountActivityExecutionsRequest.newBuilder().setNamespace("default")
        .setQuery("ExecutionStatus = 'running' AND ActivityId IN ('page-1', 'page-3', 'nope')").build()).getCount()).isEqualTo(2);
  }
}
