package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkflowFeaturesTest {
  static final SearchAttributeKey<String> CUSTOMER = SearchAttributeKey.forKeyword("CustomKeywordField");
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  @WorkflowInterface
  public interface Recorder {
    @WorkflowMethod
    String record();
  }

  public static class RecorderImpl implements Recorder {
    @Override
    public String record() {
      int value = Workflow.sideEffect(Integer.class, () -> 42);
      Workflow.upsertTypedSearchAttributes(CUSTOMER.valueSet("acme"));
      return "value " + value;
    }
  }

  @ActivityInterface
  public interface Blocking {
    String hold();
  }

  public static class BlockingImpl implements Blocking {
    @Override
    public String hold() {
      try {
        RELEASE.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "released";
    }
  }

  @WorkflowInterface
  public interface Holder {
    @WorkflowMethod
    String hold();
  }

  public static class HolderImpl implements Holder {
    @Override
    public String hold() {
      return Workflow.newActivityStub(
              Blocking.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build())
          .hold();
    }
  }

  private SdkHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void sideEffectsBecomeMarkersAndSearchAttributesAreUpserted() {
    harness = new SdkHarness();
    harness.worker.registerWorkflowImplementationTypes(RecorderImpl.class);
    harness.start();

    assertThat(harness.newStub(Recorder.class, "recorder").record()).isEqualTo("value 42");

    List<HistoryEvent> events = harness.history("recorder");
    HistoryEvent marker = events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED).findFirst().orElseThrow();
    assertThat(marker.getMarkerRecordedEventAttributes().getMarkerName()).isEqualTo("SideEffect");
    assertThat(marker.getMarkerRecordedEventAttributes().getWorkflowTaskCompletedEventId()).isEqualTo(4);
    assertThat(SdkHarness.types(events)).contains("UPSERT_WORKFLOW_SEARCH_ATTRIBUTES");
    var described = harness.stubs.blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId("recorder"))
            .build());
    assertThat(described.getWorkflowExecutionInfo().getSearchAttributes().getIndexedFieldsMap())
        .containsKey("CustomKeywordField");
  }

  @Test
  void busyReasonsNameTheRunningActivityAndItsWorker() throws Exception {
    harness = new SdkHarness();
    harness.worker.registerWorkflowImplementationTypes(HolderImpl.class);
    harness.worker.registerActivitiesImplementations(new BlockingImpl());
    harness.start();
    Holder holder = harness.newStub(Holder.class, "holder");
    WorkflowClient.start(holder::hold);

    dev.timewarp.server.Await.until(
        () -> harness.server.clock().busyReasons().stream().anyMatch(r -> r.startsWith("activity ")),
        () -> "the activity running; busy: " + harness.server.clock().busyReasons());
    List<String> reasons = harness.server.clock().busyReasons();
    assertThat(reasons).anyMatch(r -> r.startsWith("activity Hold (") && r.contains(") attempt 1 running on worker "));

    RELEASE.countDown();
    assertThat(WorkflowStub.fromTyped(holder).getResult(String.class)).isEqualTo("released");
    harness.server.clock().awaitIdle(Duration.ofSeconds(10));
    assertThat(harness.server.clock().busyReasons()).isEmpty();
  }

  @Test
  void memoAndStartOptionsAreDescribed() {
    harness = new SdkHarness();
    harness.worker.registerWorkflowImplementationTypes(RecorderImpl.class);
    harness.start();
    Recorder recorder = harness.client.newWorkflowStub(Recorder.class,
        io.temporal.client.WorkflowOptions.newBuilder()
            .setTaskQueue(harness.taskQueue)
            .setWorkflowId("with-memo")
            .setMemo(java.util.Map.of("owner", "team-a"))
            .setWorkflowExecutionTimeout(Duration.ofDays(2))
            .setWorkflowRunTimeout(Duration.ofDays(1))
            .build());
    recorder.record();

    var described = harness.stubs.blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId("with-memo"))
            .build());
    assertThat(described.getWorkflowExecutionInfo().getMemo().getFieldsMap()).containsKey("owner");
    assertThat(described.getExecutionConfig().getWorkflowRunTimeout().getSeconds()).isEqualTo(86_400);
    assertThat(described.getExecutionConfig().getWorkflowExecutionTimeout().getSeconds()).isEqualTo(172_800);
    var started = harness.history("with-memo").get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(started.getMemo().getFieldsMap()).containsKey("owner");
    assertThat(started.hasWorkflowExecutionExpirationTime()).isTrue();
    assertThat(started.getWorkflowTaskTimeout().getSeconds()).isEqualTo(10);
  }
}
