package dev.timewarp.server.internal.workflow;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.namespace.NamespaceRecord;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.errordetails.v1.MultiOperationExecutionFailure;
import io.temporal.api.failure.v1.MultiOperationExecutionAborted;
import io.temporal.api.workflowservice.v1.ExecuteMultiOperationRequest;
import io.temporal.api.workflowservice.v1.ExecuteMultiOperationResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * ExecuteMultiOperation with exactly [StartWorkflow, UpdateWorkflow]: the update goes to the
 * running workflow if the start may reuse it, else to a new run before its first workflow task.
 * Refusals name the operation at fault; the other one is reported as aborted.
 */
public final class UpdateWithStart {
  private static final String FAILED = "Update-with-Start could not be executed.";
  /** The status of an operation that was not at fault. */
  private static final EngineException ABORTED = new EngineException(
      EngineException.Code.ABORTED, "Operation was aborted.", List.of(MultiOperationExecutionAborted.getDefaultInstance()));

  private final Engine engine;

  public UpdateWithStart(Engine engine) {
    this.engine = engine;
  }

  /** The started (or reused) run and the update to wait on. */
  public record Started(
      StartWorkflowExecutionResponse start, WorkflowUpdate update, UpdateWorkflowExecutionLifecycleStage stage, boolean newRun) {

    /** Both responses once the update reached its stage (or the wait ran out); an aborted update fails the call. */
    public ExecuteMultiOperationResponse answer() {
      WorkflowUpdate.Status status;
      try {
        status = update.status();
      } catch (EngineException e) {
        throw failure(newRun ? null : ABORTED, e);
      }
      return ExecuteMultiOperationResponse.newBuilder()
          .addResponses(ExecuteMultiOperationResponse.Response.newBuilder().setStartWorkflow(start))
          .addResponses(ExecuteMultiOperationResponse.Response.newBuilder().setUpdateWorkflow(status.toUpdateResponse()))
          .build();
    }
  }

  public Started execute(ExecuteMultiOperationRequest request) {
    NamespaceRecord namespace = engine.namespaces().require(request.getNamespace());
    if (request.getOperationsCount() != 2
        || !request.getOperations(0).hasStartWorkflow()
        || !request.getOperations(1).hasUpdateWorkflow()) {
      throw EngineException.invalidArgument("Operations have to be exactly [Start, Update].");
    }
    EngineException startError = null;
    EngineException updateError = null;
    StartWorkflowExecutionRequest start = null;
    UpdateWorkflowExecutionRequest update = null;
    try {
      start = checkStart(namespace, request.getOperations(0).getStartWorkflow());
    } catch (EngineException e) {
      startError = e;
    }
    try {
      update = checkUpdate(namespace, request.getOperations(1).getUpdateWorkflow());
    } catch (EngineException e) {
      updateError = e;
    }
    if (startError == null && updateError == null
        && !start.getWorkflowId().equals(update.getWorkflowExecution().getWorkflowId())) {
      updateError = EngineException.invalidArgument("WorkflowId is not consistent with previous operation(s).");
    }
    if (startError != null || updateError != null) {
      throw failure(startError == null ? ABORTED : startError, updateError == null ? ABORTED : updateError);
    }
    return startAndUpdate(namespace, start, update);
  }

  // ---- the frontend's checks ------------------------------------------------------------------

  private static StartWorkflowExecutionRequest checkStart(NamespaceRecord namespace, StartWorkflowExecutionRequest start) {
    if (!start.getNamespace().isEmpty() && !start.getNamespace().equals(namespace.name())) {
      throw EngineException.invalidArgument("Operation namespace did not match request's namespace.");
    }
    StartWorkflowExecutionRequest prepared = start.toBuilder().setNamespace(namespace.name()).build();
    StartRequests.validate(prepared);
    namespace.validateSearchAttributes(prepared.getSearchAttributes());
    if (!prepared.getCronSchedule().isEmpty()) {
      throw EngineException.invalidArgument("CronSchedule is not allowed.");
    }
    if (prepared.getRequestEagerExecution()) {
      throw EngineException.invalidArgument("RequestEagerExecution is not supported.");
    }
    if (ProtoTime.duration(prepared.getWorkflowStartDelay()).compareTo(java.time.Duration.ZERO) > 0) {
      throw EngineException.invalidArgument("WorkflowStartDelay is not supported.");
    }
    return prepared;
  }

