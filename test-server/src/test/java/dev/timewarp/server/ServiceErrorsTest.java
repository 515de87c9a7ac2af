package dev.timewarp.server;

import static dev.timewarp.server.RpcChecks.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.temporal.api.workflowservice.v1.ListSchedulesRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.*;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hand-made requests for the error paths: the right status, the right message, nothing changed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceErrorsTest {
  private final TimewarpServer server = TimewarpServer.start();
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc =
      WorkflowServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }

  private StartWorkflowExecutionRequest.Builder start(String workflowId) {
    return StartWorkflowExecutionRequest.newBuilder()
        .setNamespace("default")
        .setWorkflowId(workflowId)
        .setWorkflowType(WorkflowType.newBuilder().setName("Raw"))
        .setTaskQueue(TaskQueue.newBuilder().setName("raw"))
        .setRequestId(java.util.UUID.randomUUID().toString());
  }

  private List<HistoryEvent> history(String workflowId) {
    return rpc.getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder()
                .setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getHistory()
        .getEventsList();
  }

  @Test
  void unknownNamespaceIsNotFound() {
    assertStatus(
        () -> rpc.describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("nope").build()),
        Status.Code.NOT_FOUND,
        "Namespace nope is not found.");
    assertStatus(
        () -> rpc.startWorkflowExecution(start("w").setNamespace("nope").build()),
        Status.Code.NOT_FOUND,
        "Namespace nope is not found.");
  }

  @Test
  void namespacesRegisterOnceAndDescribe() {
    rpc.registerNamespace(RegisterNamespaceRequest.newBuilder().setNamespace("orders").setDescription("d").build());
    assertThat(rpc.describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace("orders").build())
            .getNamespaceInfo().getDescription())
        .isEqualTo("d");
    assertStatus(
        () -> rpc.registerNamespace(RegisterNamespaceRequest.newBuilder().setNamespace("orders").build()),
        Status.Code.ALREADY_EXISTS,
        "Namespace already exists.");
    assertThat(rpc.listNamespaces(ListNamespacesRequest.getDefaultInstance()).getNamespacesList())
        .extracting(n -> n.getNamespaceInfo().getName())
        .containsExactly("default", "orders");
  }

  @Test
  void startValidationNamesTheMissingField() {
    assertStatus(
        () -> rpc.startWorkflowExecution(start("").build()),
        Status.Code.INVALID_ARGUMENT,
        "WorkflowId is not set on request.");
    assertStatus(
        () -> rpc.startWorkflowExecution(start("w").clearWorkflowType().build()),
        Status.Code.INVALID_ARGUMENT,
        "WorkflowType is not set on request.");
    assertStatus(
        () -> rpc.startWorkflowExecution(start("w").clearTaskQueue().build()),
        Status.Code.INVALID_ARGUMENT,
        "TaskQueue is not set on request.");
    // nothing was created by the refused requests
    assertStatus(() -> history("w"), Status.Code.NOT_FOUND, "workflow not found for ID: w");
  }

  @Test
  void unimplementedRpcsNameTheMethod() {
    assertThatThrownBy(() -> rpc.listSchedules(ListSchedulesRequest.newBuilder().setNamespace("default").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
          assertThat(e.getStatus().getDescription()).contains("ListSchedules");
        });
  }

  @Test
  void idConflictAndReusePolicies() {
    StartWorkflowExecutionRequest first = start("dup").build();
    String runId = rpc.startWorkflowExecution(first).getRunId();

    // same request id: de-duplicated, same run
    assertThat(rpc.startWorkflowExecution(first).getRunId()).isEqualTo(runId);
    // a new request while running: ALREADY_EXISTS with the details the SDKs read
    StatusRuntimeException conflict =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class, () -> rpc.startWorkflowExecution(start("dup").build()));
    assertThat(conflict.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(conflict.getStatus().getDescription())
        .isEqualTo("Workflow execution is already running. WorkflowId: dup, RunId: " + runId + ".");
    var details = StatusProto.fromThrowable(conflict).getDetails(0);
    assertThat(details.is(WorkflowExecutionAlreadyStartedFailure.class)).isTrue();
    // USE_EXISTING hands back the running run
    StartWorkflowExecutionResponse existing =
        rpc.startWorkflowExecution(start("dup").setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING).build());
    assertThat(existing.getRunId()).isEqualTo(runId);
    assertThat(existing.getStarted()).isFalse();

    rpc.terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder()
        .setNamespace("default").setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("dup")).build());
    assertThatThrownBy(() -> rpc.startWorkflowExecution(start("dup")
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
    // terminated counts as failed for ALLOW_DUPLICATE_FAILED_ONLY
    String second = rpc.startWorkflowExecution(start("dup")
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY).build())
        .getRunId();
    assertThat(second).isNotEqualTo(runId);
  }

  @Test
  void pollsNeedADeadlineOfAtLeastTwoSeconds() {
    PollWorkflowTaskQueueRequest poll = PollWorkflowTaskQueueRequest.newBuilder()
        .setNamespace("default").setTaskQueue(TaskQueue.newBuilder().setName("raw")).build();
    assertStatus(() -> rpc.pollWorkflowTaskQueue(poll), Status.Code.INVALID_ARGUMENT, "Context timeout is not set.");
    assertStatus(
        () -> rpc.withDeadlineAfter(1, TimeUnit.SECONDS).pollWorkflowTaskQueue(poll),
        Status.Code.FAILED_PRECONDITION,
        "Context timeout is too short.");
  }

  @Test
  void garbageTaskTokenIsRefused() {
    assertStatus(
        () -> rpc.respondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest.newBuilder()
            .setNamespace("default").setTaskToken(ByteString.copyFromUtf8("not a token")).build()),
        Status.Code.INVALID_ARGUMENT,
        "Error deserializing task token.");
  }

  @Test
  void invalidActivityCommandFailsTheWorkflowTaskAndSchedulesNothing() {
    rpc.startWorkflowExecution(start("bad-activity").build());
    PollWorkflowTaskQueueResponse task = rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollWorkflowTaskQueue(
        PollWorkflowTaskQueueRequest.newBuilder().setNamespace("default").setIdentity("raw-worker")
            .setTaskQueue(TaskQueue.newBuilder().setName("raw")).build());
    Command noTimeouts = Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK)
        .setScheduleActivityTaskCommandAttributes(ScheduleActivityTaskCommandAttributes.newBuilder()
            .setActivityId("a1").setActivityType(ActivityType.newBuilder().setName("Charge"))
            .setTaskQueue(TaskQueue.newBuilder().setName("raw")))
        .build();
    String expected = "BadScheduleActivityAttributes: a valid StartToCloseTimeout or ScheduleToCloseTimeout must be set"
        + " on the activity. ActivityId=a1 ActivityType=Charge";

    assertStatus(
        () -> rpc.respondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest.newBuilder()
            .setNamespace("default").setTaskToken(task.getTaskToken()).setIdentity("raw-worker").addCommands(noTimeouts).build()),
        Status.Code.INVALID_ARGUMENT,
        expected);

    List<HistoryEvent> events = history("bad-activity");
    assertThat(events).extracting(HistoryEvent::getEventType).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    var failed = events.get(3).getWorkflowTaskFailedEventAttributes();
    assertThat(failed.getCause()).isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
    assertThat(failed.getFailure().getMessage()).isEqualTo(expected);
    // the retry is transient: attempt 2 is offered with its events only in the task
    PollWorkflowTaskQueueResponse retry = rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollWorkflowTaskQueue(
        PollWorkflowTaskQueueRequest.newBuilder().setNamespace("default").setTaskQueue(TaskQueue.newBuilder().setName("raw")).build());
    assertThat(retry.getAttempt()).isEqualTo(2);
    assertThat(retry.getHistory().getEventsCount()).isEqualTo(6);
    assertThat(history("bad-activity")).hasSize(4);
  }

  @Test
  void historyLongPollReturnsWhenANewEventArrives() throws Exception {
    rpc.startWorkflowExecution(start("long-poll").build());
    GetWorkflowExecutionHistoryResponse page = rpc.getWorkflowExecutionHistory(
        GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId("long-poll")).setWaitNewEvent(true).build());
    assertThat(page.getHistory().getEventsCount()).isEqualTo(2);
    assertThat(page.getNextPageToken().isEmpty()).isFalse();

    CompletableFuture<GetWorkflowExecutionHistoryResponse> next = CompletableFuture.supplyAsync(() ->
        rpc.withDeadlineAfter(30, TimeUnit.SECONDS).getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId("long-poll"))
                .setWaitNewEvent(true).setNextPageToken(page.getNextPageToken()).build()));
    rpc.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("long-poll")).setSignalName("go").build());

    GetWorkflowExecutionHistoryResponse arrived = next.get(20, TimeUnit.SECONDS);
    assertThat(arrived.getHistory().getEventsList())
        .extracting(HistoryEvent::getEventType)
        .containsExactly(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    assertThat(arrived.getHistory().getEvents(0).getEventId()).isEqualTo(3);
  }

  @Test
  void systemInfoAdvertisesOnlyWhatIsImplemented() {
    var capabilities = rpc.getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).getCapabilities();
    assertThat(capabilities.getSdkMetadata()).isTrue();
    assertThat(capabilities.getSignalAndQueryHeader()).isTrue();
    assertThat(capabilities.getEagerWorkflowStart()).isFalse();
    assertThat(capabilities.getCountGroupByExecutionStatus()).isFalse();
  }

  @Test
  void unansweredWorkflowTaskTimesOutAndIsRetriedTransiently() {
    rpc.startWorkflowExecution(start("slow-worker")
        .setWorkflowTaskTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1)).build());
    PollWorkflowTaskQueueRequest poll = PollWorkflowTaskQueueRequest.newBuilder().setNamespace("default")
        .setIdentity("silent").setTaskQueue(TaskQueue.newBuilder().setName("raw")).build();
    PollWorkflowTaskQueueResponse first = rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollWorkflowTaskQueue(poll);
    assertThat(first.getAttempt()).isEqualTo(1);

    // never answered: the 1 s task timeout passes (a started task is in flight, so in wall time)
    PollWorkflowTaskQueueResponse second = rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollWorkflowTaskQueue(poll);

    assertThat(second.getAttempt()).isEqualTo(2);
    assertThat(history("slow-worker")).extracting(HistoryEvent::getEventType).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    assertStatus(
        () -> rpc.respondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest.newBuilder()
            .setNamespace("default").setTaskToken(first.getTaskToken()).build()),
        Status.Code.NOT_FOUND,
        "Workflow task not found.");
  }

  @Test
  void searchAttributesAreRegisteredThroughTheOperatorService() {
    var operator = io.temporal.api.operatorservice.v1.OperatorServiceGrpc.newBlockingStub(server.channel());
    operator.addSearchAttributes(io.temporal.api.operatorservice.v1.AddSearchAttributesRequest.newBuilder()
        .setNamespace("default")
        .putSearchAttributes("OrderTotal", io.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE)
        .build());
    var listed = operator.listSearchAttributes(
        io.temporal.api.operatorservice.v1.ListSearchAttributesRequest.newBuilder().setNamespace("default").build());
    assertThat(listed.getCustomAttributesMap()).containsKey("OrderTotal");
    assertThat(listed.getSystemAttributesMap()).containsKey("WorkflowId");
    assertStatus(
        () -> rpc.startWorkflowExecution(start("sa").setSearchAttributes(io.temporal.api.common.v1.SearchAttributes.newBuilder()
            .putIndexedFields("Unknown", io.temporal.api.common.v1.Payload.getDefaultInstance())).build()),
        Status.Code.INVALID_ARGUMENT,
        "Namespace default has no mapping defined for search attribute Unknown");
  }
}
