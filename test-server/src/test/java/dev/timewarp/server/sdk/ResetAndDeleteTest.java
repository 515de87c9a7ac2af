package dev.timewarp.server.sdk;

import static dev.timewarp.server.RpcChecks.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ResetWorkflowExecution to a workflow task, and DeleteWorkflowExecution, through the SDK. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ResetAndDeleteTest {
  @ActivityInterface
  public interface Stamp {
    int stamp(String what);
  }

  public static class StampImpl implements Stamp {
    static final AtomicInteger calls = new AtomicInteger();

    @Override
    public int stamp(String what) {
      return calls.incrementAndGet();
    }
  }

  @WorkflowInterface
  public interface Paperwork {
    @WorkflowMethod
    String file();

    @SignalMethod
    void note(String note);
  }

  public static class PaperworkImpl implements Paperwork {
    private final List<String> notes = new ArrayList<>();

    @Override
    public String file() {
      Stamp stamp = Workflow.newActivityStub(Stamp.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());
      stamp.stamp("received");
      Workflow.await(Duration.ofDays(2), () -> notes.size() >= 2);
      return "filed with " + notes;
    }

    @Override
    public void note(String note) {
      notes.add(note);
    }
  }

  // time moves only when a test says so: a running workflow stays running until it is reset
  private final SdkHarness harness = new SdkHarness(
      dev.timewarp.server.ServerOptions.builder().timeSkipping(dev.timewarp.server.TimeSkipping.MANUAL).build());

  @AfterEach
  void tearDown() {
    harness.close();
  }

  private void start() {
    harness.worker.registerWorkflowImplementationTypes(PaperworkImpl.class);
    harness.worker.registerActivitiesImplementations(new StampImpl());
    harness.start();
  }

  private static long firstCompletedTask(List<HistoryEvent> events) {
    return events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
        .findFirst().orElseThrow().getEventId();
  }

  private static List<HistoryEvent> withoutTaskIds(List<HistoryEvent> events) {
    return events.stream().map(e -> e.toBuilder().clearTaskId().build()).toList();
  }

  private WorkflowExecutionStatus status(String workflowId, String runId) {
    return harness.stubs.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId)).build())
        .getWorkflowExecutionInfo().getStatus();
  }

  @Test
  void resettingACompletedWorkflowRunsItAgainWithItsSignalsReapplied() {
    start();
    Paperwork paperwork = harness.newStub(Paperwork.class, "paperwork");
    WorkflowExecution first = WorkflowClient.start(paperwork::file);
    paperwork.note("a");
    paperwork.note("b");
    assertThat(WorkflowStub.fromTyped(paperwork).getResult(String.class)).isEqualTo("filed with [a, b]");
    int stampsBefore = StampImpl.calls.get();

    long resetPoint = firstCompletedTask(harness.history("paperwork"));
    var reset = harness.stubs.blockingStub().resetWorkflowExecution(ResetWorkflowExecutionRequest.newBuilder()
        .setNamespace("default").setWorkflowExecution(first).setReason("refile").setRequestId("reset-1")
        .setWorkflowTaskFinishEventId(resetPoint).build());

    WorkflowStub again = harness.client.newUntypedWorkflowStub("paperwork");
    assertThat(again.getResult(String.class)).isEqualTo("filed with [a, b]");
    assertThat(StampImpl.calls.get()).isEqualTo(stampsBefore + 1); // the activity ran again
    List<HistoryEvent> events = harness.client.fetchHistory("paperwork", reset.getRunId()).getEvents();
    // the base history up to the reset point, then the failed task, then the signals received after it
    assertThat(withoutTaskIds(events.subList(0, (int) resetPoint - 1))).isEqualTo(withoutTaskIds(
        harness.client.fetchHistory("paperwork", first.getRunId()).getEvents().subList(0, (int) resetPoint - 1)));
    var failed = events.get((int) resetPoint - 1);
    assertThat(failed.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    assertThat(failed.getWorkflowTaskFailedEventAttributes().getCause()).isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW);
    assertThat(failed.getWorkflowTaskFailedEventAttributes().getBaseRunId()).isEqualTo(first.getRunId());
    assertThat(failed.getWorkflowTaskFailedEventAttributes().getNewRunId()).isEqualTo(reset.getRunId());
    long signalsBefore = events.subList(0, (int) resetPoint - 1).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).count();
    long signalsAfter = events.stream().skip(resetPoint)
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).count();
    assertThat(signalsBefore + signalsAfter).isEqualTo(2);
    // the same request id again answers the same run
    var repeated = harness.stubs.blockingStub().resetWorkflowExecution(ResetWorkflowExecutionRequest.newBuilder()
        .setNamespace("default").setWorkflowExecution(first).setReason("refile").setRequestId("reset-1")
        .setWorkflowTaskFinishEventId(firstCompletedTask(harness.history("paperwork"))).build());
    assertThat(repeated.getRunId()).isEqualTo(reset.getRunId());
  }

  @Test
  void resettingARunningWorkflowTerminatesItAndRestoresItsTimer() {
    start();
    Paperwork paperwork = harness.newStub(Paperwork.class, "pending");
    WorkflowExecution first = WorkflowClient.start(paperwork::file);
    paperwork.note("only one");
    // wait until the await's two-day timer is in the history
    dev.timewarp.server.Await.until(() -> harness.history("pending").stream()
        .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED), () -> "the timer to start");
    long resetPoint = harness.history("pending").stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
        .reduce((a, b) -> b).orElseThrow().getEventId();

    var reset = harness.stubs.blockingStub().resetWorkflowExecution(ResetWorkflowExecutionRequest.newBuilder()
        .setNamespace("default").setWorkflowExecution(first).setReason("operator reset")
        .setWorkflowTaskFinishEventId(resetPoint).build());

    assertThat(status("pending", first.getRunId())).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    // the restored two-day timer fires and the workflow ends with the one note it had
    harness.server.clock().advance(Duration.ofDays(2));
    assertThat(harness.client.newUntypedWorkflowStub("pending").getResult(String.class)).isEqualTo("filed with [only one]");
    assertThat(status("pending", reset.getRunId())).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  @Test
  void badResetPointsAreRefusedAndChangeNothing() {
    start();
    Paperwork paperwork = harness.newStub(Paperwork.class, "refused");
    WorkflowExecution first = WorkflowClient.start(paperwork::file);
    paperwork.note("x");
    paperwork.note("y");
    WorkflowStub.fromTyped(paperwork).getResult(String.class);

    assertStatus(() -> harness.stubs.blockingStub().resetWorkflowExecution(ResetWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setWorkflowExecution(first).setWorkflowTaskFinishEventId(1).build()),
        Status.Code.INVALID_ARGUMENT, "Workflow task finish ID must be > 1 && <= workflow last event ID.");
    assertStatus(() -> harness.stubs.blockingStub().resetWorkflowExecution(ResetWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setWorkflowExecution(first).setWorkflowTaskFinishEventId(2).build()),
        Status.Code.INVALID_ARGUMENT, "Can only reset workflow to event ID in range [WorkflowTaskScheduled +1, WorkflowTaskStarted + 1]: 2");
    assertThat(status("refused", "")).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  @Test
  void deletingARunningWorkflowTerminatesAndForgetsIt() {
    start();
    Paperwork paperwork = harness.newStub(Paperwork.class, "doomed");
    WorkflowExecution run = WorkflowClient.start(paperwork::file);

    harness.stubs.blockingStub().deleteWorkflowExecution(DeleteWorkflowExecutionRequest.newBuilder()
        .setNamespace("default").setWorkflowExecution(run).build());

    assertStatus(() -> status("doomed", run.getRunId()), Status.Code.NOT_FOUND, "workflow not found for ID: doomed");
    assertThat(harness.client.countWorkflows("WorkflowId = 'doomed'").getCount()).isZero();
  }
}
