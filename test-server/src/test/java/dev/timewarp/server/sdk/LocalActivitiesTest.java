package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.server.ServerOptions;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
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

/** The server has no local-activity concept: markers, workflow-task heartbeats and timers carry them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalActivitiesTest {
  static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

  @ActivityInterface
  public interface Lookup {
    String lookup(String key);
  }

  /** Fails the first two attempts. */
  public static class FlakyLookup implements Lookup {
    @Override
    public String lookup(String key) {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      if (attempt < 3) {
        throw new IllegalStateException("cache cold, attempt " + attempt);
      }
      return key + " found on attempt " + attempt;
    }
  }

  /** Takes a little real time, longer than the workflow task timeout allows without heartbeats. */
  public static class SlowLookup implements Lookup {
    @Override
    public String lookup(String key) {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
      while (System.nanoTime() < until) {
        Thread.onSpinWait(); // real work, not waiting for server time
      }
      return key + " computed";
    }
  }

  @WorkflowInterface
  public interface LookupWorkflow {
    @WorkflowMethod
    String run(String key);
  }

  public static class QuickRetries implements LookupWorkflow {
    @Override
    public String run(String key) {
      return Workflow.newLocalActivityStub(Lookup.class, LocalActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(5))
              .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMillis(10)).setMaximumAttempts(5).build())
              .build())
          .lookup(key);
    }
  }

  public static class LongBackoff implements LookupWorkflow {
    @Override
    public String run(String key) {
      return Workflow.newLocalActivityStub(Lookup.class, LocalActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(5))
              .setLocalRetryThreshold(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofMinutes(10)).setBackoffCoefficient(1).setMaximumAttempts(5).build())
              .build())
          .lookup(key);
    }
  }

  private SdkHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private SdkHarness harness(Class<?> workflow, Object activities) {
    harness = new SdkHarness(ServerOptions.builder().initialTime(EPOCH).build());
    harness.worker.registerWorkflowImplementationTypes(workflow);
    harness.worker.registerActivitiesImplementations(activities);
    return harness.start();
  }

  private static List<HistoryEvent> markers(List<HistoryEvent> events) {
    return events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED).toList();
  }

  @Test
  void retriesInsideTheWorkerEndInOneMarker() {
    harness(QuickRetries.class, new FlakyLookup());

    assertThat(harness.newStub(LookupWorkflow.class, "quick").run("k")).isEqualTo("k found on attempt 3");

    List<HistoryEvent> markers = markers(harness.history("quick"));
    assertThat(markers).hasSize(1);
    assertThat(markers.get(0).getMarkerRecordedEventAttributes().getMarkerName()).isEqualTo("LocalActivity");
    assertThat(markers.get(0).getMarkerRecordedEventAttributes().getDetailsMap()).containsKeys("activityId", "type", "result");
  }

  @Test
  void longBackoffBecomesATimerThatIsSkipped() {
    harness(LongBackoff.class, new FlakyLookup());

    assertThat(harness.newStub(LookupWorkflow.class, "long-backoff").run("k")).isEqualTo("k found on attempt 3");

    List<String> types = SdkHarness.types(harness.history("long-backoff"));
    assertThat(types.stream().filter(t -> t.equals("TIMER_FIRED")).count()).isEqualTo(2);
    assertThat(types).contains("MARKER_RECORDED");
    assertThat(harness.server.clock().now()).isAfterOrEqualTo(EPOCH.plus(Duration.ofMinutes(20)));
  }

  @Test
  void aLongLocalActivityHeartbeatsTheWorkflowTask() {
    harness(QuickRetries.class, new SlowLookup());
    LookupWorkflow workflow = harness.client.newWorkflowStub(LookupWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(harness.taskQueue).setWorkflowId("heartbeating").setWorkflowTaskTimeout(Duration.ofSeconds(1)).build());

    assertThat(workflow.run("k")).isEqualTo("k computed");

    List<HistoryEvent> events = harness.history("heartbeating");
    long completedTasks = events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).count();
    assertThat(completedTasks).as("a heartbeat completes a task and starts the next").isGreaterThanOrEqualTo(2);
    assertThat(SdkHarness.types(events)).doesNotContain("WORKFLOW_TASK_TIMED_OUT", "WORKFLOW_TASK_FAILED");
    assertThat(markers(events)).hasSize(1);
  }
}
