package dev.timewarp.server;

import static dev.timewarp.server.RpcChecks.assertStatus;
import static dev.timewarp.server.UpdateProtocol.ACCEPTED;
import static dev.timewarp.server.UpdateProtocol.ADMITTED;
import static dev.timewarp.server.UpdateProtocol.COMPLETED;
import static dev.timewarp.server.UpdateProtocol.accept;
import static dev.timewarp.server.UpdateProtocol.complete;
import static dev.timewarp.server.UpdateProtocol.protocol;
import static dev.timewarp.server.UpdateProtocol.reject;
import static dev.timewarp.server.UpdateProtocol.request;
import static dev.timewarp.server.UpdateProtocol.respond;
import static dev.timewarp.server.UpdateProtocol.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.StartTimerCommandAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.errordetails.v1.PermissionDeniedFailure;
import io.temporal.api.errordetails.v1.WorkflowNotReadyFailure;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.protocol.v1.Message;
import io.temporal.api.update.v1.Meta;
import io.temporal.api.update.v1.Request;
import io.temporal.api.update.v1.UpdateRef;
import io.temporal.api.update.v1.WaitPolicy;
import io.temporal.api.workflowservice.v1.*;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** UpdateWorkflowExecution and PollWorkflowExecutionUpdate by hand: every refusal, and the protocol step by step. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpdateRpcTest {
  private final TimewarpServer server = TimewarpServer.start();
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc = WorkflowServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }

  /** A raw workflow whose first task is done: it is idle, so an update gets a task of its own. */
  private RawWorkflow idle(String workflowId) {
    RawWorkflow workflow = new RawWorkflow(server, workflowId);
    workflow.complete(workflow.pollWorkflowTask());
    return workflow;
  }

  private CompletableFuture<UpdateWorkflowExecutionResponse> updateAsync(UpdateWorkflowExecutionRequest request) {
    return CompletableFuture.supplyAsync(() -> rpc.withDeadlineAfter(20, TimeUnit.SECONDS).updateWorkflowExecution(request));
  }

  private static PollWorkflowExecutionUpdateRequest poll(String workflowId, String updateId, UpdateWorkflowExecutionLifecycleStage stage) {
    return PollWorkflowExecutionUpdateRequest.newBuilder()
        .setNamespace("default")
        .setUpdateRef(UpdateRef.newBuilder()
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .setUpdateId(updateId))
        .setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(stage))
        .build();
  }

  private CompletableFuture<PollWorkflowExecutionUpdateResponse> pollAsync(PollWorkflowExecutionUpdateRequest request) {
    return CompletableFuture.supplyAsync(() -> rpc.withDeadlineAfter(20, TimeUnit.SECONDS).pollWorkflowExecutionUpdate(request));
  }

  private DescribeWorkflowExecutionResponse describe(String workflowId) {
    return rpc.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
  }

  private static List<EventType> types(List<HistoryEvent> events) {
    return events.stream().map(HistoryEvent::getEventType).toList();
  }

  private static Command timer(String id, long seconds) {
    return Command.newBuilder().setCommandType(CommandType.COMMAND_TYPE_START_TIMER)
        .setStartTimerCommandAttributes(StartTimerCommandAttributes.newBuilder().setTimerId(id)
            .setStartToFireTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(seconds)))
        .build();
  }

  /** Waits (in wall time) until the server has admitted an update sent in the background. */
  private void awaitAdmitted(String workflowId, String updateId) {
    Await.until(() -> {
      try {
        rpc.pollWorkflowExecutionUpdate(poll(workflowId, updateId, ADMITTED));
        return true;
      } catch (StatusRuntimeException notYet) {
        return false;
      }
    }, () -> "update " + updateId + " admitted");
  }

  /** The status a call that waited in the background failed with. */
  private static Status failureOf(CompletableFuture<?> call) {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
    return ((StatusRuntimeException) e.getCause()).getStatus();
  }

  // ---- refusals --------------------------------------------------------------------------------

  @Test
  void updateRequestsAreCheckedAsTheFrontendDoesAndRefusalsChangeNothing() {
    RawWorkflow workflow = idle("checked");
    List<HistoryEvent> before = workflow.history();

    assertStatus(() -> rpc.updateWorkflowExecution(update("checked", "u").clearWorkflowExecution().build()),
        Status.Code.INVALID_ARGUMENT, "Execution is not set on request.");
    assertStatus(() -> rpc.updateWorkflowExecution(update("", "u").build()),
        Status.Code.INVALID_ARGUMENT, "WorkflowId is not set on request.");
    assertStatus(() -> rpc.updateWorkflowExecution(update("checked", "u")
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("checked").setRunId("not-a-run-id")).build()),
        Status.Code.INVALID_ARGUMENT, "Invalid RunId.");
    assertStatus(() -> rpc.updateWorkflowExecution(update("checked", "u").setRequest(Request.newBuilder()
            .setInput(update("checked", "u").getRequest().getInput())).build()),
        Status.Code.INVALID_ARGUMENT, "Update meta is not set on request.");
    assertStatus(() -> rpc.updateWorkflowExecution(update("checked", "u".repeat(1001)).build()),
        Status.Code.INVALID_ARGUMENT, "UpdateId length exceeds limit.");
    assertStatus(() -> rpc.updateWorkflowExecution(update("checked", "u").setRequest(Request.newBuilder()
            .setMeta(Meta.newBuilder().setUpdateId("u"))).build()),
        Status.Code.INVALID_ARGUMENT, "Update input is not set on request.");
    assertStatus(() -> rpc.updateWorkflowExecution(update("checked", "u").setRequest(Request.newBuilder()
            .setMeta(Meta.newBuilder().setUpdateId("u")).setInput(io.temporal.api.update.v1.Input.newBuilder())).build()),
        Status.Code.INVALID_ARGUMENT, "Update name is not set on request.");
    assertThatThrownBy(() -> rpc.updateWorkflowExecution(update("checked", "u")
            .setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(ADMITTED)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription())
              .isEqualTo("UpdateWorkflowExecution issued asynchronously and waiting on update admitted is not supported.");
          assertThat(StatusProto.fromThrowable(e).getDetails(0).is(PermissionDeniedFailure.class)).isTrue();
        });
    // the request is checked before the namespace is looked up
    assertStatus(() -> rpc.updateWorkflowExecution(update("checked", "u").setNamespace("nope").clearWorkflowExecution().build()),
        Status.Code.INVALID_ARGUMENT, "Execution is not set on request.");
    assertStatus(() -> rpc.updateWorkflowExecution(update("checked", "u").setNamespace("nope").build()),
        Status.Code.NOT_FOUND, "Namespace nope is not found.");

    assertThat(workflow.history()).isEqualTo(before);
    assertThat(describe("checked").hasPendingWorkflowTask()).isFalse(); // no task was scheduled for any of them
  }

  @Test
  void updatesOfMissingMismatchedOrClosedWorkflowsAreNotFound() {
    RawWorkflow workflow = idle("target");
    assertStatus(() -> rpc.updateWorkflowExecution(update("missing", "u").build()),
        Status.Code.NOT_FOUND, "workflow not found for ID: missing");
    assertStatus(() -> rpc.updateWorkflowExecution(update("target", "u")
            .setFirstExecutionRunId(java.util.UUID.randomUUID().toString()).build()),
        Status.Code.NOT_FOUND, "workflow execution not found");
    assertThat(describe("target").hasPendingWorkflowTask()).isFalse();

    workflow.complete(workflow.pollWorkflowTaskAfterSignal(), RawWorkflow.completeWorkflow());
    assertStatus(() -> rpc.updateWorkflowExecution(update("target", "u").build()),
        Status.Code.NOT_FOUND, "workflow execution already completed");
  }

  @Test
  void aWorkflowTaskThatKeepsFailingRefusesUpdates() {
    RawWorkflow workflow = new RawWorkflow(server, "failing");
    for (int attempt = 1; attempt <= 2; attempt++) {
      PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();
      rpc.respondWorkflowTaskFailed(RespondWorkflowTaskFailedRequest.newBuilder().setNamespace("default")
          .setTaskToken(task.getTaskToken()).setCause(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE)
          .build());
    }
    assertThat(describe("failing").getPendingWorkflowTask().getAttempt()).isEqualTo(3);

    assertThatThrownBy(() -> rpc.updateWorkflowExecution(update("failing", "u").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription())
              .isEqualTo("Unable to perform workflow execution update due to Workflow Task in failed state.");
          assertThat(StatusProto.fromThrowable(e).getDetails(0).is(WorkflowNotReadyFailure.class)).isTrue();
        });
  }

  @Test
  void tenUpdatesInFlightAreTheLimit() {
    idle("crowded"); // nobody polls: the updates stay admitted after their callers stop waiting
    for (int i = 1; i <= 10; i++) {
      UpdateWorkflowExecutionResponse admitted = rpc.withDeadlineAfter(1100, TimeUnit.MILLISECONDS)
          .updateWorkflowExecution(update("crowded", "u" + i).build());
      assertThat(admitted.getStage()).isEqualTo(ADMITTED);
    }

    assertThatThrownBy(() -> rpc.updateWorkflowExecution(update("crowded", "u11").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).isEqualTo("limit on number of concurrent in-flight updates has been reached (10)");
          var detail = StatusProto.fromThrowable(e).getDetails(0);
          assertThat(detail.is(io.temporal.api.errordetails.v1.ResourceExhaustedFailure.class)).isTrue();
        });
    // one already admitted is not a new one: asking for it again is fine
    assertThat(rpc.withDeadlineAfter(1100, TimeUnit.MILLISECONDS).updateWorkflowExecution(update("crowded", "u3").build())
        .getStage()).isEqualTo(ADMITTED);
  }

  @Test
  void theNamespaceSaysUpdatesAreSupported() {
    var capabilities = rpc.describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("default").build())
        .getNamespaceInfo().getCapabilities();
    assertThat(capabilities.getSyncUpdate()).isTrue();
    assertThat(capabilities.getAsyncUpdate()).isTrue();
  }

  // ---- the protocol ----------------------------------------------------------------------------

  @Test
  void anUpdateRidesASpeculativeTaskAndItsAcceptanceAndResponseBecomeEvents() throws Exception {
    RawWorkflow workflow = idle("accepted");
    String runId = describe("accepted").getWorkflowExecutionInfo().getExecution().getRunId();
    CompletableFuture<UpdateWorkflowExecutionResponse> call = updateAsync(update("accepted", "u1").build());

    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();
    assertThat(task.getMessagesList()).hasSize(1);
    Message delivered = task.getMessages(0);
    assertThat(delivered.getId()).isEqualTo("u1/request");
    assertThat(delivered.getProtocolInstanceId()).isEqualTo("u1");
    assertThat(request(delivered).getInput().getName()).isEqualTo("rename");
    // the task's events are only shown to the worker: ids 5 and 6, with the request ordered after event 5
    assertThat(task.getStartedEventId()).isEqualTo(6);
    assertThat(task.getPreviousStartedEventId()).isEqualTo(3);
    assertThat(delivered.getEventId()).isEqualTo(5);
    List<HistoryEvent> shown = task.getHistory().getEventsList();
    assertThat(types(shown.subList(shown.size() - 2, shown.size()))).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    assertThat(workflow.history()).hasSize(4);

    Message accepted = accept(delivered);
    Message completed = complete(delivered, "renamed");
    RespondWorkflowTaskCompletedResponse response =
        respond(workflow, task, List.of(accepted, completed), protocol(accepted), protocol(completed));

    assertThat(response.getResetHistoryEventId()).isZero();
    UpdateWorkflowExecutionResponse answer = call.get(10, TimeUnit.SECONDS);
    assertThat(answer.getStage()).isEqualTo(COMPLETED);
    assertThat(answer.getOutcome().getSuccess()).isEqualTo(RawWorkflow.text("renamed"));
    assertThat(answer.getUpdateRef().getUpdateId()).isEqualTo("u1");
    assertThat(answer.getUpdateRef().getWorkflowExecution().getWorkflowId()).isEqualTo("accepted");
    assertThat(answer.getUpdateRef().getWorkflowExecution().getRunId()).isEqualTo(runId);

    List<HistoryEvent> history = workflow.history();
    assertThat(types(history).subList(4, history.size())).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    assertThat(history.get(4).getEventId()).isEqualTo(5);
    assertThat(history.get(5).getEventId()).isEqualTo(6);
    assertThat(history.get(5).getWorkflowTaskStartedEventAttributes().getScheduledEventId()).isEqualTo(5);
    var acceptedEvent = history.get(7).getWorkflowExecutionUpdateAcceptedEventAttributes();
    assertThat(acceptedEvent.getProtocolInstanceId()).isEqualTo("u1");
    assertThat(acceptedEvent.getAcceptedRequestMessageId()).isEqualTo("u1/request");
    assertThat(acceptedEvent.getAcceptedRequestSequencingEventId()).isEqualTo(5);
    assertThat(acceptedEvent.getAcceptedRequest()).isEqualTo(request(delivered));
    var completedEvent = history.get(8).getWorkflowExecutionUpdateCompletedEventAttributes();
    assertThat(completedEvent.getAcceptedEventId()).isEqualTo(8);
    assertThat(completedEvent.getMeta().getUpdateId()).isEqualTo("u1");
    assertThat(completedEvent.getOutcome().getSuccess()).isEqualTo(RawWorkflow.text("renamed"));
  }

  @Test
  void aRejectionDiscardsTheSpeculativeTaskAndTellsTheWorkerWhereHistoryEnds() throws Exception {
    RawWorkflow workflow = idle("rejected");
    List<HistoryEvent> before = workflow.history();
    CompletableFuture<UpdateWorkflowExecutionResponse> call = updateAsync(update("rejected", "u1").build());
    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();

    RespondWorkflowTaskCompletedResponse response = respond(workflow, task, List.of(reject(task.getMessages(0), "not now")));

    assertThat(response.getResetHistoryEventId()).isEqualTo(3); // the last task that did complete started there
    UpdateWorkflowExecutionResponse answer = call.get(10, TimeUnit.SECONDS);
    assertThat(answer.getStage()).isEqualTo(COMPLETED);
    assertThat(answer.getOutcome().getFailure().getMessage()).isEqualTo("not now");
    assertThat(workflow.history()).isEqualTo(before);
    assertThat(describe("rejected").hasPendingWorkflowTask()).isFalse();
    // a rejection is not kept: polling for it finds nothing
    assertStatus(() -> rpc.pollWorkflowExecutionUpdate(poll("rejected", "u1", COMPLETED)),
        Status.Code.NOT_FOUND, "update \"u1\" not found");

    // the next update's task shows the worker the same ids again
    CompletableFuture<UpdateWorkflowExecutionResponse> next = updateAsync(update("rejected", "u2").build());
    PollWorkflowTaskQueueResponse again = workflow.pollWorkflowTask();
    assertThat(again.getStartedEventId()).isEqualTo(6);
    respond(workflow, again, List.of(reject(again.getMessages(0), "still not")));
    assertThat(next.get(10, TimeUnit.SECONDS).getOutcome().getFailure().getMessage()).isEqualTo("still not");
  }

  @Test
  void anUpdateTheWorkerIgnoresIsRejectedByTheServer() throws Exception {
    RawWorkflow workflow = idle("ignored");
    List<HistoryEvent> before = workflow.history();
    CompletableFuture<UpdateWorkflowExecutionResponse> call = updateAsync(update("ignored", "u1").build());

    RespondWorkflowTaskCompletedResponse response = respond(workflow, workflow.pollWorkflowTask(), List.of());

    assertThat(response.getResetHistoryEventId()).isEqualTo(3);
    Failure failure = call.get(10, TimeUnit.SECONDS).getOutcome().getFailure();
    assertThat(failure.getMessage()).isEqualTo(
        "Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow Update is not supported by the worker.");
    assertThat(failure.getSource()).isEqualTo("Server");
    assertThat(failure.getApplicationFailureInfo().getType()).isEqualTo("UnprocessedUpdate");
    assertThat(failure.getApplicationFailureInfo().getNonRetryable()).isTrue();
    assertThat(workflow.history()).isEqualTo(before);
  }

  @Test
  void aBadUpdateMessageFailsTheTaskAndTheUpdateItCarried() {
    RawWorkflow workflow = idle("bad");
    CompletableFuture<UpdateWorkflowExecutionResponse> call = updateAsync(update("bad", "u1").build());
    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();
    Message accepted = accept(task.getMessages(0));

    assertStatus(() -> respond(workflow, task, List.of(), protocol(accepted)), Status.Code.INVALID_ARGUMENT,
        "BadUpdateWorkflowExecutionMessage: ProtocolMessageCommand referenced absent message ID u1/request/accept");

    // a failure must be visible, so the speculative task's events are written with it
    List<HistoryEvent> history = workflow.history();
    assertThat(types(history).subList(4, history.size())).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    var failed = history.get(6).getWorkflowTaskFailedEventAttributes();
    assertThat(failed.getCause()).isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE);
    assertThat(failed.getScheduledEventId()).isEqualTo(5);
    assertThat(failed.getStartedEventId()).isEqualTo(6);
    Status status = failureOf(call);
    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(status.getDescription()).isEqualTo("Unable to perform workflow execution update due to unexpected workflow task failure.");

    // the retry carries a new update; answering it before accepting it is refused the same way
    CompletableFuture<UpdateWorkflowExecutionResponse> second = updateAsync(update("bad", "u2").build());
    awaitAdmitted("bad", "u2"); // the retry is already scheduled; it must carry the update
    PollWorkflowTaskQueueResponse retry = workflow.pollWorkflowTask();
    assertThat(retry.getAttempt()).isEqualTo(2);
    Message early = complete(retry.getMessages(0), "too soon");
    assertStatus(() -> respond(workflow, retry, List.of(early), protocol(early)), Status.Code.INVALID_ARGUMENT,
        "BadUpdateWorkflowExecutionMessage: invalid state transition attempted for Update u2: received *update.Response"
            + " message while in state Sent");
    assertThat(workflow.history()).hasSize(7); // a retry failing again writes nothing
    assertThat(failureOf(second).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void closingTheWorkflowFailsAcceptedUpdatesAndAbortsTheOthers() throws Exception {
    RawWorkflow workflow = idle("closing");
    CompletableFuture<UpdateWorkflowExecutionResponse> call = updateAsync(update("closing", "accepted-only").build());
    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();
    Message accepted = accept(task.getMessages(0));
    respond(workflow, task, List.of(accepted), protocol(accepted), RawWorkflow.completeWorkflow());

    UpdateWorkflowExecutionResponse answer = call.get(10, TimeUnit.SECONDS);
    assertThat(answer.getStage()).isEqualTo(COMPLETED);
    Failure failure = answer.getOutcome().getFailure();
    assertThat(failure.getMessage()).isEqualTo("Workflow Update failed because the Workflow completed before the Update completed.");
    assertThat(failure.getSource()).isEqualTo("Server");
    assertThat(failure.getApplicationFailureInfo().getType()).isEqualTo("AcceptedUpdateCompletedWorkflow");
    assertThat(failure.getApplicationFailureInfo().getNonRetryable()).isTrue();
    // asking again after the end gets the same answer
    assertThat(rpc.pollWorkflowExecutionUpdate(poll("closing", "accepted-only", COMPLETED)).getOutcome()).isEqualTo(answer.getOutcome());
    assertThat(types(workflow.history()).subList(6, 9)).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

    RawWorkflow terminated = idle("terminated");
    CompletableFuture<UpdateWorkflowExecutionResponse> waiting = updateAsync(update("terminated", "never-accepted").build());
    assertThat(terminated.pollWorkflowTask().getMessagesList()).hasSize(1);
    rpc.terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(terminated.execution()).build());
    Status status = failureOf(waiting);
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).isEqualTo("workflow update was aborted by closing workflow");
    assertThat(types(terminated.history())).doesNotContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  }

  @Test
  void aSignalDuringASpeculativeTaskKeepsTheTaskInHistory() throws Exception {
    RawWorkflow workflow = idle("signalled");
    CompletableFuture<UpdateWorkflowExecutionResponse> call = updateAsync(update("signalled", "u1").build());
    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();

    rpc.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(workflow.execution()).setSignalName("ping").build());
    // the task now has events to carry: its Scheduled and Started events are written under the ids it showed
    List<HistoryEvent> converted = workflow.history();
    assertThat(converted).hasSize(6);
    assertThat(converted.get(5).getEventId()).isEqualTo(task.getStartedEventId());

    RespondWorkflowTaskCompletedResponse response = respond(workflow, task, List.of(reject(task.getMessages(0), "no")));

    assertThat(response.getResetHistoryEventId()).isZero();
    assertThat(call.get(10, TimeUnit.SECONDS).getOutcome().getFailure().getMessage()).isEqualTo("no");
    assertThat(types(workflow.history()).subList(4, 9)).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  }

  @Test
  void requestsWithTheSameUpdateIdShareOneUpdate() throws Exception {
    RawWorkflow workflow = idle("shared");
    CompletableFuture<UpdateWorkflowExecutionResponse> first = updateAsync(update("shared", "u1").build());
    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();
    CompletableFuture<UpdateWorkflowExecutionResponse> second = updateAsync(update("shared", "u1")
        .setRequest(update("shared", "u1").getRequest().toBuilder()
            .setInput(update("shared", "u1").getRequest().getInput().toBuilder().setArgs(RawWorkflow.text("other"))))
        .build());

    Message accepted = accept(task.getMessages(0));
    Message completed = complete(task.getMessages(0), "once");
    respond(workflow, task, List.of(accepted, completed), protocol(accepted), protocol(completed));

    assertThat(first.get(10, TimeUnit.SECONDS).getOutcome().getSuccess()).isEqualTo(RawWorkflow.text("once"));
    assertThat(second.get(10, TimeUnit.SECONDS).getOutcome().getSuccess()).isEqualTo(RawWorkflow.text("once"));
    // after completion the same id is answered at once, without a task
    assertThat(rpc.updateWorkflowExecution(update("shared", "u1").build()).getOutcome().getSuccess())
        .isEqualTo(RawWorkflow.text("once"));
    assertThat(describe("shared").hasPendingWorkflowTask()).isFalse();
    assertThat(types(workflow.history()).stream().filter(t -> t == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED))
        .hasSize(1);
  }

  @Test
  void anUpdateArrivingDuringATaskGetsATaskOfItsOwnAfterIt() throws Exception {
    RawWorkflow workflow = new RawWorkflow(server, "during");
    PollWorkflowTaskQueueResponse first = workflow.pollWorkflowTask();
    CompletableFuture<UpdateWorkflowExecutionResponse> call = updateAsync(update("during", "u1").build());
    awaitAdmitted("during", "u1");

    // a worker taking its next task straight from the completion gets a speculative one
    PollWorkflowTaskQueueResponse next = workflow.complete(first, true).getWorkflowTask();
    assertThat(next.getMessagesList()).extracting(Message::getProtocolInstanceId).containsExactly("u1");
    assertThat(next.getStartedEventId()).isEqualTo(6);
    assertThat(workflow.history()).hasSize(4);
    assertThat(respond(workflow, next, List.of(reject(next.getMessages(0), "no"))).getResetHistoryEventId()).isEqualTo(3);
    assertThat(call.get(10, TimeUnit.SECONDS).getOutcome().getFailure().getMessage()).isEqualTo("no");
    assertThat(workflow.history()).hasSize(4);

    // otherwise the update waits for an ordinary task, whose events are written when it is scheduled
    PollWorkflowTaskQueueResponse signalled = workflow.pollWorkflowTaskAfterSignal();
    CompletableFuture<UpdateWorkflowExecutionResponse> later = updateAsync(update("during", "u2").build());
    awaitAdmitted("during", "u2");
    workflow.complete(signalled);
    assertThat(workflow.last().getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    PollWorkflowTaskQueueResponse ordinary = workflow.pollWorkflowTask();
    assertThat(ordinary.getMessagesList()).extracting(Message::getProtocolInstanceId).containsExactly("u2");
    respond(workflow, ordinary, List.of(reject(ordinary.getMessages(0), "no again")));
    assertThat(later.get(10, TimeUnit.SECONDS).getOutcome().getFailure().getMessage()).isEqualTo("no again");
    assertThat(workflow.last().getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  }

  @Test
  void anUpdateTheWorkflowNeverSawMovesToTheRunThatContinuesIt() throws Exception {
    RawWorkflow workflow = new RawWorkflow(server, "chain");
    PollWorkflowTaskQueueResponse first = workflow.pollWorkflowTask();
    CompletableFuture<UpdateWorkflowExecutionResponse> call = updateAsync(update("chain", "u1").build());
    awaitAdmitted("chain", "u1");

    workflow.complete(first, Command.newBuilder().setCommandType(CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION)
        .setContinueAsNewWorkflowExecutionCommandAttributes(
            io.temporal.api.command.v1.ContinueAsNewWorkflowExecutionCommandAttributes.getDefaultInstance())
        .build());

    PollWorkflowTaskQueueResponse firstOfNext = workflow.pollWorkflowTask();
    String nextRunId = firstOfNext.getWorkflowExecution().getRunId();
    assertThat(nextRunId).isNotEqualTo(first.getWorkflowExecution().getRunId());
    assertThat(firstOfNext.getMessagesList()).extracting(Message::getProtocolInstanceId).containsExactly("u1");
    Message accepted = accept(firstOfNext.getMessages(0));
    Message completed = complete(firstOfNext.getMessages(0), "on the new run");
    respond(workflow, firstOfNext, List.of(accepted, completed), protocol(accepted), protocol(completed));

    UpdateWorkflowExecutionResponse answer = call.get(10, TimeUnit.SECONDS);
    assertThat(answer.getOutcome().getSuccess()).isEqualTo(RawWorkflow.text("on the new run"));
    assertThat(answer.getUpdateRef().getWorkflowExecution().getRunId()).isEqualTo(nextRunId);
  }

  // ---- PollWorkflowExecutionUpdate -------------------------------------------------------------

  @Test
  void pollWaitsForTheStageAskedAndAnswersAtOnceWithoutOne() throws Exception {
    RawWorkflow workflow = idle("polled");
    String runId = describe("polled").getWorkflowExecutionInfo().getExecution().getRunId();
    CompletableFuture<UpdateWorkflowExecutionResponse> untilAccepted =
        updateAsync(update("polled", "u1").setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(ACCEPTED)).build());
    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();

    // no stage, or only admission, asked for: the answer comes at once
    for (UpdateWorkflowExecutionLifecycleStage stage : List.of(UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_UNSPECIFIED, ADMITTED)) {
      PollWorkflowExecutionUpdateResponse now = rpc.pollWorkflowExecutionUpdate(poll("polled", "u1", stage));
      assertThat(now.getStage()).isEqualTo(ADMITTED);
      assertThat(now.hasOutcome()).isFalse();
      assertThat(now.getUpdateRef().getWorkflowExecution().getRunId()).isEqualTo(runId);
      assertThat(now.getUpdateRef().getUpdateId()).isEqualTo("u1");
    }
    CompletableFuture<PollWorkflowExecutionUpdateResponse> untilCompleted = pollAsync(poll("polled", "u1", COMPLETED));

    // accepted, then the handler waits on an hour's timer
    Message accepted = accept(task.getMessages(0));
    respond(workflow, task, List.of(accepted), protocol(accepted), timer("hour", 3600));
    UpdateWorkflowExecutionResponse acceptedAnswer = untilAccepted.get(10, TimeUnit.SECONDS);
    assertThat(acceptedAnswer.getStage()).isEqualTo(ACCEPTED);
    assertThat(acceptedAnswer.hasOutcome()).isFalse();
    assertThat(rpc.pollWorkflowExecutionUpdate(poll("polled", "u1", ACCEPTED)).getStage()).isEqualTo(ACCEPTED);

    // the hour passes by skipping; the task after the timer answers the update
    PollWorkflowTaskQueueResponse afterTimer = workflow.pollWorkflowTask();
    assertThat(untilCompleted).isNotDone();
    Message completed = complete(task.getMessages(0), "an hour later");
    respond(workflow, afterTimer, List.of(completed), protocol(completed));

    PollWorkflowExecutionUpdateResponse done = untilCompleted.get(10, TimeUnit.SECONDS);
    assertThat(done.getStage()).isEqualTo(COMPLETED);
    assertThat(done.getOutcome().getSuccess()).isEqualTo(RawWorkflow.text("an hour later"));
    // asking for less than completion still tells the most advanced stage, with the outcome
    assertThat(rpc.pollWorkflowExecutionUpdate(poll("polled", "u1", ACCEPTED)).getStage()).isEqualTo(COMPLETED);
    var completedEvent = workflow.event("WORKFLOW_EXECUTION_UPDATE_COMPLETED").getWorkflowExecutionUpdateCompletedEventAttributes();
    assertThat(completedEvent.getAcceptedEventId()).isEqualTo(workflow.event("WORKFLOW_EXECUTION_UPDATE_ACCEPTED").getEventId());
  }

  @Test
  void pollRefusals() {
    idle("polled");
    assertStatus(() -> rpc.pollWorkflowExecutionUpdate(PollWorkflowExecutionUpdateRequest.newBuilder().setNamespace("default").build()),
        Status.Code.INVALID_ARGUMENT, "UpdateRef is not set on request.");
    assertStatus(() -> rpc.pollWorkflowExecutionUpdate(poll("polled", "u1", COMPLETED).toBuilder().setNamespace("nope").build()),
        Status.Code.NOT_FOUND, "Namespace nope is not found.");
    assertStatus(() -> rpc.pollWorkflowExecutionUpdate(poll("missing", "u1", COMPLETED)),
        Status.Code.NOT_FOUND, "workflow not found for ID: missing");
    assertStatus(() -> rpc.pollWorkflowExecutionUpdate(poll("polled", "nope", COMPLETED)),
        Status.Code.NOT_FOUND, "update \"nope\" not found");
  }

  @Test
  void aCallerWaitingLongerThanItsDeadlineAllowsGetsTheStageReached() {
    idle("slow"); // nobody polls for the update's task

    UpdateWorkflowExecutionResponse answer =
        rpc.withDeadlineAfter(2500, TimeUnit.MILLISECONDS).updateWorkflowExecution(update("slow", "u1").build());

    assertThat(answer.getStage()).isEqualTo(ADMITTED);
    assertThat(answer.hasOutcome()).isFalse();
    assertThat(answer.getUpdateRef().getUpdateId()).isEqualTo("u1");
    PollWorkflowExecutionUpdateResponse polled =
        rpc.withDeadlineAfter(2500, TimeUnit.MILLISECONDS).pollWorkflowExecutionUpdate(poll("slow", "u1", COMPLETED));
    assertThat(polled.getStage()).isEqualTo(ADMITTED);
  }
}
