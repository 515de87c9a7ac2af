package dev.timewarp.server;

import com.google.protobuf.ByteString;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.CompleteWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.RequestCancelActivityTaskCommandAttributes;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.*;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A workflow driven by hand over raw RPCs, for exact control of commands and tokens. */
final class RawWorkflow {
  static final String QUEUE = "raw";
  final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc;
  final String workflowId;

  /** Starts the workflow on the raw task queue. */
  RawWorkflow(TimewarpServer server, String workflowId) {
    this(WorkflowServiceGrpc.newBlockingStub(server.channel()), workflowId);
    rpc.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowId(workflowId).setWorkflowType(WorkflowType.newBuilder().setName("Raw"))
        .setTaskQueue(TaskQueue.newBuilder().setName(QUEUE)).setRequestId(workflowId).build());
  }

  private RawWorkflow(WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc, String workflowId) {
    this.rpc = rpc;
    this.workflowId = workflowId;
  }

  /** Drives a workflow the test already started with options of its own. */
  static RawWorkflow attach(TimewarpServer server, String workflowId) {
    return new RawWorkflow(WorkflowServiceGrpc.newBlockingStub(server.channel()), workflowId);
  }

  WorkflowExecution execution() {
    return WorkflowExecution.newBuilder().setWorkflowId(workflowId).build();
  }

  PollWorkflowTaskQueueResponse pollWorkflowTask() {
    return rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollWorkflowTaskQueue(PollWorkflowTaskQueueRequest.newBuilder()
        .setNamespace("default").setIdentity("raw-worker").setTaskQueue(TaskQueue.newBuilder().setName(QUEUE)).build());
  }

  /** Signals the workflow so the server schedules a workflow task, then polls it. */
  PollWorkflowTaskQueueResponse pollWorkflowTaskAfterSignal() {
    rpc.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(execution()).setSignalName("wake").build());
    return pollWorkflowTask();
  }

  PollActivityTaskQueueResponse pollActivityTask() {
    return rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollActivityTaskQueue(PollActivityTaskQueueRequest.newBuilder()
        .setNamespace("default").setIdentity("activity-worker").setTaskQueue(TaskQueue.newBuilder().setName(QUEUE)).build());
  }

  RespondWorkflowTaskCompletedResponse complete(PollWorkflowTaskQueueResponse task, Command... commands) {
    return complete(task, false, commands);
  }

  RespondWorkflowTaskCompletedResponse complete(PollWorkflowTaskQueueResponse task, boolean returnNewTask, Command... commands) {
    return rpc.respondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setIdentity("raw-worker").addAllCommands(List.of(commands))
        .setReturnNewWorkflowTask(returnNewTask).build());
  }

  static ScheduleActivityTaskCommandAttributes.Builder activity(String id) {
    return ScheduleActivityTaskCommandAttributes.newBuilder().setActivityId(id)
        .setActivityType(ActivityType.newBuilder().setName("Charge")).setTaskQueue(TaskQueue.newBuilder().setName(QUEUE))
        .setStartToCloseTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(60));
  }

  static Command schedule(ScheduleActivityTaskCommandAttributes.Builder attributes) {
    return Command.newBuilder().setCommandType(CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK)
        .setScheduleActivityTaskCommandAttributes(attributes).build();
  }

  static Command cancel(long scheduledEventId) {
    return Command.newBuilder().setCommandType(CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK)
        .setRequestCancelActivityTaskCommandAttributes(RequestCancelActivityTaskCommandAttributes.newBuilder()
            .setScheduledEventId(scheduledEventId)).build();
  }

  static Command completeWorkflow() {
    return Command.newBuilder().setCommandType(CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION)
        .setCompleteWorkflowExecutionCommandAttributes(CompleteWorkflowExecutionCommandAttributes.getDefaultInstance()).build();
  }

  static RetryPolicy maxAttempts(int attempts) {
    return RetryPolicy.newBuilder().setMaximumAttempts(attempts).build();
  }

  static Payloads payload(int bytes) {
    return Payloads.newBuilder().addPayloads(Payload.newBuilder().setData(ByteString.copyFrom(new byte[bytes]))).build();
  }

  static Payloads text(String value) {
    return Payloads.newBuilder().addPayloads(Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8("\"" + value + "\""))).build();
  }

  List<HistoryEvent> history() {
    return rpc.getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default")
        .setExecution(execution()).build()).getHistory().getEventsList();
  }

  List<String> types() {
    return history().stream().map(e -> e.getEventType().name().replace("EVENT_TYPE_", "")).toList();
  }

  HistoryEvent last() {
    List<HistoryEvent> events = history();
    return events.get(events.size() - 1);
  }

  HistoryEvent event(String type) {
    return history().stream().filter(e -> e.getEventType().name().equals("EVENT_TYPE_" + type)).reduce((a, b) -> b).orElseThrow();
  }
}
