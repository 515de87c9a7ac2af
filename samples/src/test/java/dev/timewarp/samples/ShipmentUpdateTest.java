package dev.timewarp.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.junit.TimewarpTest;
import dev.timewarp.server.TestClock;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A customer asks to reschedule a delivery with a workflow update. The handler waits a day for the
 * courier to confirm; the test's call returns at once because the server skips that day while the
 * client waits on the update. An invalid request is rejected by the validator before anything is
 * written.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TimewarpTest(workflows = ShipmentUpdateTest.ShipmentWorkflowImpl.class)
class ShipmentUpdateTest {
  @WorkflowInterface
  public interface ShipmentWorkflow {
    @WorkflowMethod
    String deliver();

    /** Moves the delivery by some days; returns the courier's confirmation. */
    @UpdateMethod
    String reschedule(int days);

    @UpdateValidatorMethod(updateName = "reschedule")
    void validateReschedule(int days);
  }

  public static class ShipmentWorkflowImpl implements ShipmentWorkflow {
    private int delayDays;
    private boolean rescheduled;

    @Override
    public String deliver() {
      Workflow.await(() -> rescheduled);
      Workflow.sleep(Duration.ofDays(delayDays));
      return "delivered after " + delayDays + " days";
    }

    @Override
    public String reschedule(int days) {
      Workflow.sleep(Duration.ofDays(1)); // the courier confirms the next day
      delayDays = days;
      rescheduled = true;
      return "moved by " + days + " days";
    }

    @Override
    public void validateReschedule(int days) {
      if (days <= 0 || days > 14) {
        throw new IllegalArgumentException("a delivery can move by 1 to 14 days, not " + days);
      }
    }
  }

  @Test
  void theUpdateWaitsADayOfVirtualTimeAndTheWorkflowFollowsIt(WorkflowClient client, WorkflowOptions options, TestClock clock) {
    ShipmentWorkflow shipment = client.newWorkflowStub(ShipmentWorkflow.class, options);
    WorkflowClient.start(shipment::deliver);
    Instant before = clock.now();

    assertThatThrownBy(() -> shipment.reschedule(30))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("a delivery can move by 1 to 14 days, not 30");
    assertThat(shipment.reschedule(3)).isEqualTo("moved by 3 days");

    assertThat(clock.now()).isAfterOrEqualTo(before.plus(Duration.ofDays(1))); // the courier's day, skipped
    assertThat(WorkflowStub.fromTyped(shipment).getResult(String.class)).isEqualTo("delivered after 3 days");
    assertThat(clock.now()).isAfterOrEqualTo(before.plus(Duration.ofDays(4)));
  }
}
