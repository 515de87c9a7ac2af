package dev.timewarp.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.junit.sample.Orders.FlakyPayments;
import dev.timewarp.junit.sample.Orders.OrderWorkflow;
import dev.timewarp.junit.sample.Orders.OrderWorkflowImpl;
import dev.timewarp.server.TestClock;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The extension used the way users will: declared, injected, time fast-forwarded. */
@TimewarpTest(workflows = OrderWorkflowImpl.class, activities = FlakyPayments.class, initialTime = "2030-01-01T00:00:00Z")
class DeclarativeUsageTest {
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void approvalThenRetriedChargeCompletes(OrderWorkflow order, TestClock clock) {
    WorkflowClient.start(order::process, "o-1");
    order.approve();

    String result = WorkflowStub.fromTyped(order).getResult(String.class);

    assertThat(result).isEqualTo("charged o-1 on attempt 3");
    // two retries with 10 s and 20 s of backoff passed in virtual time
    assertThat(clock.now()).isAfterOrEqualTo(START.plusSeconds(30));
  }

  @Test
  void withoutApprovalTheOrderExpiresAfterSevenVirtualDays(OrderWorkflow order, TestClock clock) {
    assertThat(order.process("o-2")).isEqualTo("expired o-2");
    assertThat(clock.now()).isAfterOrEqualTo(START.plus(Duration.ofDays(7)));
  }

  @Test
  void timeIsHeldWhileTheTestWorksAndAdvancedOnRequest(OrderWorkflow order, TestClock clock) {
    WorkflowClient.start(order::process, "o-3");
    clock.awaitIdle(Duration.ofSeconds(5));
    Instant before = clock.now();
    // the workflow waits for a 7-day timer, but time does not run away while we look
    assertThat(clock.now()).isBefore(before.plusSeconds(5));

    clock.advance(Duration.ofDays(8));

    assertThat(WorkflowStub.fromTyped(order).getResult(String.class)).isEqualTo("expired o-3");
  }

  @Test
  void eachTestGetsItsOwnQueueAndIdPrefix(WorkflowOptions options, TimewarpRuntime runtime, WorkflowOptions another) {
    assertThat(options.getTaskQueue()).isEqualTo(runtime.taskQueue()).startsWith("timewarp-");
    assertThat(options.getWorkflowId()).startsWith(runtime.workflowIdPrefix());
    assertThat(another.getWorkflowId()).isNotEqualTo(options.getWorkflowId());
    assertThat(runtime.isRealCluster()).isFalse();
  }

  @Test
  @InitialTime("2040-06-01T12:00:00Z")
  void aTestCanStartItsOwnClockElsewhere(TestClock clock) {
    assertThat(clock.now()).isBetween(Instant.parse("2040-06-01T12:00:00Z"), Instant.parse("2040-06-01T12:01:00Z"));
  }
}
