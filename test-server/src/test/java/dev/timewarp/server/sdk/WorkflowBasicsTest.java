package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.server.ServerOptions;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkflowBasicsTest {
  static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

  @WorkflowInterface
  public interface Sleeper {
    @WorkflowMethod
    String sleep(Duration duration);
  }

  public static class SleeperImpl implements Sleeper {
    @Override
    public String sleep(Duration duration) {
      Workflow.sleep(duration);
      return "woke at " + Instant.ofEpochMilli(Workflow.currentTimeMillis());
    }
  }

  @WorkflowInterface
  public interface Mailbox {
    @WorkflowMethod
    List<String> collect(int count);

    @SignalMethod
    void post(String message);

    @QueryMethod
    List<String> received();
  }

  public static class MailboxImpl implements Mailbox {
    private final List<String> messages = new ArrayList<>();

    @Override
    public List<String> collect(int count) {
      Workflow.await(() -> messages.size() >= count);
      return messages;
    }

    @Override
    public void post(String message) {
      messages.add(message);
    }

    @Override
    public List<String> received() {
      return messages;
    }
  }

  @ActivityInterface
  public interface Greeter {
    String greet(String name);
  }

  public static class GreeterImpl implements Greeter {
    @Override
    public String greet(String name) {
      return "Hello, " + name;
    }
  }

  @WorkflowInterface
  public interface Greeting {
    @WorkflowMethod
    String greet(String name);
  }

  public static class GreetingImpl implements Greeting {
    private final Greeter greeter =
        Workflow.newActivityStub(
            Greeter.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());

    @Override
    public String greet(String name) {
      return greeter.greet(name);
    }
  }

  private SdkHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private SdkHarness harness(Class<?>... workflowTypes) {
    harness = new SdkHarness(ServerOptions.builder().initialTime(EPOCH).build());
    harness.worker.registerWorkflowImplementationTypes(workflowTypes);
    return harness;
  }

  @Test
  void thirtyDaySleepSkipsVirtualTime() {
    harness(SleeperImpl.class).start();
    Sleeper sleeper = harness.newStub(Sleeper.class, "sleeper");

    String result = sleeper.sleep(Duration.ofDays(30));

    assertThat(harness.server.clock().now()).isAfterOrEqualTo(EPOCH.plus(Duration.ofDays(30)));
    assertThat(result).startsWith("woke at 2030-01-31");
    List<HistoryEvent> events = harness.history("sleeper");
    assertThat(SdkHarness.types(events))
        .containsExactly(
            "WORKFLOW_EXECUTION_STARTED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "TIMER_STARTED",
            "TIMER_FIRED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "WORKFLOW_EXECUTION_COMPLETED");
    HistoryEvent fired = events.get(5);
    assertThat(fired.getTimerFiredEventAttributes().getStartedEventId()).isEqualTo(5);
    Instant firedAt = Instant.ofEpochSecond(fired.getEventTime().getSeconds());
    assertThat(firedAt).isAfterOrEqualTo(EPOCH.plus(Duration.ofDays(30)));
  }

  @Test
  void signalsAndQueriesReachTheWorkflow() {
    harness(MailboxImpl.class).start();
    Mailbox mailbox = harness.newStub(Mailbox.class, "mailbox");
    WorkflowClient.start(mailbox::collect, 2);

    mailbox.post("first");
    assertThat(mailbox.received()).containsExactly("first");
    mailbox.post("second");

    List<String> result = WorkflowStub.fromTyped(mailbox).getResult(List.class);
    assertThat(result).containsExactly("first", "second");
    assertThat(SdkHarness.types(harness.history("mailbox")))
        .filteredOn(t -> t.equals("WORKFLOW_EXECUTION_SIGNALED"))
        .hasSize(2);
    // a query after completion is answered from the replayed history
    assertThat(mailbox.received()).containsExactly("first", "second");
  }

  @Test
  void signalWithStartStartsAndDeliversTheSignal() {
    harness(MailboxImpl.class).start();
    Mailbox mailbox = harness.newStub(Mailbox.class, "sws");
    io.temporal.client.BatchRequest request = harness.client.newSignalWithStartRequest();
    request.add(mailbox::collect, 1);
    request.add(mailbox::post, "hello");
    harness.client.signalWithStart(request);

    assertThat(WorkflowStub.fromTyped(mailbox).getResult(List.class)).containsExactly("hello");
    List<String> types = SdkHarness.types(harness.history("sws"));
    assertThat(types.subList(0, 3))
        .containsExactly("WORKFLOW_EXECUTION_STARTED", "WORKFLOW_EXECUTION_SIGNALED", "WORKFLOW_TASK_SCHEDULED");
  }

  @Test
  void activityRunsEndToEnd() {
    harness(GreetingImpl.class);
    harness.worker.registerActivitiesImplementations(new GreeterImpl());
    harness.start();

    String result = harness.newStub(Greeting.class, "greeting").greet("Timewarp");

    assertThat(result).isEqualTo("Hello, Timewarp");
    List<HistoryEvent> events = harness.history("greeting");
    assertThat(SdkHarness.types(events))
        .containsExactly(
            "WORKFLOW_EXECUTION_STARTED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "ACTIVITY_TASK_SCHEDULED",
            "ACTIVITY_TASK_STARTED",
            "ACTIVITY_TASK_COMPLETED",
            "WORKFLOW_TASK_SCHEDULED",
            "WORKFLOW_TASK_STARTED",
            "WORKFLOW_TASK_COMPLETED",
            "WORKFLOW_EXECUTION_COMPLETED");
    var scheduled = events.get(4).getActivityTaskScheduledEventAttributes();
    assertThat(scheduled.getRetryPolicy().getInitialInterval().getSeconds()).isEqualTo(1);
    assertThat(scheduled.getRetryPolicy().getMaximumInterval().getSeconds()).isEqualTo(100);
    assertThat(scheduled.getRetryPolicy().getBackoffCoefficient()).isEqualTo(2.0);
    var started = events.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getScheduledEventId()).isEqualTo(5);
    assertThat(started.getAttempt()).isEqualTo(1);
    var completed = events.get(6).getActivityTaskCompletedEventAttributes();
    assertThat(completed.getScheduledEventId()).isEqualTo(5);
    assertThat(completed.getStartedEventId()).isEqualTo(6);
  }

  @Test
  void cancelRequestCancelsTheWorkflow() {
    harness(MailboxImpl.class).start();
    Mailbox mailbox = harness.newStub(Mailbox.class, "cancel-me");
    WorkflowClient.start(mailbox::collect, 5);
    WorkflowStub stub = WorkflowStub.fromTyped(mailbox);

    stub.cancel();

    assertThatThrownBy(() -> stub.getResult(List.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    List<String> types = SdkHarness.types(harness.history("cancel-me"));
    assertThat(types).contains("WORKFLOW_EXECUTION_CANCEL_REQUESTED");
    assertThat(types).last().isEqualTo("WORKFLOW_EXECUTION_CANCELED");
  }

  @Test
  void terminateClosesTheWorkflowAtOnce() {
    harness(MailboxImpl.class).start();
    Mailbox mailbox = harness.newStub(Mailbox.class, "terminate-me");
    WorkflowClient.start(mailbox::collect, 5);
    WorkflowStub stub = WorkflowStub.fromTyped(mailbox);

    stub.terminate("enough");

    assertThatThrownBy(() -> stub.getResult(List.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(TerminatedFailure.class);
    List<HistoryEvent> events = harness.history("terminate-me");
    HistoryEvent last = events.get(events.size() - 1);
    assertThat(last.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    assertThat(last.getWorkflowExecutionTerminatedEventAttributes().getReason()).isEqualTo("enough");
    var described =
        harness.stubs.blockingStub().describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setExecution(stub.getExecution())
                .build());
    assertThat(described.getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void runTimeoutArrivesByTimeSkipping() {
    harness(MailboxImpl.class).start();
    Mailbox mailbox =
        harness.client.newWorkflowStub(
            Mailbox.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(harness.taskQueue)
                .setWorkflowId("waits-forever")
                .setWorkflowRunTimeout(Duration.ofHours(2))
                .build());
    WorkflowClient.start(mailbox::collect, 1);

    assertThatThrownBy(() -> WorkflowStub.fromTyped(mailbox).getResult(List.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(TimeoutFailure.class);
    assertThat(harness.server.clock().now()).isAfterOrEqualTo(EPOCH.plus(Duration.ofHours(2)));
    assertThat(SdkHarness.types(harness.history("waits-forever")))
        .last()
        .isEqualTo("WORKFLOW_EXECUTION_TIMED_OUT");
  }

  @Test
  void workflowWithoutTimeoutWaitingForSignalDoesNotTimeOut() {
    harness(MailboxImpl.class).start();
    Mailbox mailbox = harness.newStub(Mailbox.class, "patient");
    WorkflowClient.start(mailbox::collect, 1);
    harness.server.clock().awaitIdle(Duration.ofSeconds(10));
    harness.server.clock().advance(Duration.ofDays(3650));

    mailbox.post("still here");

    assertThat(WorkflowStub.fromTyped(mailbox).getResult(List.class)).containsExactly("still here");
  }

  @WorkflowInterface
  public interface Failing {
    @WorkflowMethod
    void fail();
  }

  public static class FailingImpl implements Failing {
    @Override
    public void fail() {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("out of stock", "OutOfStock");
    }
  }

  @WorkflowInterface
  public interface Impatient {
    @WorkflowMethod
    String run();
  }

  public static class ImpatientImpl implements Impatient {
    @Override
    public String run() {
      io.temporal.workflow.CancellationScope scope =
          Workflow.newCancellationScope(() -> Workflow.newTimer(Duration.ofHours(1)));
      scope.run();
      Workflow.sleep(Duration.ofMinutes(1));
      scope.cancel();
      Workflow.sleep(Duration.ofHours(2));
      return "done";
    }
  }

  @Test
  void workflowFailureIsReportedWithItsCause() {
    harness(FailingImpl.class).start();
    Failing failing = harness.newStub(Failing.class, "failing");

    assertThatThrownBy(failing::fail)
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(io.temporal.failure.ApplicationFailure.class)
        .hasMessageContaining("out of stock");
    List<HistoryEvent> events = harness.history("failing");
    HistoryEvent last = events.get(events.size() - 1);
    assertThat(last.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(last.getWorkflowExecutionFailedEventAttributes().getFailure().getApplicationFailureInfo().getType())
        .isEqualTo("OutOfStock");
  }

  @Test
  void cancelledTimerNeverFiresAndAddsNoTime() {
    harness(ImpatientImpl.class).start();

    assertThat(harness.newStub(Impatient.class, "impatient").run()).isEqualTo("done");

    List<String> types = SdkHarness.types(harness.history("impatient"));
    assertThat(types).contains("TIMER_CANCELED");
    assertThat(types.stream().filter(t -> t.equals("TIMER_FIRED")).count()).isEqualTo(2);
    // 1 min + 2 h of sleeps; the cancelled 1 h timer was never jumped to
    assertThat(harness.server.clock().now()).isBefore(EPOCH.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(5)));
  }

  @Test
  void historyPagesFollowTheToken() {
    harness(SleeperImpl.class).start();
    harness.newStub(Sleeper.class, "paged").sleep(Duration.ofMinutes(1));
    var rpc = harness.stubs.blockingStub();
    List<HistoryEvent> all = new ArrayList<>();
    com.google.protobuf.ByteString token = com.google.protobuf.ByteString.EMPTY;
    int pages = 0;
    do {
      var page = rpc.getWorkflowExecutionHistory(
          io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest.newBuilder()
              .setNamespace("default")
              .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId("paged"))
              .setMaximumPageSize(3)
              .setNextPageToken(token)
              .build());
      all.addAll(page.getHistory().getEventsList());
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(4);
    assertThat(all).extracting(HistoryEvent::getEventId).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
  }
}
