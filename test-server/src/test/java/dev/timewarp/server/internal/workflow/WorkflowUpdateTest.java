package dev.timewarp.server.internal.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.timewarp.server.internal.engine.EngineException;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.protocol.v1.Message;
import io.temporal.api.update.v1.Input;
import io.temporal.api.update.v1.Meta;
import io.temporal.api.update.v1.Outcome;
import io.temporal.api.update.v1.Request;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The update state machine on its own: stages, outcomes, what callers wait on, refused transitions. */
class WorkflowUpdateTest {
  private static final UpdateWorkflowExecutionLifecycleStage ADMITTED =
      UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
  private static final UpdateWorkflowExecutionLifecycleStage ACCEPTED =
      UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
  private static final UpdateWorkflowExecutionLifecycleStage COMPLETED =
      UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  private static final WorkflowExecution RUN = WorkflowExecution.newBuilder().setWorkflowId("w").setRunId("r1").build();

  private final WorkflowUpdate update = new WorkflowUpdate(RUN, Request.newBuilder()
      .setMeta(Meta.newBuilder().setUpdateId("u1")).setInput(Input.newBuilder().setName("rename")).build());

  private static Outcome success() {
    return Outcome.newBuilder().setSuccess(Payloads.getDefaultInstance()).build();
  }

  @Test
  void anAdmittedUpdateIsSentAsAMessageNamingItsRequest() {
    assertThat(update.status().stage()).isEqualTo(ADMITTED);
    assertThat(update.reached(ADMITTED)).isDone(); // nothing to wait for
    assertThat(update.reached(ACCEPTED)).isNotDone();

    Message message = update.send(5);

    assertThat(message.getId()).isEqualTo("u1/request");
    assertThat(message.getProtocolInstanceId()).isEqualTo("u1");
    assertThat(message.getEventId()).isEqualTo(5);
    assertThat(message.getBody().is(Request.class)).isTrue();
    assertThat(update.state()).isEqualTo(WorkflowUpdate.State.SENT);
    update.resend(); // the task carrying it was lost
    assertThat(update.state()).isEqualTo(WorkflowUpdate.State.ADMITTED);
  }

  @Test
  void acceptanceAndThenTheResponseMoveTheStagesOn() {
    CompletableFuture<Void> untilAccepted = update.reached(ACCEPTED);
    CompletableFuture<Void> untilCompleted = update.reached(COMPLETED);
    update.send(5);

    update.accept(8);
    assertThat(untilAccepted).isDone();
    assertThat(untilCompleted).isNotDone();
    assertThat(update.status().stage()).isEqualTo(ACCEPTED);
    assertThat(update.status().outcome()).isEmpty();
    assertThat(update.acceptedEventId()).isEqualTo(8);

    update.complete(success());
    assertThat(untilCompleted).isDone();
    assertThat(update.status().stage()).isEqualTo(COMPLETED);
    assertThat(update.status().outcome()).contains(success());
    assertThat(update.status().toUpdateResponse().getUpdateRef().getWorkflowExecution()).isEqualTo(RUN);
  }

  @Test
  void aRejectionIsTheOutcomeAndEndsEveryWait() {
    CompletableFuture<Void> untilAccepted = update.reached(ACCEPTED);
    update.send(5);

    update.reject(Failure.newBuilder().setMessage("no").build());

    assertThat(untilAccepted).isDone();
    assertThat(update.reached(COMPLETED)).isDone();
    assertThat(update.status().stage()).isEqualTo(COMPLETED);
    assertThat(update.status().outcome().orElseThrow().getFailure().getMessage()).isEqualTo("no");
  }

  @Test
  void anAbortedUpdateAnswersWithTheError() {
    CompletableFuture<Void> untilCompleted = update.reached(COMPLETED);

    update.abort(EngineException.notFound("workflow update was aborted by closing workflow"));

    assertThat(untilCompleted).isDone();
    assertThatThrownBy(update::status).isInstanceOf(EngineException.class)
        .hasMessage("workflow update was aborted by closing workflow");
  }

  @Test
  void eachCallerMayGiveUpWithoutEndingTheOthersWait() {
    CompletableFuture<Void> gaveUp = update.reached(COMPLETED);
    CompletableFuture<Void> stillWaiting = update.reached(COMPLETED);

    gaveUp.cancel(false);
    update.send(5);
    update.accept(8);
    update.complete(success());

    assertThat(stillWaiting).isCompleted();
  }

  @Test
  void itMovesToTheRunThatContinuesItsRunAsIfNew() {
    update.send(5);
    WorkflowExecution next = RUN.toBuilder().setRunId("r2").build();

    update.moveTo(next);

    assertThat(update.state()).isEqualTo(WorkflowUpdate.State.ADMITTED);
    assertThat(update.status().execution()).isEqualTo(next);
  }

  @Test
  void transitionsOutOfOrderAreBugsThatSurfaceClearly() {
    assertThatThrownBy(() -> update.complete(success())).isInstanceOf(IllegalStateException.class)
        .hasMessage("update u1 cannot leave state ADMITTED this way");
    update.send(5);
    update.accept(8);
    assertThatThrownBy(() -> update.send(9)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> update.reject(Failure.getDefaultInstance())).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> update.abort(EngineException.notFound("x"))).isInstanceOf(IllegalStateException.class);
  }
}
