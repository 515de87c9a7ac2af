package dev.timewarp.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.junit.TimewarpRuntime;
import dev.timewarp.junit.TimewarpTest;
import dev.timewarp.server.TestClock;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A local activity with retries. A quick exchange-rate lookup runs inside the workflow task (no
 * activity task, no task queue): the worker retries it itself and records only the outcome, as a
 * marker. Backoffs up to the local retry threshold are waited out in the worker; longer ones become
 * workflow timers, which Timewarp skips.
 *
 * <p>The SDK retries a local activity only when it has a schedule-to-close timeout or a maximum
 * number of attempts, so the options set one.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TimewarpTest(
    workflows = LocalActivityTest.PriceQuoteWorkflowImpl.class,
    activities = LocalActivityTest.FlakyExchangeRates.class,
    initialTime = "2030-01-01T00:00:00Z")
class LocalActivityTest {

  @ActivityInterface
  public interface ExchangeRates {
    double rate(String from, String to);
  }

  /** The rates service times out twice, then answers (a fresh instance per test). */
  public static class FlakyExchangeRates implements ExchangeRates {
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public double rate(String from, String to) {
      if (calls.incrementAndGet() <= 2) {
        throw new IllegalStateException("rates service timed out");
      }
      return 1.25;
    }
  }

  @WorkflowInterface
  public interface PriceQuoteWorkflow {
    @WorkflowMethod
    String quote(long amountCents, Duration retryBackoff);
  }

  public static class PriceQuoteWorkflowImpl implements PriceQuoteWorkflow {
    @Override
    public String quote(long amountCents, Duration retryBackoff) {
      ExchangeRates rates =
          Workflow.newLocalActivityStub(
              ExchangeRates.class,
              LocalActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(2))
                  .setLocalRetryThreshold(Duration.ofSeconds(30)) // the default: 3 x the workflow task timeout
                  .setRetryOptions(
                      RetryOptions.newBuilder()
                          .setInitialInterval(retryBackoff)
                          .setBackoffCoefficient(2)
                          .setMaximumAttempts(5) // without it (or schedule-to-close) no retries
                          .build())
                  .build());
      double rate = rates.rate("EUR", "USD");
      return amountCents + " EUR cents = " + Math.round(amountCents * rate) + " USD cents";
    }
  }

  @Test
  void shortBackoffsAreRetriedInsideTheWorker(
      PriceQuoteWorkflow workflow, WorkflowClient client, TimewarpRuntime runtime) {
    assertThat(workflow.quote(10_000, Duration.ofMillis(20))).isEqualTo("10000 EUR cents = 12500 USD cents");

    String workflowId = WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId();
    List<EventType> events = eventTypes(client, workflowId);
    // three attempts, one marker with the result, no timers and no activity task on the server
    assertThat(events).containsOnlyOnce(EventType.EVENT_TYPE_MARKER_RECORDED)
        .doesNotContain(EventType.EVENT_TYPE_TIMER_STARTED, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    assertThat(runtime.server().orElseThrow().activityRecords(workflowId)).isEmpty();
  }

  @Test
  void backoffsAboveTheLocalRetryThresholdBecomeTimersAndAreSkipped(
      PriceQuoteWorkflow workflow, WorkflowClient client, TestClock clock) {
    Instant before = clock.now();

    assertThat(workflow.quote(400, Duration.ofMinutes(1))).isEqualTo("400 EUR cents = 500 USD cents");

    List<EventType> events = eventTypes(client, WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId());
    // each attempt leaves a marker (the failed ones with their failure), each backoff a timer: 1 min, then 2 min
    assertThat(events.stream().filter(EventType.EVENT_TYPE_MARKER_RECORDED::equals)).hasSize(3);
    assertThat(events.stream().filter(EventType.EVENT_TYPE_TIMER_FIRED::equals)).hasSize(2);
    assertThat(Duration.between(before, clock.now())).isBetween(Duration.ofMinutes(3), Duration.ofMinutes(3).plusSeconds(30));
  }

  private static List<EventType> eventTypes(WorkflowClient client, String workflowId) {
    return client.fetchHistory(workflowId).getEvents().stream().map(HistoryEvent::getEventType).toList();
  }
}
