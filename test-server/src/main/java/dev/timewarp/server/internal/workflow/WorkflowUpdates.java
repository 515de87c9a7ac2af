package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.errordetails.v1.WorkflowNotReadyFailure;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import java.util.List;

/** UpdateWorkflowExecution and PollWorkflowExecutionUpdate. Called under the engine lock. */
public final class WorkflowUpdates {
  /** history: updates are refused while the workflow task keeps failing (attempt 3 and on). */
  private static final int FAILING_TASK_ATTEMPT = 3;

  private final Engine engine;

  public WorkflowUpdates(Engine engine) {
    this.engine = engine;
  }

  /** An update and the stage its caller waits for. */
  public record Waiting(WorkflowUpdate update, UpdateWorkflowExecutionLifecycleStage stage) {}

  public Waiting update(UpdateWorkflowExecutionRequest request) {
    UpdateWorkflowExecutionRequest prepared = UpdateRequests.prepare(request);
    engine.namespaces().require(prepared.getNamespace());
    WorkflowRun run = engine.workflows().find(prepared.getNamespace(), prepared.getWorkflowExecution());
    return new Waiting(admit(run, prepared), prepared.getWaitPolicy().getLifecycleStage());
  }

  /**
   * The update on this run: a new one, or the one with the same id (a retry gets the same
   * update, also after it completed). A closed run only answers for updates it already has.
   */
  static WorkflowUpdate admit(WorkflowRun run, UpdateWorkflowExecutionRequest request) {
    String firstRunId = request.getFirstExecutionRunId();
    if (!firstRunId.isEmpty() && !firstRunId.equals(run.lineage().firstExecutionRunId())) {
      throw EngineException.notFound("workflow execution not found");
    }
    String updateId = request.getRequest().getMeta().getUpdateId();
    if (!run.isOpen()) {
      return run.updates().find(updateId)
          .orElseThrow(() -> EngineException.notFound("workflow execution already completed"));
    }
    WorkflowTask task = run.task();
    if (task != null && task.attempt >= FAILING_TASK_ATTEMPT) {
      // the update could not fix the workflow anyway: messages are handled after events
      throw new EngineException(EngineException.Code.FAILED_PRECONDITION,
          "Unable to perform workflow execution update due to Workflow Task in failed state.",
          List.of(WorkflowNotReadyFailure.getDefaultInstance()));
    }
    return run.updates().admit(request.getRequest());
  }

  /** Finds an update to wait on; a rejected update left no trace, so it is not found either. */
  public Waiting poll(PollWorkflowExecutionUpdateRequest request) {
    if (!request.hasUpdateRef()) {
      throw EngineException.invalidArgument("UpdateRef is not set on request.");
    }
    engine.namespaces().require(request.getNamespace());
    WorkflowRun run = engine.workflows().find(request.getNamespace(), request.getUpdateRef().getWorkflowExecution());
    String updateId = request.getUpdateRef().getUpdateId();
    WorkflowUpdate update = run.updates().find(updateId)
        .orElseThrow(() -> EngineException.notFound("update \"" + updateId + "\" not found"));
    return new Waiting(update, request.getWaitPolicy().getLifecycleStage());
  }
}