  private static UpdateWorkflowExecutionRequest checkUpdate(NamespaceRecord namespace, UpdateWorkflowExecutionRequest update) {
    if (!update.getNamespace().isEmpty() && !update.getNamespace().equals(namespace.name())) {
      throw EngineException.invalidArgument("Operation namespace did not match request's namespace.");
    }
    UpdateWorkflowExecutionRequest prepared = UpdateRequests.prepare(update.toBuilder().setNamespace(namespace.name()).build());
    if (!prepared.getFirstExecutionRunId().isEmpty()) {
      throw EngineException.invalidArgument("FirstExecutionRunId is not allowed.");
    }
    if (!prepared.getWorkflowExecution().getRunId().isEmpty()) {
      throw EngineException.invalidArgument("RunId is not allowed.");
    }
    return prepared;
  }

  // ---- the history service's part ------------------------------------------------------------

  private Started startAndUpdate(NamespaceRecord namespace, StartWorkflowExecutionRequest start, UpdateWorkflowExecutionRequest update) {
    UpdateWorkflowExecutionLifecycleStage stage = update.getWaitPolicy().getLifecycleStage();
    Optional<WorkflowRun> current = currentRun(namespace, start.getWorkflowId());
    if (current.isPresent()) {
      WorkflowRun existing = current.get();
      Optional<WorkflowUpdate> known = existing.updates().find(update.getRequest().getMeta().getUpdateId());
      if (known.isPresent() && known.get().state() == WorkflowUpdate.State.COMPLETED) {
        return new Started(reused(existing), known.get(), stage, false);
      }
      boolean sameStart = !start.getRequestId().isEmpty() && start.getRequestId().equals(existing.startRequest().getRequestId());
      if (existing.isOpen() && (sameStart || known.isPresent()
          || start.getWorkflowIdConflictPolicy() == WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)) {
        return new Started(reused(existing), admitOrFail(existing, update, ABORTED), stage, false);
      }
    }
    WorkflowUpdate[] admitted = new WorkflowUpdate[1];
    StartWorkflowExecutionResponse started;
    try {
      started = engine.workflows().start(start, run -> admitted[0] = run.updates().admitOnStart(update.getRequest()));
    } catch (EngineException e) {
      throw failure(e, ABORTED);
    }
    if (admitted[0] == null) {
      // the start request was a repeat of the one that started a run (now closed): update that run
      WorkflowRun previous = engine.workflows().find(namespace.name(),
          WorkflowExecution.newBuilder().setWorkflowId(start.getWorkflowId()).setRunId(started.getRunId()).build());
      return new Started(reused(previous), admitOrFail(previous, update, ABORTED), stage, false);
    }
    return new Started(started, admitted[0], stage, true);
  }

  private Optional<WorkflowRun> currentRun(NamespaceRecord namespace, String workflowId) {
    try {
      return Optional.of(engine.workflows().find(namespace.name(), WorkflowExecution.newBuilder().setWorkflowId(workflowId).build()));
    } catch (EngineException notFound) {
      return Optional.empty();
    }
  }

  private static WorkflowUpdate admitOrFail(WorkflowRun run, UpdateWorkflowExecutionRequest update, EngineException startStatus) {
    try {
      return WorkflowUpdates.admit(run, update);
    } catch (EngineException e) {
      throw failure(startStatus, e);
    }
  }

  private static StartWorkflowExecutionResponse reused(WorkflowRun run) {
    return StartWorkflowExecutionResponse.newBuilder().setRunId(run.runId()).setStarted(false).build();
  }

  /**
   * MultiOperationExecutionFailure: one status per operation ({@code null} for one that succeeded);
   * the call takes the code of the first operation that failed rather than was aborted.
   */
  static EngineException failure(EngineException start, EngineException update) {
    MultiOperationExecutionFailure.Builder failure = MultiOperationExecutionFailure.newBuilder();
    EngineException.Code code = null;
    for (EngineException operation : Arrays.asList(start, update)) {
      MultiOperationExecutionFailure.OperationStatus.Builder status = MultiOperationExecutionFailure.OperationStatus.newBuilder();
      if (operation != null) {
        status.setCode(Code.valueOf(operation.code().name()).getNumber()).setMessage(operation.getMessage());
        operation.details().forEach(detail -> status.addDetails(Any.pack(detail)));
        if (code == null && operation != ABORTED) {
          code = operation.code();
        }
      }
      failure.addStatuses(status);
    }
    return new EngineException(code == null ? EngineException.Code.ABORTED : code, FAILED, List.of(failure.build()));
  }
}
