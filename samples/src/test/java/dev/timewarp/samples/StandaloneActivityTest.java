package dev.timewarp.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.junit.TimewarpTest;
import dev.timewarp.server.TestClock;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.client.ActivityClient;
import io.temporal.client.ActivityHandle;
import io.temporal.client.StartActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A standalone activity: no workflow around it. The client starts it, describes it and awaits its
 * result; the retries between its attempts pass in virtual time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TimewarpTest(activities = StandaloneActivityTest.InvoiceExportImpl.class, initialTime = "2030-01-01T00:00:00Z")
class StandaloneActivityTest {
  @ActivityInterface
  public interface InvoiceExport {
    String export(String month);
  }

  /** The accounting system is down for the first two attempts. */
  public static class InvoiceExportImpl implements InvoiceExport {
    @Override
    public String export(String month) {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      if (attempt < 3) {
        throw new IllegalStateException("accounting system unavailable");
      }
      return "invoices of " + month + " exported on attempt " + attempt;
    }
  }

  @Test
  void startedDescribedAndAwaitedFromTheClient(ActivityClient activities, WorkflowOptions options, TestClock clock) {
    Instant start = clock.now();
    ActivityHandle<String> export = activities.start(InvoiceExport.class, InvoiceExport::export,
        StartActivityOptions.newBuilder()
            .setId("export-2030-01")
            .setTaskQueue(options.getTaskQueue()) // the test's worker polls this queue
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMinutes(1)).build())
            .build(),
        "2030-01");

    assertThat(export.getResult()).isEqualTo("invoices of 2030-01 exported on attempt 3");

    var description = activities.getHandle("export-2030-01", null).describe();
    assertThat(description.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_COMPLETED);
    assertThat(description.getAttempt()).isEqualTo(3);
    assertThat(description.getActivityType()).isEqualTo("Export");
    // two retries: 1 minute, then 2 minutes, skipped
    assertThat(clock.now()).isAfterOrEqualTo(start.plus(Duration.ofMinutes(3)));
  }
}
