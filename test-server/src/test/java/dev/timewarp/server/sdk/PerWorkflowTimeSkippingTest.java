package dev.timewarp.server.sdk;

import static dev.timewarp.server.RpcChecks.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import dev.timewarp.server.ServerOptions;
import dev.timewarp.server.TimeSkipping;
import io.grpc.Status;
import io.temporal.api.common.v1.TimeSkippingConfig;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.WorkflowExecutionOptions;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionOptionsRequest;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real server's per-workflow time model (TimeSkippingConfig) on a server whose own clock does
 * not skip: each execution skips its own time while nothing of it is in flight.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PerWorkflowTimeSkippingTest {
  @WorkflowInterface
  public interface Napper {
    @WorkflowMethod
    long nap(int days);
  }

  /** Sleeps, and returns how long it slept in its own time, in days. */
  public static class NapperImpl implements Napper {
    @Override
    public long nap(int days) {
      long before = Workflow.currentTimeMillis();
      Workflow.sleep(Duration.ofDays(days));
      return Duration.ofMillis(Workflow.currentTimeMillis() - before).toDays();
    }
  }

  @WorkflowInterface
  public interface Parent {
    @WorkflowMethod
    long napThroughChild(int days);
  }

  public static class ParentImpl implements Parent {
    @Override
    public long napThroughChild(int days) {
      Napper child = Workflow.newChildWorkflowStub(Napper.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(Workflow.getInfo().getWorkflowId() + "-child").build());
      return child.nap(days);
    }
  }

  // the server's own clock is held: only the executions' own time may move
  private final SdkHarness harness = new SdkHarness(ServerOptions.builder().timeSkipping(TimeSkipping.MANUAL).build());

  @AfterEach
  void tearDown() {
    harness.close();
  }

  private WorkflowExecution start(String id, String type, int days, TimeSkippingConfig config) {
    StartWorkflowExecutionRequest.Builder request = StartWorkflowExecutionRequest.newBuilder()
        .setNamespace("default").setWorkflowId(id).setRequestId(UUID.randomUUID().toString())
        .setWorkflowType(WorkflowType.newBuilder().setName(type))
        .setTaskQueue(TaskQueue.newBuilder().setName(harness.taskQueue))
        .setInput(DefaultDataConverter.STANDARD_INSTANCE.toPayloads(days).orElseThrow());
    if (config != null) {
      request.setTimeSkippingConfig(config);
    }
    String runId = harness.stubs.blockingStub().startWorkflowExecution(request.build()).getRunId();
    return WorkflowExecution.newBuilder().setWorkflowId(id).setRunId(runId).build();
  }

  private List<HistoryEvent> events(String id, EventType type) {
    return harness.history(id).stream().filter(e -> e.getEventType() == type).toList();
  }

  @Test
  void anExecutionWithSkippingEnabledSleepsAMonthWhileTheServerClockStands() {
    harness.worker.registerWorkflowImplementationTypes(NapperImpl.class);
    harness.start();
    Instant serverBefore = harness.server.clock().now();

    start("skipper", "Napper", 30, TimeSkippingConfig.newBuilder().setEnabled(true).build());

    assertThat(harness.client.newUntypedWorkflowStub("skipper").getResult(Long.class)).isEqualTo(30L);
    assertThat(Duration.between(serverBefore, harness.server.clock().now())).isLessThan(Duration.ofMinutes(1));
    var skipped = events("skipper", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIME_SKIPPING_TRANSITIONED);
    assertThat(skipped).hasSize(1);
    assertThat(skipped.get(0).getWorkerMayIgnore()).isTrue();
    var fired = events("skipper", EventType.EVENT_TYPE_TIMER_FIRED).get(0);
    // the timer fires at the instant the execution's time jumped to (give or take the server's own ticking)
    Instant target = dev.timewarp.server.internal.time.ProtoTime.instant(
        skipped.get(0).getWorkflowExecutionTimeSkippingTransitionedEventAttributes().getTargetTime());
    Instant firedAt = dev.timewarp.server.internal.time.ProtoTime.instant(fired.getEventTime());
    assertThat(firedAt).isBetween(target, target.plusSeconds(1));
    assertThat(firedAt).isAfter(serverBefore.plus(Duration.ofDays(30)));
    assertThat(harness.history("skipper").get(0).getWorkflowExecutionStartedEventAttributes().getTimeSkippingConfig().getEnabled()).isTrue();
  }

  @Test
  void withoutTheConfigTheSameSleepWaitsForTheServerClock() throws Exception {
    harness.worker.registerWorkflowImplementationTypes(NapperImpl.class);
    harness.start();
    start("sleeper", "Napper", 30, null);

    var result = harness.client.newUntypedWorkflowStub("sleeper").getResultAsync(Long.class);
    dev.timewarp.server.Await.until(() -> !events("sleeper", EventType.EVENT_TYPE_TIMER_STARTED).isEmpty(), () -> "the timer to start");
    assertThat(result).isNotDone();
    harness.server.clock().advance(Duration.ofDays(30)); // only the server's clock can end it
    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(30L);
    assertThat(events("sleeper", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIME_SKIPPING_TRANSITIONED)).isEmpty();
  }

  @Test
  void fastForwardThroughUpdateOptionsThenSkippingTurnsOff() {
    harness.worker.registerWorkflowImplementationTypes(NapperImpl.class);
    harness.start();
    WorkflowExecution run = start("forwarded", "Napper", 10, null);
    dev.timewarp.server.Await.until(() -> !events("forwarded", EventType.EVENT_TYPE_TIMER_STARTED).isEmpty(), () -> "the timer to start");

    var response = harness.stubs.blockingStub().updateWorkflowExecutionOptions(UpdateWorkflowExecutionOptionsRequest.newBuilder()
        .setNamespace("default").setWorkflowExecution(run)
        .setWorkflowExecutionOptions(WorkflowExecutionOptions.newBuilder().setTimeSkippingConfig(
            TimeSkippingConfig.newBuilder().setFastForward(com.google.protobuf.Duration.newBuilder().setSeconds(11 * 86400))))
        .setUpdateMask(FieldMask.newBuilder().addPaths("time_skipping_config"))
        .build());
    assertThat(response.getWorkflowExecutionOptions().getTimeSkippingConfig().hasFastForward()).isTrue();

    assertThat(harness.client.newUntypedWorkflowStub("forwarded").getResult(Long.class)).isEqualTo(10L);
    var transitions = events("forwarded", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIME_SKIPPING_TRANSITIONED);
    // first to the timer (10 days), later to the end of the fast-forward (11 days), which turns skipping off
    assertThat(transitions).isNotEmpty();
    assertThat(events("forwarded", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED)).hasSize(1);
  }

  @Test
  void aChildInheritsItsParentsSkippingAndSkippedTime() {
    harness.worker.registerWorkflowImplementationTypes(NapperImpl.class, ParentImpl.class);
    harness.start();

    start("family", "Parent", 5, TimeSkippingConfig.newBuilder().setEnabled(true).build());

    assertThat(harness.client.newUntypedWorkflowStub("family").getResult(Long.class)).isEqualTo(5L);
    var childStart = harness.history("family-child").get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(harness.history("family-child").stream()
        .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIME_SKIPPING_TRANSITIONED)).isTrue();
    assertThat(childStart.getParentWorkflowExecution().getWorkflowId()).isEqualTo("family");
  }

  @Test
  void updateOptionsRefusesWhatItCannotDo() {
    harness.worker.registerWorkflowImplementationTypes(NapperImpl.class);
    harness.start();
    WorkflowExecution run = start("refusals", "Napper", 1, null);

    assertStatus(() -> harness.stubs.blockingStub().updateWorkflowExecutionOptions(UpdateWorkflowExecutionOptionsRequest.newBuilder()
            .setNamespace("default").setWorkflowExecution(run).build()),
        Status.Code.INVALID_ARGUMENT, "UpdateMask is required.");
    assertStatus(() -> harness.stubs.blockingStub().updateWorkflowExecutionOptions(UpdateWorkflowExecutionOptionsRequest.newBuilder()
            .setNamespace("default").setWorkflowExecution(run).setUpdateMask(FieldMask.newBuilder().addPaths("versioning_override")).build()),
        Status.Code.INVALID_ARGUMENT, "error parsing UpdateMask: path versioning_override is not supported by Timewarp");
  }

  @Test
  void disablePropagationKeepsTheChildOnTheServersClock() throws Exception {
    harness.worker.registerWorkflowImplementationTypes(NapperImpl.class, ParentImpl.class);
    harness.start();

    start("solo", "Parent", 5, TimeSkippingConfig.newBuilder().setEnabled(true).setDisablePropagation(true).build());

    var result = harness.client.newUntypedWorkflowStub("solo").getResultAsync(Long.class);
    dev.timewarp.server.Await.until(() -> {
      try {
        return !events("solo-child", EventType.EVENT_TYPE_TIMER_STARTED).isEmpty();
      } catch (RuntimeException notYet) {
        return false;
      }
    }, () -> "the child's timer to start");
    assertThat(result).isNotDone(); // the parent waits on its child, which does not skip
    assertThat(events("solo-child", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIME_SKIPPING_TRANSITIONED)).isEmpty();
    harness.server.clock().advance(Duration.ofDays(5));
    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(5L);
  }

  @Test
  void signalWithStartCarriesTheConfigToo() {
    harness.worker.registerWorkflowImplementationTypes(NapperImpl.class);
    harness.start();
    harness.stubs.blockingStub().signalWithStartWorkflowExecution(
        io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setWorkflowId("signalled-skipper").setRequestId(UUID.randomUUID().toString())
            .setWorkflowType(WorkflowType.newBuilder().setName("Napper"))
            .setTaskQueue(TaskQueue.newBuilder().setName(harness.taskQueue))
            .setInput(DefaultDataConverter.STANDARD_INSTANCE.toPayloads(7).orElseThrow())
            .setSignalName("wake")
            .setTimeSkippingConfig(TimeSkippingConfig.newBuilder().setEnabled(true))
            .build());

    assertThat(harness.client.newUntypedWorkflowStub("signalled-skipper").getResult(Long.class)).isEqualTo(7L);
    assertThat(events("signalled-skipper", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIME_SKIPPING_TRANSITIONED)).hasSize(1);
  }
}
