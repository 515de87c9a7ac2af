package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
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

/** Runs that follow runs: continue-as-new, workflow retries, cron schedules and start delays. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkflowChainsTest {
  @WorkflowInterface
  public interface Counter {
    @WorkflowMethod
    int count(int from, int to);
  }

  /** Counts by continuing as new once per step, sleeping an hour in each run. */
  public static class CounterImpl implements Counter {
    @Override
    public int count(int from, int to) {
      Workflow.sleep(Duration.ofHours(1));
      if (from < to) {
        Workflow.continueAsNew(from + 1, to);
      }
      return from;
    }
  }

  @WorkflowInterface
  public interface Flaky {
    @WorkflowMethod
    String run();
  }

  /** Fails its first two attempts. */
  public static class FlakyImpl implements Flaky {
    @Override
    public String run() {
      int attempt = Workflow.getInfo().getAttempt();
      if (attempt < 3) {
        throw ApplicationFailure.newFailure("attempt " + attempt + " failed", "Flaky");
      }
      return "ok on attempt " + attempt;
    }
  }

  @WorkflowInterface
  public interface Tick {
    @WorkflowMethod
    String tick();
  }

  public static class TickImpl implements Tick {
    @Override
    public String tick() {
      String previous = Workflow.getLastCompletionResult(String.class);
      return previous == null ? "1" : Integer.toString(Integer.parseInt(previous) + 1);
    }
  }

  private final SdkHarness harness = new SdkHarness();

  @AfterEach
  void tearDown() {
    harness.close();
  }

  private List<HistoryEvent> history(String workflowId, String runId) {
    return harness.client.fetchHistory(workflowId, runId).getEvents();
  }

  @Test
  void continueAsNewChainsRunsAndTheStubFollowsToTheLastResult() {
    harness.worker.registerWorkflowImplementationTypes(CounterImpl.class);
    harness.start();
    Instant before = harness.server.clock().now();

    Counter counter = harness.newStub(Counter.class, "counter");
    assertThat(counter.count(1, 3)).isEqualTo(3);
    assertThat(harness.server.clock().now()).isAfterOrEqualTo(before.plus(Duration.ofHours(3)));

    // walk the chain back from the last run: each run started by the one before it
    var last = harness.client.fetchHistory("counter").getEvents();
    var started = last.get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(started.getInitiator()).isEqualTo(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
    var middle = history("counter", started.getContinuedExecutionRunId());
    HistoryEvent continued = middle.get(middle.size() - 1);
    assertThat(continued.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertThat(continued.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId())
        .isEqualTo(last.get(0).getWorkflowExecutionStartedEventAttributes().getOriginalExecutionRunId());
    String first = middle.get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    assertThat(started.getFirstExecutionRunId()).isEqualTo(first);
    var describedFirst = harness.stubs.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace("default")
        .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId("counter").setRunId(first))
        .build());
    assertThat(describedFirst.getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW);
  }

  @Test
  void aFailedWorkflowIsRetriedUnderItsRetryPolicyAfterTheBackoff() {
    harness.worker.registerWorkflowImplementationTypes(FlakyImpl.class);
    harness.start();
    Instant before = harness.server.clock().now();
    Flaky flaky = harness.client.newWorkflowStub(Flaky.class, WorkflowOptions.newBuilder()
        .setTaskQueue(harness.taskQueue).setWorkflowId("flaky")
        .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMinutes(1)).setMaximumAttempts(5).build())
        .build());

    assertThat(flaky.run()).isEqualTo("ok on attempt 3");
    // 1 + 2 minutes of backoff, skipped
    assertThat(harness.server.clock().now()).isAfterOrEqualTo(before.plus(Duration.ofMinutes(3)));
    var last = harness.client.fetchHistory("flaky").getEvents();
    var started = last.get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(3);
    assertThat(started.getInitiator()).isEqualTo(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY);
    assertThat(started.getFirstWorkflowTaskBackoff()).isEqualTo(com.google.protobuf.Duration.newBuilder().setSeconds(120).build());
    assertThat(started.getContinuedFailure().getMessage()).isEqualTo("attempt 2 failed");
    var second = history("flaky", started.getContinuedExecutionRunId());
    var failed = second.get(second.size() - 1).getWorkflowExecutionFailedEventAttributes();
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_IN_PROGRESS);
    assertThat(failed.getNewExecutionRunId()).isEqualTo(started.getOriginalExecutionRunId());
  }

  @Test
  void retriesStopAtTheMaximumAttempts() {
    harness.worker.registerWorkflowImplementationTypes(FlakyImpl.class);
    harness.start();
    Flaky flaky = harness.client.newWorkflowStub(Flaky.class, WorkflowOptions.newBuilder()
        .setTaskQueue(harness.taskQueue).setWorkflowId("flaky-2")
        .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(5)).setMaximumAttempts(2).build())
        .build());

    assertThatThrownBy(flaky::run).isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> assertThat(((WorkflowFailedException) e).getRetryState())
            .isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED));
    var last = harness.client.fetchHistory("flaky-2").getEvents();
    assertThat(last.get(0).getWorkflowExecutionStartedEventAttributes().getAttempt()).isEqualTo(2);
  }

  @Test
  void aMonthlyCronRunsTwelveTimesOverAVirtualYear() {
    harness.worker.registerWorkflowImplementationTypes(TickImpl.class);
    harness.start();
    Tick tick = harness.client.newWorkflowStub(Tick.class, WorkflowOptions.newBuilder()
        .setTaskQueue(harness.taskQueue).setWorkflowId("monthly").setCronSchedule("0 0 1 * *").build());
    Instant start = harness.server.clock().now(); // nothing is pending yet, so nothing skips before this
    WorkflowClient.start(tick::tick);
    harness.server.clock().advance(Duration.ofDays(366));

    // walk the chain back from the latest run (an idle server keeps skipping, so it may be later)
    var last = harness.client.fetchHistory("monthly").getEvents();
    var started = last.get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(started.getInitiator()).isEqualTo(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
    java.util.List<Instant> runTimes = new java.util.ArrayList<>();
    String runId = started.getContinuedExecutionRunId();
    while (!runId.isEmpty()) {
      var events = history("monthly", runId);
      HistoryEvent closing = events.get(events.size() - 1);
      assertThat(closing.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
      runTimes.add(dev.timewarp.server.internal.time.ProtoTime.instant(closing.getEventTime()));
      runId = events.get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    }
    // each run ran at midnight on the first of a month, and a year holds exactly twelve of them
    assertThat(runTimes).allSatisfy(at -> {
      assertThat(at.atZone(java.time.ZoneOffset.UTC).getDayOfMonth()).isEqualTo(1);
      assertThat(at.atZone(java.time.ZoneOffset.UTC).getHour()).isZero();
    });
    assertThat(runTimes.stream().filter(at -> at.isBefore(start.plus(Duration.ofDays(365))))).as("start %s, runs %s", start, runTimes).hasSize(12);
    // every run after the first counted on from the previous run's result
    var lastCompleted = harness.client.fetchHistory("monthly", started.getContinuedExecutionRunId()).getEvents();
    var result = lastCompleted.get(lastCompleted.size() - 1).getWorkflowExecutionCompletedEventAttributes().getResult();
    assertThat(io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE
        .fromPayloads(0, java.util.Optional.of(result), String.class, String.class))
        .isEqualTo(Integer.toString(runTimes.size()));
  }

  @Test
  void aStartDelayHoldsTheFirstWorkflowTask() {
    harness.worker.registerWorkflowImplementationTypes(TickImpl.class);
    harness.start();
    Instant before = harness.server.clock().now();
    Tick tick = harness.client.newWorkflowStub(Tick.class, WorkflowOptions.newBuilder()
        .setTaskQueue(harness.taskQueue).setWorkflowId("delayed").setStartDelay(Duration.ofHours(6)).build());

    assertThat(tick.tick()).isEqualTo("1");
    var events = harness.client.fetchHistory("delayed").getEvents();
    assertThat(events.get(0).getWorkflowExecutionStartedEventAttributes().getFirstWorkflowTaskBackoff().getSeconds())
        .isEqualTo(6 * 3600);
    Instant taskScheduled = dev.timewarp.server.internal.time.ProtoTime.instant(events.get(1).getEventTime());
    assertThat(taskScheduled).isAfterOrEqualTo(before.plus(Duration.ofHours(6)));
  }
}
