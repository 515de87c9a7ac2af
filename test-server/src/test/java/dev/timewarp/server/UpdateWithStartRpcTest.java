package dev.timewarp.server;

import static dev.timewarp.server.RpcChecks.assertStatus;
import static dev.timewarp.server.UpdateProtocol.ACCEPTED;
import static dev.timewarp.server.UpdateProtocol.ADMITTED;
import static dev.timewarp.server.UpdateProtocol.COMPLETED;
import static dev.timewarp.server.UpdateProtocol.accept;
import static dev.timewarp.server.UpdateProtocol.complete;
import static dev.timewarp.server.UpdateProtocol.protocol;
import static dev.timewarp.server.UpdateProtocol.respond;
import static dev.timewarp.server.UpdateProtocol.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.errordetails.v1.MultiOperationExecutionFailure;
import io.temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure;
import io.temporal.api.failure.v1.MultiOperationExecutionAborted;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.protocol.v1.Message;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.update.v1.WaitPolicy;
import io.temporal.api.workflowservice.v1.*;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ExecuteMultiOperation as update-with-start: the refusals as the real server shapes them, and both ways it succeeds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpdateWithStartRpcTest {
  private final TimewarpServer server = TimewarpServer.start();
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc = WorkflowServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }

  private static StartWorkflowExecutionRequest.Builder start(String workflowId) {
    return StartWorkflowExecutionRequest.newBuilder()
        .setNamespace("default")
        .setWorkflowId(workflowId)
        .setWorkflowType(WorkflowType.newBuilder().setName("Raw"))
        .setTaskQueue(TaskQueue.newBuilder().setName(RawWorkflow.QUEUE))
        .setRequestId(java.util.UUID.randomUUID().toString());
  }

  private static ExecuteMultiOperationRequest multi(StartWorkflowExecutionRequest.Builder start, UpdateWorkflowExecutionRequest.Builder update) {
    return ExecuteMultiOperationRequest.newBuilder()
        .setNamespace("default")
        .addOperations(ExecuteMultiOperationRequest.Operation.newBuilder().setStartWorkflow(start))
        .addOperations(ExecuteMultiOperationRequest.Operation.newBuilder().setUpdateWorkflow(update))
        .build();
  }

  private CompletableFuture<ExecuteMultiOperationResponse> executeAsync(ExecuteMultiOperationRequest request) {
    return CompletableFuture.supplyAsync(() -> rpc.withDeadlineAfter(20, TimeUnit.SECONDS).executeMultiOperation(request));
  }

  /** The per-operation statuses of a refused update-with-start, after checking the call's own status. */
  private List<MultiOperationExecutionFailure.OperationStatus> refused(ExecuteMultiOperationRequest request, Status.Code code) {
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> rpc.executeMultiOperation(request));
    assertThat(e.getStatus().getCode()).isEqualTo(code);
    assertThat(e.getStatus().getDescription()).isEqualTo("Update-with-Start could not be executed.");
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status.getDetailsList()).hasSize(1);
    try {
      return status.getDetails(0).unpack(MultiOperationExecutionFailure.class).getStatusesList();
    } catch (com.google.protobuf.InvalidProtocolBufferException notThatDetail) {
      throw new AssertionError(notThatDetail);
    }
  }

  private static void assertAborted(MultiOperationExecutionFailure.OperationStatus status) {
    assertThat(status.getCode()).isEqualTo(Status.Code.ABORTED.value());
    assertThat(status.getMessage()).isEqualTo("Operation was aborted.");
    assertThat(status.getDetailsList()).singleElement().matches(d -> d.is(MultiOperationExecutionAborted.class));
  }

  private static void assertInvalid(MultiOperationExecutionFailure.OperationStatus status, String message) {
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(status.getMessage()).isEqualTo(message);
  }

  @Test
  void theOperationsMustBeAStartThenAnUpdate() {
    String message = "Operations have to be exactly [Start, Update].";
    ExecuteMultiOperationRequest good = multi(start("w"), update("w", "u"));
    assertStatus(() -> rpc.executeMultiOperation(good.toBuilder().clearOperations().build()), Status.Code.INVALID_ARGUMENT, message);
    assertStatus(() -> rpc.executeMultiOperation(good.toBuilder().removeOperations(1).build()), Status.Code.INVALID_ARGUMENT, message);
    assertStatus(() -> rpc.executeMultiOperation(ExecuteMultiOperationRequest.newBuilder().setNamespace("default")
            .addOperations(good.getOperations(1)).addOperations(good.getOperations(0)).build()),
        Status.Code.INVALID_ARGUMENT, message);
    assertStatus(() -> rpc.executeMultiOperation(good.toBuilder().setNamespace("nope").build()),
        Status.Code.NOT_FOUND, "Namespace nope is not found.");
  }

  @Test
  void aRefusedOperationIsNamedAndTheOtherReportedAborted() {
    var cron = refused(multi(start("w").setCronSchedule("* * * * *"), update("w", "u")), Status.Code.INVALID_ARGUMENT);
    assertInvalid(cron.get(0), "CronSchedule is not allowed.");
    assertAborted(cron.get(1));
    assertInvalid(refused(multi(start("w").setRequestEagerExecution(true), update("w", "u")), Status.Code.INVALID_ARGUMENT).get(0),
        "RequestEagerExecution is not supported.");
    assertInvalid(refused(multi(start("w").setWorkflowStartDelay(com.google.protobuf.Duration.newBuilder().setSeconds(5)),
        update("w", "u")), Status.Code.INVALID_ARGUMENT).get(0), "WorkflowStartDelay is not supported.");
    assertInvalid(refused(multi(start("w").setNamespace("other"), update("w", "u")), Status.Code.INVALID_ARGUMENT).get(0),
        "Operation namespace did not match request's namespace.");
    assertInvalid(refused(multi(start("w").clearWorkflowType(), update("w", "u")), Status.Code.INVALID_ARGUMENT).get(0),
        "WorkflowType is not set on request.");

    var runId = refused(multi(start("w"), update("w", "u").setWorkflowExecution(WorkflowExecution.newBuilder()
        .setWorkflowId("w").setRunId(java.util.UUID.randomUUID().toString()))), Status.Code.INVALID_ARGUMENT);
    assertAborted(runId.get(0));
    assertInvalid(runId.get(1), "RunId is not allowed.");
    assertInvalid(refused(multi(start("w"), update("w", "u").setFirstExecutionRunId(java.util.UUID.randomUUID().toString())),
        Status.Code.INVALID_ARGUMENT).get(1), "FirstExecutionRunId is not allowed.");
    assertInvalid(refused(multi(start("w"), update("w", "u").setRequest(update("w", "u").getRequest().toBuilder()
        .setInput(io.temporal.api.update.v1.Input.newBuilder()))), Status.Code.INVALID_ARGUMENT).get(1),
        "Update name is not set on request.");
    var inconsistent = refused(multi(start("w"), update("other", "u")), Status.Code.INVALID_ARGUMENT);
    assertAborted(inconsistent.get(0));
    assertInvalid(inconsistent.get(1), "WorkflowId is not consistent with previous operation(s).");

    // the call takes the code of the first operation at fault; both can be
    var both = refused(multi(start("w").setCronSchedule("* * * * *"),
        update("w", "u").setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(ADMITTED))), Status.Code.INVALID_ARGUMENT);
    assertInvalid(both.get(0), "CronSchedule is not allowed.");
    assertThat(both.get(1).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
    var onlyUpdate = refused(multi(start("w"), update("w", "u").setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(ADMITTED))),
        Status.Code.PERMISSION_DENIED);
    assertThat(onlyUpdate.get(1).getMessage())
        .isEqualTo("UpdateWorkflowExecution issued asynchronously and waiting on update admitted is not supported.");

    // nothing was started by any of them
    assertStatus(() -> rpc.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId("w")).build()), Status.Code.NOT_FOUND, "workflow not found for ID: w");
  }

  @Test
  void aRunningWorkflowThatMayNotBeReusedFailsTheStart() {
    String runId = rpc.startWorkflowExecution(start("taken").build()).getRunId();

    var statuses = refused(multi(start("taken").setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL),
        update("taken", "u")), Status.Code.ALREADY_EXISTS);

    assertThat(statuses.get(0).getCode()).isEqualTo(Status.Code.ALREADY_EXISTS.value());
    assertThat(statuses.get(0).getMessage()).isEqualTo("Workflow execution is already running. WorkflowId: taken, RunId: " + runId + ".");
    Any detail = statuses.get(0).getDetails(0);
    assertThat(detail.is(WorkflowExecutionAlreadyStartedFailure.class)).isTrue();
    assertAborted(statuses.get(1));
    assertThat(RawWorkflow.attach(server, "taken").history()).hasSize(2); // no update was admitted: no task for it
  }

  @Test
  void aNewRunCarriesTheUpdateOnItsFirstTask() throws Exception {
    RawWorkflow workflow = RawWorkflow.attach(server, "fresh");
    CompletableFuture<ExecuteMultiOperationResponse> call = executeAsync(multi(
        start("fresh").setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING),
        update("fresh", "u1")));

    PollWorkflowTaskQueueResponse first = workflow.pollWorkflowTask();
    assertThat(first.getHistory().getEventsCount()).isEqualTo(3);
    assertThat(first.getMessagesList()).hasSize(1);
    Message delivered = first.getMessages(0);
    assertThat(delivered.getEventId()).isEqualTo(2);
    Message accepted = accept(delivered);
    Message completed = complete(delivered, "first");
    respond(workflow, first, List.of(accepted, completed), protocol(accepted), protocol(completed));

    ExecuteMultiOperationResponse response = call.get(10, TimeUnit.SECONDS);
    StartWorkflowExecutionResponse started = response.getResponses(0).getStartWorkflow();
    assertThat(started.getStarted()).isTrue();
    UpdateWorkflowExecutionResponse updated = response.getResponses(1).getUpdateWorkflow();
    assertThat(updated.getStage()).isEqualTo(COMPLETED);
    assertThat(updated.getOutcome().getSuccess()).isEqualTo(RawWorkflow.text("first"));
    assertThat(updated.getUpdateRef().getWorkflowExecution().getRunId()).isEqualTo(started.getRunId());
    assertThat(workflow.history()).extracting(HistoryEvent::getEventType).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);

    // again with USE_EXISTING: the running workflow is updated, not started anew
    CompletableFuture<ExecuteMultiOperationResponse> again = executeAsync(multi(
        start("fresh").setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING),
        update("fresh", "u2").setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(ACCEPTED))));
    PollWorkflowTaskQueueResponse second = workflow.pollWorkflowTask();
    Message acceptedAgain = accept(second.getMessages(0));
    respond(workflow, second, List.of(acceptedAgain), protocol(acceptedAgain));
    ExecuteMultiOperationResponse reused = again.get(10, TimeUnit.SECONDS);
    assertThat(reused.getResponses(0).getStartWorkflow().getStarted()).isFalse();
    assertThat(reused.getResponses(0).getStartWorkflow().getRunId()).isEqualTo(started.getRunId());
    assertThat(reused.getResponses(1).getUpdateWorkflow().getStage()).isEqualTo(ACCEPTED);

    // once the workflow is closed, a finished update's id is answered from it instead of starting a run
    workflow.complete(workflow.pollWorkflowTaskAfterSignal(), RawWorkflow.completeWorkflow());
    ExecuteMultiOperationResponse replayed = rpc.executeMultiOperation(multi(start("fresh"), update("fresh", "u1")));
    assertThat(replayed.getResponses(0).getStartWorkflow().getStarted()).isFalse();
    assertThat(replayed.getResponses(0).getStartWorkflow().getRunId()).isEqualTo(started.getRunId());
    assertThat(replayed.getResponses(1).getUpdateWorkflow().getOutcome().getSuccess()).isEqualTo(RawWorkflow.text("first"));
  }

  @Test
  void anUpdateAbortedByItsNewRunClosingFailsOnlyTheUpdate() {
    RawWorkflow workflow = RawWorkflow.attach(server, "short");
    CompletableFuture<ExecuteMultiOperationResponse> call = executeAsync(multi(start("short"), update("short", "u1")));
    PollWorkflowTaskQueueResponse first = workflow.pollWorkflowTask();
    assertThat(first.getMessagesList()).hasSize(1);

    workflow.complete(first, RawWorkflow.completeWorkflow()); // closes without a word about the update

    var thrown = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
        () -> call.get(10, TimeUnit.SECONDS));
    assertThat(thrown.getCause()).isInstanceOf(StatusRuntimeException.class);
    StatusRuntimeException e = (StatusRuntimeException) thrown.getCause();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).isEqualTo("Update-with-Start could not be executed.");
    var statuses = StatusProto.fromThrowable(e).getDetails(0);
    try {
      var failure = statuses.unpack(MultiOperationExecutionFailure.class);
      assertThat(failure.getStatuses(0).getCode()).isEqualTo(Status.Code.OK.value()); // the start succeeded
      assertThat(failure.getStatuses(1).getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
      assertThat(failure.getStatuses(1).getMessage()).isEqualTo("workflow update was aborted by closing workflow");
    } catch (com.google.protobuf.InvalidProtocolBufferException notThatDetail) {
      throw new AssertionError(notThatDetail);
    }
  }
}
