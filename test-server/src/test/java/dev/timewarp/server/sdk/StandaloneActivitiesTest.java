package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.client.ActivityAlreadyStartedException;
import io.temporal.client.ActivityClient;
import io.temporal.client.ActivityFailedException;
import io.temporal.client.ActivityHandle;
import io.temporal.client.StartActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Standalone activities (no workflow) started, awaited and cancelled through the SDK's ActivityClient. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StandaloneActivitiesTest {
  @ActivityInterface
  public interface Report {
    String render(String name);
  }

  /** Fails the first two attempts, then renders. */
  public static class FlakyReport implements Report {
    @Override
    public String render(String name) {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      if (attempt < 3) {
        throw new IllegalStateException("renderer busy (attempt " + attempt + ")");
      }
      return name + " rendered on attempt " + attempt;
    }
  }

  private SdkHarness harness;
  private ActivityClient activities;

  private void start(boolean withWorker) {
    harness = new SdkHarness();
    if (withWorker) {
      harness.worker.registerActivitiesImplementations(new FlakyReport());
      harness.start();
    }
    activities = ActivityClient.newInstance(harness.stubs);
  }

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  private StartActivityOptions options(String id, String queue) {
    return StartActivityOptions.newBuilder()
        .setId(id)
        .setTaskQueue(queue)
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(10)).build())
        .build();
  }

  @Test
  void startedFromTheClientRetriedAndAwaited() {
    start(true);
    java.time.Instant before = harness.server.clock().now();
    ActivityHandle<String> handle = activities.start(Report.class, Report::render, options("report-1", harness.taskQueue), "q3");

    assertThat(handle.getResult()).isEqualTo("q3 rendered on attempt 3");
    assertThat(harness.server.clock().now()).isAfterOrEqualTo(before.plusSeconds(30)); // 10 s + 20 s of backoff, skipped
  }

  @Test
  void aSecondStartOfARunningIdIsRefused() {
    start(false); // nobody polls: the first run stays queued
    activities.start(Report.class, Report::render, options("report-2", "nobody"), "x");

    assertThatThrownBy(() -> activities.start(Report.class, Report::render, options("report-2", "nobody"), "y"))
        .isInstanceOf(ActivityAlreadyStartedException.class);
  }

  @Test
  void cancelBeforeAnyWorkerPickedItUpEndsItAtOnce() {
    start(false);
    ActivityHandle<String> handle = activities.start(Report.class, Report::render, options("report-3", "nobody"), "z");

    handle.cancel("not needed any more");

    assertThatThrownBy(handle::getResult)
        .isInstanceOf(ActivityFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
  }

  @Test
  void terminateEndsItWithATerminatedFailure() {
    start(false);
    ActivityHandle<String> handle = activities.start(Report.class, Report::render, options("report-4", "nobody"), "t");

    handle.terminate("operator stop");

    assertThatThrownBy(handle::getResult)
        .isInstanceOf(ActivityFailedException.class)
        .cause().hasMessageContaining("operator stop");
  }

  @Test
  void aStartDelayPostponesTheFirstAttempt() {
    start(true);
    java.time.Instant before = harness.server.clock().now();
    ActivityHandle<String> handle = activities.start(Report.class, Report::render,
        StartActivityOptions.newBuilder(options("report-5", harness.taskQueue)).setStartDelay(Duration.ofHours(1)).build(), "late");

    assertThat(handle.getResult()).isEqualTo("late rendered on attempt 3");
    // one hour of delay, then 10 s and 20 s of backoff
    assertThat(harness.server.clock().now()).isAfterOrEqualTo(before.plus(Duration.ofHours(1)).plusSeconds(30));
    assertThat(handle.describe().getRawInfo().getScheduleToCloseTimeout().getSeconds()).isZero();
  }

  @Test
  void listedAndCountedWithTheVisibilityQueryLanguage() {
    start(true);
    for (int i = 1; i <= 3; i++) {
      activities.start(Report.class, Report::render, options("done-" + i, harness.taskQueue), "d" + i).getResult();
    }
    activities.start(Report.class, Report::render, options("queued-1", "nobody"), "q1");
    activities.start(Report.class, Report::render, options("queued-2", "nobody"), "q2").terminate("stop");

    assertThat(activities.listExecutions("ExecutionStatus = 'Completed'").map(a -> a.getActivityId()))
        .containsExactlyInAnyOrder("done-1", "done-2", "done-3");
    assertThat(activities.listExecutions("ActivityId STARTS_WITH 'queued' AND ExecutionStatus = 'Running'")
        .map(a -> a.getActivityId())).containsExactly("queued-1");
    assertThat(activities.listExecutions("TaskQueue = 'nobody' ORDER BY ActivityId DESC").map(a -> a.getActivityId()))
        .containsExactly("queued-2", "queued-1");
    var terminated = activities.listExecutions("ActivityId = 'queued-2'").findFirst().orElseThrow();
    assertThat(terminated.getStatus()).isEqualTo(io.temporal.api.enums.v1.ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED);
    assertThat(terminated.getCloseTime()).isNotNull();

    assertThat(activities.countExecutions("ActivityType = 'Render'").getCount()).isEqualTo(5);
    var byStatus = activities.countExecutions("GROUP BY ExecutionStatus");
    assertThat(byStatus.getCount()).isEqualTo(5);
    assertThat(byStatus.getGroups()).extracting(g -> g.getGroupValues().get(0).get(0) + "=" + g.getCount())
        .containsExactlyInAnyOrder("Completed=3", "Running=1", "Terminated=1");
    assertThatThrownBy(() -> activities.countExecutions("ActivityTyp = 'Render'"))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("unknown search attribute 'ActivityTyp'; did you mean 'ActivityType'?");
  }
}
