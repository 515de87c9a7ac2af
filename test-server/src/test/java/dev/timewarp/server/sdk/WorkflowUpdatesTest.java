package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.server.ServerOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionUpdateAcceptedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionUpdateCompletedEventAttributes;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Workflow updates through the official SDK: accepted, rejected, failed, waited on, with start. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkflowUpdatesTest {
  static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

  @WorkflowInterface
  public interface Counter {
    @WorkflowMethod
    int run();

    @UpdateMethod
    int add(int amount);

    @UpdateValidatorMethod(updateName = "add")
    void checkAdd(int amount);

    /** Sleeps a day before answering with the workflow's clock. */
    @UpdateMethod
    String addAfterADay(int amount);

    @UpdateMethod
    int refuse(String reason);

    @SignalMethod
    void finish();

    @QueryMethod
    int total();
  }

  public static class CounterImpl implements Counter {
    private int total;
    private boolean finished;

    @Override
    public int run() {
      Workflow.await(() -> finished);
      return total;
    }

    @Override
    public int add(int amount) {
      total += amount;
      return total;
    }

    @Override
    public void checkAdd(int amount) {
      if (amount < 0) {
        throw new IllegalArgumentException("cannot add " + amount);
      }
    }

    @Override
    public String addAfterADay(int amount) {
      Workflow.sleep(Duration.ofDays(1));
      total += amount;
      return "total " + total + " at " + Instant.ofEpochMilli(Workflow.currentTimeMillis());
    }

    @Override
    public int refuse(String reason) {
      throw ApplicationFailure.newFailure(reason, "Refused");
    }

    @Override
    public void finish() {
      finished = true;
    }

    @Override
    public int total() {
      return total;
    }
  }

  private final SdkHarness harness = new SdkHarness(ServerOptions.builder().initialTime(EPOCH).build());

  @AfterEach
  void tearDown() {
    harness.close();
  }

  private Counter started(String workflowId) {
    harness.worker.registerWorkflowImplementationTypes(CounterImpl.class);
    harness.start();
    Counter counter = harness.newStub(Counter.class, workflowId);
    WorkflowClient.start(counter::run);
    return counter;
  }

  private static List<EventType> types(List<HistoryEvent> events) {
    return events.stream().map(HistoryEvent::getEventType).toList();
  }

  private static List<HistoryEvent> ofType(List<HistoryEvent> events, EventType type) {
    return events.stream().filter(e -> e.getEventType() == type).toList();
  }

  private static <T> UpdateOptions<T> options(String name, String updateId, Class<T> result, WorkflowUpdateStage stage) {
    return UpdateOptions.newBuilder(result).setUpdateName(name).setUpdateId(updateId).setWaitForStage(stage).build();
  }

  private static int decodeInt(io.temporal.api.common.v1.Payloads payloads) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0, java.util.Optional.of(payloads), Integer.class, Integer.class);
  }

  @Test
  void anAcceptedUpdateAnswersWithItsResultAndLeavesAcceptedAndCompletedEvents() {
    Counter counter = started("accepted");
    WorkflowStub stub = WorkflowStub.fromTyped(counter);

    WorkflowUpdateHandle<Integer> first = stub.startUpdate(options("add", "add-5", Integer.class, WorkflowUpdateStage.COMPLETED), 5);
    assertThat(first.getResult()).isEqualTo(5);
    assertThat(counter.add(2)).isEqualTo(7);
    assertThat(counter.total()).isEqualTo(7);
    counter.finish();
    assertThat(stub.getResult(Integer.class)).isEqualTo(7);

    List<HistoryEvent> history = harness.history("accepted");
    assertThat(types(history)).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        // each update came on a task of its own, which stays because the update was accepted
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    // event ids follow each other: the speculative task's events took the ids it had shown the worker
    for (int i = 0; i < history.size(); i++) {
      assertThat(history.get(i).getEventId()).isEqualTo(i + 1);
    }
    HistoryEvent acceptedEvent = history.get(7);
    WorkflowExecutionUpdateAcceptedEventAttributes accepted = acceptedEvent.getWorkflowExecutionUpdateAcceptedEventAttributes();
    assertThat(accepted.getProtocolInstanceId()).isEqualTo("add-5");
    assertThat(accepted.getAcceptedRequestMessageId()).isEqualTo("add-5/request");
    // the request was shown to the worker right after the events it had seen: before the task's Started event
    assertThat(accepted.getAcceptedRequestSequencingEventId()).isEqualTo(history.get(5).getEventId() - 1);
    assertThat(accepted.getAcceptedRequest().getMeta().getUpdateId()).isEqualTo("add-5");
    assertThat(accepted.getAcceptedRequest().getInput().getName()).isEqualTo("add");
    assertThat(decodeInt(accepted.getAcceptedRequest().getInput().getArgs())).isEqualTo(5);
    WorkflowExecutionUpdateCompletedEventAttributes completed = history.get(8).getWorkflowExecutionUpdateCompletedEventAttributes();
    assertThat(completed.getAcceptedEventId()).isEqualTo(acceptedEvent.getEventId());
    assertThat(completed.getMeta().getUpdateId()).isEqualTo("add-5");
    assertThat(decodeInt(completed.getOutcome().getSuccess())).isEqualTo(5);
    assertThat(history.get(6).getWorkflowTaskCompletedEventAttributes().getScheduledEventId()).isEqualTo(5);
    assertThat(history.get(6).getWorkflowTaskCompletedEventAttributes().getStartedEventId()).isEqualTo(6);
  }

  @Test
  void aRejectedUpdateLeavesNoTraceInHistory() {
    Counter counter = started("rejected");
    assertThat(counter.add(1)).isEqualTo(1); // the workflow has run a task since it started
    List<HistoryEvent> before = harness.history("rejected");

    assertThatThrownBy(() -> counter.add(-3))
        .isInstanceOfSatisfying(WorkflowUpdateException.class, e -> {
          assertThat(e.GetUpdateName()).isEqualTo("add");
          assertThat(e.getCause()).isInstanceOf(ApplicationFailure.class);
          assertThat(((ApplicationFailure) e.getCause()).getOriginalMessage()).isEqualTo("cannot add -3");
        });

    // no update events and none of the task that carried it: the history is exactly as before
    assertThat(harness.history("rejected")).isEqualTo(before);
    // the worker rolled back to where the server's history ends, so the workflow carries on normally
    assertThat(counter.add(2)).isEqualTo(3);
    counter.finish();
    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isEqualTo(3);
    List<HistoryEvent> after = harness.history("rejected");
    assertThat(ofType(after, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).hasSize(2);
    assertThat(ofType(after, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).hasSize(4);
    for (int i = 0; i < after.size(); i++) {
      assertThat(after.get(i).getEventId()).isEqualTo(i + 1);
    }
  }

  @Test
  void anUpdateFailingInItsHandlerIsCompletedWithTheFailure() {
    Counter counter = started("refused");

    assertThatThrownBy(() -> counter.refuse("not today"))
        .isInstanceOfSatisfying(WorkflowUpdateException.class, e -> {
          assertThat(e.getCause()).isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
            assertThat(failure.getType()).isEqualTo("Refused");
            assertThat(failure.getOriginalMessage()).isEqualTo("not today");
          });
        });

    List<HistoryEvent> history = harness.history("refused");
    HistoryEvent accepted = ofType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).get(0);
    WorkflowExecutionUpdateCompletedEventAttributes completed = ofType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
        .get(0).getWorkflowExecutionUpdateCompletedEventAttributes();
    assertThat(completed.getAcceptedEventId()).isEqualTo(accepted.getEventId());
    assertThat(completed.getOutcome().hasFailure()).isTrue();
    assertThat(completed.getOutcome().getFailure().getMessage()).isEqualTo("not today");
    assertThat(completed.getOutcome().getFailure().getApplicationFailureInfo().getType()).isEqualTo("Refused");
  }

  @Test
  void anUpdateWaitingADayAnswersPromptlyBecauseTimeSkips() {
    Counter counter = started("a-day");
    Instant before = harness.server.clock().now();

    String answer = counter.addAfterADay(4);

    Instant after = harness.server.clock().now();
    assertThat(Duration.between(before, after)).isGreaterThanOrEqualTo(Duration.ofDays(1));
    assertThat(answer).startsWith("total 4 at ");
    assertThat(Instant.parse(answer.substring("total 4 at ".length()))).isAfterOrEqualTo(before.plus(Duration.ofDays(1)));

    List<HistoryEvent> history = harness.history("a-day");
    HistoryEvent accepted = ofType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).get(0);
    HistoryEvent fired = ofType(history, EventType.EVENT_TYPE_TIMER_FIRED).get(0);
    HistoryEvent completed = ofType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED).get(0);
    assertThat(accepted.getEventId()).isLessThan(fired.getEventId());
    assertThat(fired.getEventId()).isLessThan(completed.getEventId());
    assertThat(completed.getWorkflowExecutionUpdateCompletedEventAttributes().getAcceptedEventId()).isEqualTo(accepted.getEventId());
  }

  @Test
  void anUpdateStartedUntilAcceptedHandsBackAHandleForTheResult() {
    Counter counter = started("async");
    WorkflowStub stub = WorkflowStub.fromTyped(counter);

    WorkflowUpdateHandle<String> handle =
        stub.startUpdate(options("addAfterADay", "later", String.class, WorkflowUpdateStage.ACCEPTED), 6);

    // the handle came back once the update was accepted; its result waits for the handler
    assertThat(handle.getId()).isEqualTo("later");
    assertThat(ofType(harness.history("async"), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).hasSize(1);
    assertThat(handle.getResult()).startsWith("total 6 at ");
    assertThat(ofType(harness.history("async"), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)).hasSize(1);
    // a second handle on the same update id sees the same result
    assertThat(stub.getUpdateHandle("later", String.class).getResult()).isEqualTo(handle.getResult());
  }

  @Test
  void updateWithStartStartsTheWorkflowAndDeliversTheUpdateOnItsFirstTask() {
    harness.worker.registerWorkflowImplementationTypes(CounterImpl.class);
    harness.start();
    WorkflowOptions options = WorkflowOptions.newBuilder(harness.options("with-start"))
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build();
    Counter first = harness.client.newWorkflowStub(Counter.class, options);

    int total = WorkflowClient.executeUpdateWithStart(first::add, 3,
        UpdateOptions.<Integer>newBuilder().setUpdateName("add").build(), new WithStartWorkflowOperation<>(first::run));
    assertThat(total).isEqualTo(3);

    // the same call again finds the workflow running and only updates it
    Counter second = harness.client.newWorkflowStub(Counter.class, options);
    WithStartWorkflowOperation<Integer> again = new WithStartWorkflowOperation<>(second::run);
    WorkflowUpdateHandle<Integer> handle = WorkflowClient.startUpdateWithStart(second::add, 4,
        UpdateOptions.<Integer>newBuilder().setUpdateName("add").setWaitForStage(WorkflowUpdateStage.COMPLETED).build(), again);
    assertThat(handle.getResult()).isEqualTo(7);
    assertThat(handle.getExecution().getRunId()).isEqualTo(WorkflowStub.fromTyped(first).getExecution().getRunId());

    List<HistoryEvent> history = harness.history("with-start");
    assertThat(types(history).subList(0, 6)).containsExactly(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    assertThat(ofType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).hasSize(1);
    assertThat(ofType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)).hasSize(2);
  }

  @Test
  void aRepeatedUpdateIdGetsTheFirstResult() {
    Counter counter = started("dedup");
    WorkflowStub stub = WorkflowStub.fromTyped(counter);

    int first = stub.startUpdate(options("add", "once", Integer.class, WorkflowUpdateStage.COMPLETED), 5).getResult();
    int again = stub.startUpdate(options("add", "once", Integer.class, WorkflowUpdateStage.COMPLETED), 100).getResult();

    assertThat(first).isEqualTo(5);
    assertThat(again).isEqualTo(5);
    assertThat(counter.total()).isEqualTo(5);
    assertThat(ofType(harness.history("dedup"), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).hasSize(1);
  }

  @Test
  void anUpdateOfACompletedWorkflowIsNotFoundButAFinishedOneStillAnswers() {
    Counter counter = started("done");
    WorkflowStub stub = WorkflowStub.fromTyped(counter);
    assertThat(stub.startUpdate(options("add", "before-the-end", Integer.class, WorkflowUpdateStage.COMPLETED), 2).getResult())
        .isEqualTo(2);
    counter.finish();
    stub.getResult(Integer.class);
    int events = harness.history("done").size();

    assertThatThrownBy(() -> counter.add(1))
        .isInstanceOf(WorkflowNotFoundException.class)
        .hasRootCauseMessage("NOT_FOUND: workflow execution already completed");
    // the update that finished before the workflow closed still answers with its result
    assertThat(stub.startUpdate(options("add", "before-the-end", Integer.class, WorkflowUpdateStage.COMPLETED), 9).getResult())
        .isEqualTo(2);
    assertThat(harness.history("done")).hasSize(events);
  }

  @Test
  void queriesAndDescribeWorkWhileAnUpdateSleeps() {
    Counter counter = started("busy");
    WorkflowStub stub = WorkflowStub.fromTyped(counter);
    WorkflowUpdateHandle<String> handle;
    try (var holdTime = harness.server.clock().lock()) { // so the day cannot pass yet
      handle = stub.startUpdate(options("addAfterADay", "sleeper", String.class, WorkflowUpdateStage.ACCEPTED), 8);

      assertThat(counter.total()).isZero();
      var description = harness.client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
              .setExecution(stub.getExecution()).build());
      assertThat(description.getWorkflowExecutionInfo().getStatus())
          .isEqualTo(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
      assertThat(description.hasPendingWorkflowTask()).isFalse(); // the accepted update waits on its timer only
    }
    assertThat(handle.getResult()).startsWith("total 8");
    assertThat(counter.total()).isEqualTo(8);
  }
}
