package dev.timewarp.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.StickyExecutionAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.*;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sticky execution: the worker that holds a run in its cache gets its next tasks, with only new events. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StickyQueueTest {
  private final TimewarpServer server = TimewarpServer.start();
  private final WorkflowServiceGrpc.WorkflowServiceBlockingStub rpc = WorkflowServiceGrpc.newBlockingStub(server.channel());

  @AfterEach
  void close() {
    server.close();
  }

  private void completeSticky(PollWorkflowTaskQueueResponse task, long stickyTimeoutSeconds) {
    rpc.respondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest.newBuilder().setNamespace("default")
        .setTaskToken(task.getTaskToken()).setIdentity("sticky-worker")
        .setStickyAttributes(StickyExecutionAttributes.newBuilder()
            .setWorkerTaskQueue(TaskQueue.newBuilder().setName("sticky-1").setKind(TaskQueueKind.TASK_QUEUE_KIND_STICKY))
            .setScheduleToStartTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(stickyTimeoutSeconds)))
        .build());
  }

  private PollWorkflowTaskQueueResponse pollSticky() {
    return rpc.withDeadlineAfter(10, TimeUnit.SECONDS).pollWorkflowTaskQueue(PollWorkflowTaskQueueRequest.newBuilder()
        .setNamespace("default").setIdentity("sticky-worker")
        .setTaskQueue(TaskQueue.newBuilder().setName("sticky-1").setKind(TaskQueueKind.TASK_QUEUE_KIND_STICKY)).build());
  }

  @Test
  void nextTaskGoesToTheStickyQueueWithOnlyNewEvents() {
    RawWorkflow workflow = new RawWorkflow(server, "sticky");
    completeSticky(workflow.pollWorkflowTask(), 5);
    rpc.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(workflow.execution()).setSignalName("go").build());

    PollWorkflowTaskQueueResponse task = pollSticky();

    assertThat(task.getPreviousStartedEventId()).isEqualTo(3);
    assertThat(task.getHistory().getEventsList()).extracting(HistoryEvent::getEventId).containsExactly(4L, 5L, 6L, 7L);
    assertThat(task.getWorkflowExecutionTaskQueue().getName()).isEqualTo(RawWorkflow.QUEUE);
    TaskQueue scheduledOn = workflow.event("WORKFLOW_TASK_SCHEDULED").getWorkflowTaskScheduledEventAttributes().getTaskQueue();
    assertThat(scheduledOn.getKind()).isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_STICKY);
    assertThat(scheduledOn.getName()).isEqualTo("sticky-1");
    assertThat(scheduledOn.getNormalName()).isEqualTo(RawWorkflow.QUEUE);
  }

  @Test
  void unclaimedStickyTaskTimesOutToTheNormalQueueWithFullHistory() {
    RawWorkflow workflow = new RawWorkflow(server, "sticky-timeout");
    completeSticky(workflow.pollWorkflowTask(), 1);
    rpc.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(workflow.execution()).setSignalName("go").build());

    // nobody polls sticky-1; after its 1 s schedule-to-start the task moves to the normal queue
    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();

    assertThat(task.getHistory().getEvents(0).getEventId()).isEqualTo(1);
    HistoryEvent timedOut = workflow.event("WORKFLOW_TASK_TIMED_OUT");
    assertThat(timedOut.getWorkflowTaskTimedOutEventAttributes().getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    assertThat(workflow.event("WORKFLOW_TASK_SCHEDULED").getWorkflowTaskScheduledEventAttributes().getTaskQueue().getKind())
        .isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
  }

  @Test
  void workerShutdownSendsItsRunsBackToTheNormalQueue() {
    RawWorkflow workflow = new RawWorkflow(server, "sticky-shutdown");
    completeSticky(workflow.pollWorkflowTask(), 60);

    rpc.shutdownWorker(ShutdownWorkerRequest.newBuilder().setNamespace("default")
        .setIdentity("sticky-worker").setStickyTaskQueue("sticky-1").build());
    rpc.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(workflow.execution()).setSignalName("go").build());

    PollWorkflowTaskQueueResponse task = workflow.pollWorkflowTask();
    assertThat(task.getHistory().getEvents(0).getEventId()).isEqualTo(1);
    assertThat(workflow.history()).extracting(HistoryEvent::getEventType).doesNotContain(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
  }
}
