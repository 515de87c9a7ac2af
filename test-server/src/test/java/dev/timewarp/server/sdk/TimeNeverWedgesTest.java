package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.server.ServerOptions;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The incumbent's failure cases: after each, a later workflow that sleeps a day must still finish
 * by skipping. If time were wedged, these tests would hang until their timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeNeverWedgesTest {
  static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

  @ActivityInterface
  public interface Slow {
    String work();
  }

  @WorkflowInterface
  public interface Scenario {
    @WorkflowMethod
    String run(String cancellationType);
  }

  /** Schedules an activity on a queue nobody polls, cancels it, then sleeps a day. */
  public static class CancelBeforeStart implements Scenario {
    @Override
    public String run(String cancellationType) {
      Slow slow =
          Workflow.newActivityStub(
              Slow.class,
              ActivityOptions.newBuilder()
                  .setTaskQueue("nobody-polls-this")
                  .setStartToCloseTimeout(Duration.ofMinutes(5))
                  .setCancellationType(ActivityCancellationType.valueOf(cancellationType))
                  .build());
      CancellationScope scope = Workflow.newCancellationScope(() -> Async.function(slow::work));
      scope.run();
      Workflow.sleep(Duration.ofSeconds(1));
      scope.cancel();
      Workflow.sleep(Duration.ofDays(1));
      return "slept";
    }
  }

  private SdkHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private String runScenario(String type) {
    harness = new SdkHarness(ServerOptions.builder().initialTime(EPOCH).build());
    harness.worker.registerWorkflowImplementationTypes(CancelBeforeStart.class);
    harness.start();
    return harness.newStub(Scenario.class, "scenario-" + type).run(type);
  }

  @Test
  void cancelBeforeStartDoesNotWedgeTime() {
    assertThat(runScenario("TRY_CANCEL")).isEqualTo("slept");
    assertThat(SdkHarness.types(harness.history("scenario-TRY_CANCEL")))
        .containsSubsequence("ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_CANCEL_REQUESTED", "ACTIVITY_TASK_CANCELED");
    assertThat(harness.server.clock().now()).isAfter(EPOCH.plus(Duration.ofDays(1)));
  }

  @Test
  void abandonedActivityDoesNotWedgeTime() {
    assertThat(runScenario("ABANDON")).isEqualTo("slept");
    // the abandoned activity is still pending, yet the day-long sleep was skipped
    assertThat(SdkHarness.types(harness.history("scenario-ABANDON")))
        .doesNotContain("ACTIVITY_TASK_CANCEL_REQUESTED");
    assertThat(harness.server.clock().now()).isAfter(EPOCH.plus(Duration.ofDays(1)));
    harness.server.clock().awaitIdle(Duration.ofSeconds(10));
  }

  @Test
  void doubleUnlockIsRefusedAndChangesNothing() {
    harness = new SdkHarness(ServerOptions.builder().initialTime(EPOCH).build());
    var lock = harness.server.clock().lock();
    assertThat(harness.server.clock().busyReasons()).anyMatch(r -> r.contains("lock"));
    lock.close();
    lock.close(); // idempotent: a second close releases nothing more
    assertThat(harness.server.clock().busyReasons()).isEmpty();
  }
}
