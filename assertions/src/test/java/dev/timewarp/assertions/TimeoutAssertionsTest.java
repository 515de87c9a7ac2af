package dev.timewarp.assertions;

import static dev.timewarp.assertions.TimewarpAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.timewarp.junit.TimewarpRuntime;
import dev.timewarp.junit.TimewarpTest;
import dev.timewarp.server.Faults;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A heartbeat timeout after a crashed worker, asserted at history, activity and failure level. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TimewarpTest(workflows = TimeoutAssertionsTest.ImportImpl.class, activities = TimeoutAssertionsTest.LoaderImpl.class)
class TimeoutAssertionsTest {
  static volatile CountDownLatch hang = new CountDownLatch(1);
  static volatile CountDownLatch heartbeated = new CountDownLatch(1);

  @ActivityInterface
  public interface Loader {
    void load(String file);
  }

  public static class LoaderImpl implements Loader {
    @Override
    public void load(String file) {
      Activity.getExecutionContext().heartbeat(42);
      heartbeated.countDown();
      try {
        hang.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @WorkflowInterface
  public interface Import {
    @WorkflowMethod
    void run(String file);
  }

  public static class ImportImpl implements Import {
    @Override
    public void run(String file) {
      Workflow.newActivityStub(Loader.class, ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(1))
              .setHeartbeatTimeout(Duration.ofMinutes(5))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
              .build())
          .load(file);
    }
  }

  @AfterEach
  void release() {
    hang.countDown();
    hang = new CountDownLatch(1);
    heartbeated = new CountDownLatch(1);
  }

  @Test
  void aHeartbeatTimeoutIsDescribedAtEveryLevel(Import job, WorkflowClient client, Faults faults, TimewarpRuntime runtime)
      throws Exception {
    WorkflowClient.start(job::run, "big.csv");
    heartbeated.await(10, TimeUnit.SECONDS);
    // let the heartbeat reach the server before the "crash"
    long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (runtime.server().orElseThrow().activityRecords(WorkflowStub.fromTyped(job).getExecution().getWorkflowId())
            .get(0).attempts().get(0).heartbeatCount() == 0 && System.nanoTime() < bound) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    faults.declareWorkerGone(runtime.workerIdentity());

    WorkflowFailedException failure = catchThrowableOfType(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(job).getResult(Void.class));

    assertThat(client, WorkflowStub.fromTyped(job)).isFailed().hasActivity("Load", load -> load
        .isTimedOut(TimeoutType.TIMEOUT_TYPE_HEARTBEAT)
        .hasRetryState(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED)
        .hasFailureMessage("activity Heartbeat timeout")
        .hasLastHeartbeatDetails(Integer.class, 42)
        .hasHeartbeatTimeout(Duration.ofMinutes(5)));
    assertThat(failure)
        .hasRetryState(RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET)
        .failureCause().isActivityFailure("Load").hasRetryState(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED)
        .failureCause().isTimeout(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThatThrownBy(() -> assertThat(client, WorkflowStub.fromTyped(job)).activity("Load")
            .isTimedOut(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE))
        .hasMessageEndingWith("Expecting the activity to have timed out (start_to_close) but it timed out (heartbeat)");
    assertThatThrownBy(() -> assertThat(client, WorkflowStub.fromTyped(job)).activity("Load").hasLastHeartbeatDetails(Integer.class, 7))
        .hasMessageEndingWith("Expecting the last heartbeat details to be 7 but was 42");
  }
}
