package dev.timewarp.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.junit.ServerScope;
import dev.timewarp.junit.TimewarpRuntime;
import dev.timewarp.junit.TimewarpTest;
import dev.timewarp.server.AttemptRecord;
import dev.timewarp.server.AttemptRecord.Outcome;
import dev.timewarp.server.Faults;
import dev.timewarp.server.TestClock;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker outage on another task queue. Payments run on their own "payments" queue, served by a
 * separate worker; while nobody polls it, a charge waits in the queue until its schedule-to-start
 * timeout (10 virtual minutes) fires, and the order workflow parks the order instead of failing.
 *
 * <p>The class registers nothing in {@code @TimewarpTest}, so the extension leaves the test's worker
 * factory unstarted: {@code @BeforeEach} adds the workflow to the test's worker, a second worker for
 * "payments", and then starts the factory (a started factory accepts no new workers). Each test gets
 * its own server ({@code PER_TEST}), so the fixed queue name "payments" is not shared between tests.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TimewarpTest(server = ServerScope.PER_TEST, initialTime = "2030-01-01T00:00:00Z")
class DeadTaskQueueTest {
  static final String PAYMENTS = "payments";
  static final Duration PICK_UP_WITHIN = Duration.ofMinutes(10);

  @ActivityInterface
  public interface Payments {
    String charge(String orderId);
  }

  static final class CountingPayments implements Payments {
    final AtomicInteger charges = new AtomicInteger();

    @Override
    public String charge(String orderId) {
      charges.incrementAndGet();
      return "charged " + orderId;
    }
  }

  @WorkflowInterface
  public interface OrderWorkflow {
    @WorkflowMethod
    String placeOrder(String orderId);
  }

  public static class OrderWorkflowImpl implements OrderWorkflow {
    private final Payments payments =
        Workflow.newActivityStub(
            Payments.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(PAYMENTS)
                .setScheduleToStartTimeout(PICK_UP_WITHIN) // a dead queue is detected after this
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .build());

    @Override
    public String placeOrder(String orderId) {
      try {
        return payments.charge(orderId);
      } catch (ActivityFailure failure) {
        if (failure.getCause() instanceof TimeoutFailure timeout) {
          return "parked " + orderId + ": payments did not pick up the charge (" + timeout.getTimeoutType() + ")";
        }
        throw failure;
      }
    }
  }

  private final CountingPayments payments = new CountingPayments();

  @BeforeEach
  void startWorkers(Worker worker, WorkerFactory factory) {
    worker.registerWorkflowImplementationTypes(OrderWorkflowImpl.class); // the test's own queue
    factory.newWorker(PAYMENTS).registerActivitiesImplementations(payments);
    factory.start();
  }

  @Test
  void theChargeTimesOutWhileNobodyPollsPayments(
      WorkflowClient client, WorkflowOptions options, Faults faults, TestClock clock, TimewarpRuntime runtime) {
    OrderWorkflow order = client.newWorkflowStub(OrderWorkflow.class, options);
    Instant before = clock.now();

    String result;
    try (Faults.Outage outage = faults.stopPollers(PAYMENTS)) {
      result = order.placeOrder("o-1");
    }

    assertThat(result).isEqualTo("parked o-1: payments did not pick up the charge (TIMEOUT_TYPE_SCHEDULE_TO_START)");
    assertThat(payments.charges).hasValue(0);
    // the clock moved by the schedule-to-start timeout (plus the little wall time the test took)
    assertThat(Duration.between(before, clock.now())).isBetween(PICK_UP_WITHIN, PICK_UP_WITHIN.plusSeconds(30));
    List<EventType> events = client.fetchHistory(options.getWorkflowId()).getEvents().stream()
        .map(HistoryEvent::getEventType).toList();
    assertThat(events).contains(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
        .doesNotContain(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    assertThat(runtime.server().orElseThrow().activityRecords(options.getWorkflowId()).get(0).attempts())
        .extracting(AttemptRecord::outcome).containsExactly(Outcome.NOT_STARTED);
  }

  @Test
  void aShortOutageOnlyDelaysTheCharge(
      WorkflowClient client, WorkflowOptions options, Faults faults, TestClock clock, TimewarpRuntime runtime) {
    OrderWorkflow order = client.newWorkflowStub(OrderWorkflow.class, options);
    Instant before = clock.now();

    try (Faults.Outage outage = faults.stopPollers(PAYMENTS)) {
      WorkflowClient.start(order::placeOrder, "o-2");
      clock.awaitIdle(Duration.ofSeconds(5)); // the charge is scheduled and waits on "payments"
      clock.advance(Duration.ofMinutes(3)); // the payments service is redeployed
    }

    assertThat(WorkflowStub.fromTyped(order).getResult(String.class)).isEqualTo("charged o-2");
    assertThat(payments.charges).hasValue(1);
    assertThat(Duration.between(before, clock.now())).isBetween(Duration.ofMinutes(3), PICK_UP_WITHIN);
    AttemptRecord attempt = runtime.server().orElseThrow().activityRecords(options.getWorkflowId()).get(0).attempts().get(0);
    assertThat(attempt.outcome()).isEqualTo(Outcome.COMPLETED);
    assertThat(Duration.between(attempt.scheduledTime(), attempt.startedTime().orElseThrow()))
        .isGreaterThanOrEqualTo(Duration.ofMinutes(3)); // it waited out the outage in the queue
  }
}
