package dev.timewarp.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.assertions.TimewarpAssertions;

import dev.timewarp.junit.TimewarpRuntime;
import dev.timewarp.junit.TimewarpTest;
import dev.timewarp.server.ActivityRecord;
import dev.timewarp.server.AttemptRecord;
import dev.timewarp.server.AttemptRecord.Outcome;
import dev.timewarp.server.TestClock;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
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
 * Retries with exponential backoff. A flaky payment gateway fails twice and charges on the third
 * attempt; the backoff waits (1 s, then 2 s) pass in virtual time. The workflow history keeps only
 * the last attempt, so the test reads every attempt from the server's activity records.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TimewarpTest(
    workflows = PaymentRetryTest.CheckoutWorkflowImpl.class,
    activities = PaymentRetryTest.FlakyPaymentGateway.class,
    initialTime = "2030-01-01T00:00:00Z")
class PaymentRetryTest {

  @ActivityInterface
  public interface PaymentGateway {
    String charge(String orderId, long amountCents);
  }

  /** Unreachable for the first two calls, then charges. Declines amounts over 10 000.00 for good. */
  public static class FlakyPaymentGateway implements PaymentGateway {
    private final AtomicInteger calls = new AtomicInteger(); // one instance per test

    @Override
    public String charge(String orderId, long amountCents) {
      if (amountCents > 1_000_000) {
        throw ApplicationFailure.newNonRetryableFailure("card declined for " + orderId, "CardDeclined");
      }
      int call = calls.incrementAndGet();
      if (call <= 2) {
        throw new IllegalStateException("payment gateway unavailable (call " + call + ")");
      }
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      return "charged " + amountCents + " for " + orderId + " on attempt " + attempt;
    }
  }

  @WorkflowInterface
  public interface CheckoutWorkflow {
    @WorkflowMethod
    String checkout(String orderId, long amountCents);
  }

  public static class CheckoutWorkflowImpl implements CheckoutWorkflow {
    private final PaymentGateway gateway =
        Workflow.newActivityStub(
            PaymentGateway.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setBackoffCoefficient(2)
                        .setMaximumAttempts(5)
                        .build())
                .build());

    @Override
    public String checkout(String orderId, long amountCents) {
      return gateway.charge(orderId, amountCents);
    }
  }

  @Test
  void chargeSucceedsOnTheThirdAttemptAfterBackoffsOfOneThenTwoSeconds(
      CheckoutWorkflow checkout, TimewarpRuntime runtime, TestClock clock) {
    Instant before = clock.now();

    String result = checkout.checkout("order-1", 4_200);

    assertThat(result).isEqualTo("charged 4200 for order-1 on attempt 3");
    String workflowId = WorkflowStub.fromTyped(checkout).getExecution().getWorkflowId();
    List<ActivityRecord> activities = runtime.server().orElseThrow().activityRecords(workflowId);
    assertThat(activities).singleElement().satisfies(charge -> {
      assertThat(charge.activityType()).isEqualTo("Charge");
      assertThat(charge.closed()).isTrue();
    });
    List<AttemptRecord> attempts = activities.get(0).attempts();
    assertThat(attempts).extracting(AttemptRecord::number).containsExactly(1, 2, 3);
    assertThat(attempts).extracting(AttemptRecord::outcome)
        .containsExactly(Outcome.FAILED, Outcome.FAILED, Outcome.COMPLETED);
    assertThat(attempts.get(0).failure()).hasValueSatisfying(
        failure -> assertThat(failure.getMessage()).isEqualTo("payment gateway unavailable (call 1)"));
    // the backoff: from the end of one attempt to the moment the next one became due
    assertThat(backoffBetween(attempts.get(0), attempts.get(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoffBetween(attempts.get(1), attempts.get(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(clock.now()).isAfterOrEqualTo(before.plusSeconds(3));
  }

  @Test
  void aDeclinedCardIsNotRetried(CheckoutWorkflow checkout, TimewarpRuntime runtime) {
    assertThatThrownBy(() -> checkout.checkout("order-2", 2_000_000))
        .isInstanceOf(WorkflowFailedException.class)
        .cause().isInstanceOf(ActivityFailure.class)
        .cause().isInstanceOfSatisfying(ApplicationFailure.class, declined -> {
          assertThat(declined.getType()).isEqualTo("CardDeclined");
          assertThat(declined.isNonRetryable()).isTrue();
        });

    String workflowId = WorkflowStub.fromTyped(checkout).getExecution().getWorkflowId();
    assertThat(runtime.server().orElseThrow().activityRecords(workflowId).get(0).attempts())
        .extracting(AttemptRecord::outcome)
        .containsExactly(Outcome.FAILED);
  }

  @Test
  void theSameStoryToldWithTimewarpAssertions(CheckoutWorkflow checkout, WorkflowClient client, TimewarpRuntime runtime) {
    checkout.checkout("order-3", 990);

    String workflowId = WorkflowStub.fromTyped(checkout).getExecution().getWorkflowId();
    TimewarpAssertions.assertThat(client, WorkflowStub.fromTyped(checkout))
        .isCompleted()
        .hasActivity("Charge", charge -> charge
            .isCompleted()
            .hasFinalAttempt(3)
            .hasPreviousAttemptFailureMessage("payment gateway unavailable (call 2)")
            .withAttempts(runtime.server().orElseThrow().activityRecords(workflowId).get(0).attempts())
            .hasAttemptOutcomes("FAILED", "FAILED", "COMPLETED")
            .wasRetriedAfter(Duration.ofSeconds(1), Duration.ofSeconds(2)));
  }

  private static Duration backoffBetween(AttemptRecord previous, AttemptRecord next) {
    return Duration.between(previous.closedTime().orElseThrow(), next.scheduledTime());
  }
}
