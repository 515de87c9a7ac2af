package dev.timewarp.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.junit.TimewarpExtension;
import dev.timewarp.server.TestClock;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A human in the loop. A refund waits up to 7 days for a manager's decision: the approval activity
 * files a ticket and returns without completing; the manager's answer completes it later, from
 * outside the worker, by task token or by workflow and activity id.
 *
 * <p>An attempt that a live worker has started counts as in flight, so the server will not skip time
 * past it on its own (it cannot know that nobody will answer): these tests move the clock with {@code
 * clock.advance(...)}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HumanApprovalTest {

  /** What the approval activity leaves for a human: enough to complete it later. */
  record ApprovalTicket(String workflowId, String activityId, byte[] taskToken, Instant filedAt, String request) {}

  /** A stand-in for the ticketing system the managers use, keyed by workflow id. */
  static final class ApprovalInbox {
    private final Map<String, CompletableFuture<ApprovalTicket>> tickets = new ConcurrentHashMap<>();

    void file(ApprovalTicket ticket) {
      ticketFor(ticket.workflowId()).complete(ticket);
    }

    ApprovalTicket awaitTicket(String workflowId) throws Exception {
      return ticketFor(workflowId).get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<ApprovalTicket> ticketFor(String workflowId) {
      return tickets.computeIfAbsent(workflowId, id -> new CompletableFuture<>());
    }
  }

  @ActivityInterface
  public interface Approvals {
    /** Returns the manager's decision, days later. */
    String requestApproval(String request);
  }

  static final class InboxApprovals implements Approvals {
    private final ApprovalInbox inbox;

    InboxApprovals(ApprovalInbox inbox) {
      this.inbox = inbox;
    }

    @Override
    public String requestApproval(String request) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      inbox.file(new ApprovalTicket(
          context.getInfo().getWorkflowId(),
          context.getInfo().getActivityId(),
          context.getTaskToken(),
          Instant.ofEpochMilli(context.getInfo().getScheduledTimestamp()),
          request));
      context.doNotCompleteOnReturn(); // the manager's answer completes it
      return null;
    }
  }

  @WorkflowInterface
  public interface RefundWorkflow {
    @WorkflowMethod
    String refund(String orderId);
  }

  public static class RefundWorkflowImpl implements RefundWorkflow {
    private final Approvals approvals =
        Workflow.newActivityStub(
            Approvals.class,
            ActivityOptions.newBuilder()
                .setScheduleToCloseTimeout(Duration.ofDays(7)) // the whole approval window
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());

    @Override
    public String refund(String orderId) {
      try {
        return "refund " + orderId + " " + approvals.requestApproval("refund " + orderId);
      } catch (ActivityFailure failure) {
        if (failure.getCause() instanceof TimeoutFailure timeout) {
          return "refund " + orderId + " expired (" + timeout.getTimeoutType() + ")";
        }
        throw failure;
      }
    }
  }

  static final ApprovalInbox inbox = new ApprovalInbox();

  @RegisterExtension
  static TimewarpExtension timewarp =
      TimewarpExtension.newBuilder()
          .registerWorkflowImplementationTypes(RefundWorkflowImpl.class)
          .registerActivityImplementations(new InboxApprovals(inbox))
          .setInitialTime(Instant.parse("2030-01-01T00:00:00Z"))
          .build();

  @Test
  void managerApprovesByTaskTokenThreeDaysLater(RefundWorkflow refund, WorkflowClient client, TestClock clock)
      throws Exception {
    WorkflowStub workflow = start(refund, "o-1");
    ApprovalTicket ticket = inbox.awaitTicket(workflow.getExecution().getWorkflowId());
    assertThat(ticket.request()).isEqualTo("refund o-1");

    clock.advance(Duration.ofDays(3)); // the manager is on holiday
    ActivityCompletionClient completion = client.newActivityCompletionClient();
    completion.complete(ticket.taskToken(), "approved by alice");

    assertThat(workflow.getResult(String.class)).isEqualTo("refund o-1 approved by alice");
    assertThat(clock.now()).isBetween(ticket.filedAt().plus(Duration.ofDays(3)), ticket.filedAt().plus(Duration.ofDays(7)));
  }

  @Test
  void managerApprovesByWorkflowAndActivityId(RefundWorkflow refund, WorkflowClient client, TestClock clock)
      throws Exception {
    WorkflowStub workflow = start(refund, "o-2");
    ApprovalTicket ticket = inbox.awaitTicket(workflow.getExecution().getWorkflowId());

    clock.advance(Duration.ofDays(6));
    // the ticketing system kept ids rather than the token: no run id means the current run
    client.newActivityCompletionClient()
        .complete(ticket.workflowId(), Optional.empty(), ticket.activityId(), "approved by bob");

    assertThat(workflow.getResult(String.class)).isEqualTo("refund o-2 approved by bob");
    assertThat(clock.now()).isBetween(ticket.filedAt().plus(Duration.ofDays(6)), ticket.filedAt().plus(Duration.ofDays(7)));
  }

  @Test
  void withoutADecisionTheRefundExpiresAfterSevenDays(RefundWorkflow refund, WorkflowClient client, TestClock clock)
      throws Exception {
    WorkflowStub workflow = start(refund, "o-3");
    ApprovalTicket ticket = inbox.awaitTicket(workflow.getExecution().getWorkflowId());

    clock.advance(Duration.ofDays(7).plusMinutes(1)); // nobody answers

    assertThat(workflow.getResult(String.class)).isEqualTo("refund o-3 expired (TIMEOUT_TYPE_SCHEDULE_TO_CLOSE)");
    assertThat(clock.now()).isAfterOrEqualTo(ticket.filedAt().plus(Duration.ofDays(7)));
    // an answer that comes too late is refused
    ActivityCompletionClient completion = client.newActivityCompletionClient();
    assertThatThrownBy(() -> completion.complete(ticket.taskToken(), "approved by carol"))
        .isInstanceOf(ActivityNotExistsException.class);
  }

  private static WorkflowStub start(RefundWorkflow refund, String orderId) {
    WorkflowClient.start(refund::refund, orderId);
    return WorkflowStub.fromTyped(refund);
  }
}
