package dev.timewarp.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.ExternalWorkflowStub;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Workflows that signal and cancel other workflows (SignalExternal / RequestCancelExternal commands). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExternalWorkflowsTest {
  @WorkflowInterface
  public interface Inbox {
    @WorkflowMethod
    String waitForLetter();

    @SignalMethod
    void deliver(String letter);
  }

  public static class InboxImpl implements Inbox {
    private String letter;

    @Override
    public String waitForLetter() {
      // a day at most: long enough that only a signal (or a cancel) ends it
      Workflow.await(Duration.ofDays(1), () -> letter != null);
      return letter == null ? "no letter" : letter;
    }

    @Override
    public void deliver(String letter) {
      this.letter = letter;
    }
  }

  @WorkflowInterface
  public interface Sender {
    @WorkflowMethod
    String send(String targetId, boolean cancelInstead);
  }

  public static class SenderImpl implements Sender {
    @Override
    public String send(String targetId, boolean cancelInstead) {
      ExternalWorkflowStub target = Workflow.newUntypedExternalWorkflowStub(targetId);
      try {
        if (cancelInstead) {
          target.cancel();
          return "cancel requested";
        }
        target.signal("deliver", "hello from the sender");
        return "delivered";
      } catch (RuntimeException e) {
        // the SDK turns the failed event into an ApplicationFailure typed by its cause
        return "failed: " + (e instanceof io.temporal.failure.ApplicationFailure failure ? failure.getType() : e.toString());
      }
    }
  }

  private final SdkHarness harness = new SdkHarness();

  @AfterEach
  void tearDown() {
    harness.close();
  }

  private static List<EventType> types(List<HistoryEvent> events) {
    return events.stream().map(HistoryEvent::getEventType).toList();
  }

  private static HistoryEvent first(List<HistoryEvent> events, EventType type) {
    return events.stream().filter(e -> e.getEventType() == type).findFirst().orElseThrow();
  }

  @Test
  void aSignalReachesTheOtherWorkflowAndBothHistoriesSaySo() {
    harness.worker.registerWorkflowImplementationTypes(InboxImpl.class, SenderImpl.class);
    harness.start();
    Inbox inbox = harness.newStub(Inbox.class, "inbox");
    WorkflowClient.start(inbox::waitForLetter);

    assertThat(harness.newStub(Sender.class, "sender").send("inbox", false)).isEqualTo("delivered");
    assertThat(WorkflowStub.fromTyped(inbox).getResult(String.class)).isEqualTo("hello from the sender");

    List<HistoryEvent> sender = harness.history("sender");
    assertThat(types(sender)).containsSubsequence(
        EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    long initiatedId = first(sender, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED).getEventId();
    assertThat(first(sender, EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED)
        .getExternalWorkflowExecutionSignaledEventAttributes().getInitiatedEventId()).isEqualTo(initiatedId);
    var signaled = first(harness.history("inbox"), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .getWorkflowExecutionSignaledEventAttributes();
    assertThat(signaled.getSignalName()).isEqualTo("deliver");
    assertThat(signaled.getExternalWorkflowExecution().getWorkflowId()).isEqualTo("sender");
  }

  @Test
  void aSignalToAWorkflowThatDoesNotRunFailsInTheSender() {
    harness.worker.registerWorkflowImplementationTypes(SenderImpl.class);
    harness.start();

    assertThat(harness.newStub(Sender.class, "lonely-sender").send("nobody-home", false))
        .isEqualTo("failed: SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND");
    var failed = first(harness.history("lonely-sender"), EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
        .getSignalExternalWorkflowExecutionFailedEventAttributes();
    assertThat(failed.getWorkflowExecution().getWorkflowId()).isEqualTo("nobody-home");
    assertThat(failed.getCause().name()).endsWith("EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND");
  }

  @Test
  void aCancelRequestReachesTheOtherWorkflow() {
    harness.worker.registerWorkflowImplementationTypes(InboxImpl.class, SenderImpl.class);
    harness.start();
    Inbox inbox = harness.newStub(Inbox.class, "cancelled-inbox");
    WorkflowClient.start(inbox::waitForLetter);

    assertThat(harness.newStub(Sender.class, "canceller").send("cancelled-inbox", true)).isEqualTo("cancel requested");
    try {
      WorkflowStub.fromTyped(inbox).getResult(String.class);
      throw new AssertionError("the inbox should have been cancelled");
    } catch (WorkflowFailedException e) {
      assertThat(e.getCause()).isInstanceOf(CanceledFailure.class);
    }
    var requested = first(harness.history("cancelled-inbox"), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
        .getWorkflowExecutionCancelRequestedEventAttributes();
    assertThat(requested.getExternalWorkflowExecution().getWorkflowId()).isEqualTo("canceller");
    assertThat(types(harness.history("canceller"))).containsSubsequence(
        EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
  }
}
