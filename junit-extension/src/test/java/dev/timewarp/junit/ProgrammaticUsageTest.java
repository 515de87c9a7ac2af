package dev.timewarp.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.timewarp.server.AttemptRecord;
import dev.timewarp.server.Faults;
import dev.timewarp.server.TestClock;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Activities under a fast-forwarded clock, with fakes registered through the builder. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProgrammaticUsageTest {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @ActivityInterface
  public interface Shipping {
    /** Heartbeats progress; the first attempt hangs after 30%. */
    String transfer(String file);

    /** Completed later, from outside, by task token or id. */
    String awaitApproval(String request);

    /** Runs until cancelled, heartbeating. */
    String track(String parcel);
  }

  /** A fake with hooks the tests control. */
  static final class FakeShipping implements Shipping {
    volatile CountDownLatch hang = new CountDownLatch(1);
    final CompletableFuture<byte[]> approvalToken = new CompletableFuture<>();

    @Override
    public String transfer(String file) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      int resumeFrom = context.getHeartbeatDetails(Integer.class).orElse(0);
      if (context.getInfo().getAttempt() == 1) {
        context.heartbeat(30);
        try {
          hang.await(30, TimeUnit.SECONDS); // the "crash": never answers again
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return "never seen";
      }
      return file + " resumed from " + resumeFrom + "%";
    }

    @Override
    public String awaitApproval(String request) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      approvalToken.complete(context.getTaskToken());
      context.doNotCompleteOnReturn();
      return null;
    }

    @Override
    public String track(String parcel) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      while (true) {
        try {
          context.heartbeat("tracking");
        } catch (ActivityCompletionException cancelled) {
          return "stopped tracking " + parcel;
        }
        try {
          Thread.sleep(20); // the fake's own pacing between heartbeats
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted";
        }
      }
    }
  }

  @WorkflowInterface
  public interface Logistics {
    @WorkflowMethod
    String run(String what);

    @SignalMethod
    void stop();
  }

  public static class LogisticsImpl implements Logistics {
    private final Shipping shipping = Workflow.newActivityStub(Shipping.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofDays(30))
        .setHeartbeatTimeout(Duration.ofMinutes(5))
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
        .build());
    /** A short heartbeat timeout: the SDK sends heartbeats at most every 0.8 x of it. */
    private final Shipping tracker = Workflow.newActivityStub(Shipping.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofDays(1))
        .setHeartbeatTimeout(Duration.ofSeconds(1))
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .build());
    private final Shipping slowApproval = Workflow.newActivityStub(Shipping.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofDays(7))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
    private boolean stop;

    @Override
    public String run(String what) {
      switch (what) {
        case "transfer":
          return shipping.transfer("video.mp4");
        case "approval":
          try {
            return slowApproval.awaitApproval("refund");
          } catch (ActivityFailure failure) {
            return "approval " + ((TimeoutFailure) failure.getCause()).getTimeoutType();
          }
        default:
          Promise<String>[] tracking = new Promise[1];
          CancellationScope scope = Workflow.newCancellationScope(() -> tracking[0] = Async.function(tracker::track, "p-1"));
          scope.run();
          Workflow.await(() -> stop);
          scope.cancel();
          try {
            return tracking[0].get();
          } catch (ActivityFailure failure) {
            return "cancelled: " + (failure.getCause() instanceof CanceledFailure);
          }
      }
    }

    @Override
    public void stop() {
      stop = true;
    }
  }

  private final FakeShipping shipping = new FakeShipping();

  @RegisterExtension
  TimewarpExtension timewarp = TimewarpExtension.newBuilder()
      .registerWorkflowImplementationTypes(LogisticsImpl.class)
      .registerActivityImplementations(shipping)
      .setInitialTime(START)
      .build();

  @AfterEach
  void releaseHungAttempts() {
    shipping.hang.countDown();
  }

  @Test
  void crashedWorkerIsDetectedByHeartbeatTimeoutAndTheRetryResumes(
      Logistics logistics, Faults faults, TimewarpRuntime runtime, TestClock clock) {
    WorkflowClient.start(logistics::run, "transfer");
    Conditions.await(() -> runtime.server().orElseThrow().activityRecords(WorkflowStub.fromTyped(logistics)
            .getExecution().getWorkflowId()).stream().anyMatch(a -> a.attempts().get(0).heartbeatCount() > 0),
        () -> "the transfer heartbeating");

    faults.declareWorkerGone(runtime.workerIdentity());

    assertThat(WorkflowStub.fromTyped(logistics).getResult(String.class)).isEqualTo("video.mp4 resumed from 30%");
    var attempts = runtime.server().orElseThrow()
        .activityRecords(WorkflowStub.fromTyped(logistics).getExecution().getWorkflowId()).get(0).attempts();
    assertThat(attempts).extracting(AttemptRecord::outcome)
        .containsExactly(AttemptRecord.Outcome.TIMED_OUT, AttemptRecord.Outcome.COMPLETED);
    // five virtual minutes of heartbeat timeout went by; the test's timeout is 30 s of wall time
    assertThat(clock.now()).isAfterOrEqualTo(START.plus(Duration.ofMinutes(5)));
  }

  @Test
  void asyncCompletionByTaskTokenAfterADay(Logistics logistics, WorkflowClient client, TestClock clock) throws Exception {
    WorkflowClient.start(logistics::run, "approval");
    byte[] token = shipping.approvalToken.get(10, TimeUnit.SECONDS);
    clock.advance(Duration.ofDays(1));

    ActivityCompletionClient completion = client.newActivityCompletionClient();
    completion.complete(token, "approved after a day");

    assertThat(WorkflowStub.fromTyped(logistics).getResult(String.class)).isEqualTo("approved after a day");
    assertThat(clock.now()).isAfterOrEqualTo(START.plus(Duration.ofDays(1)));
  }

  @Test
  void unansweredAsyncActivityTimesOutAfterItsWeek(Logistics logistics, TestClock clock) throws Exception {
    WorkflowClient.start(logistics::run, "approval");
    shipping.approvalToken.get(10, TimeUnit.SECONDS);
    // the attempt is started on a live worker, so the server cannot know nobody will answer:
    // time does not skip past it by itself, the test moves it on
    clock.advance(Duration.ofDays(7).plusSeconds(1));

    assertThat(WorkflowStub.fromTyped(logistics).getResult(String.class)).isEqualTo("approval TIMEOUT_TYPE_START_TO_CLOSE");
  }

  @Test
  void cancellationReachesAHeartbeatingActivity(Logistics logistics, WorkflowClient client) {
    WorkflowClient.start(logistics::run, "track");
    logistics.stop();
    assertThat(WorkflowStub.fromTyped(logistics).getResult(String.class)).isIn("stopped tracking p-1", "cancelled: true");
    var types = client.fetchHistory(WorkflowStub.fromTyped(logistics).getExecution().getWorkflowId()).getEvents().stream()
        .map(e -> e.getEventType().name()).toList();
    assertThat(types).containsSubsequence("EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED", "EVENT_TYPE_ACTIVITY_TASK_STARTED");
  }
}
