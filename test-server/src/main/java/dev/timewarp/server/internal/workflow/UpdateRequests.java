package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.engine.RequestLimits;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.errordetails.v1.PermissionDeniedFailure;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** The frontend's checks and defaults for UpdateWorkflowExecution requests, with its messages. */
final class UpdateRequests {
  private static final Pattern UUID_TEXT = Pattern.compile(
      "\\{?(urn:uuid:)?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}}?");

  private UpdateRequests() {}

  /**
   * The request as the server goes on with it: an update id is made up when missing and the wait
   * stage defaults to COMPLETED. Waiting only for admission is refused: an admitted update is not
   * durable yet.
   */
  static UpdateWorkflowExecutionRequest prepare(UpdateWorkflowExecutionRequest r) {
    if (!r.hasWorkflowExecution()) {
      throw EngineException.invalidArgument("Execution is not set on request.");
    }
    if (r.getWorkflowExecution().getWorkflowId().isEmpty()) {
      throw EngineException.invalidArgument("WorkflowId is not set on request.");
    }
    String runId = r.getWorkflowExecution().getRunId();
    if (!runId.isEmpty() && !UUID_TEXT.matcher(runId).matches()) {
      throw EngineException.invalidArgument("Invalid RunId.");
    }
    if (!r.getRequest().hasMeta()) {
      throw EngineException.invalidArgument("Update meta is not set on request.");
    }
    if (r.getRequest().getMeta().getUpdateId().length() > RequestLimits.MAX_LENGTH) {
      throw EngineException.invalidArgument("UpdateId length exceeds limit.");
    }
    UpdateWorkflowExecutionRequest.Builder prepared = r.toBuilder();
    if (r.getRequest().getMeta().getUpdateId().isEmpty()) {
      prepared.getRequestBuilder().getMetaBuilder().setUpdateId(UUID.randomUUID().toString());
    }
    if (!r.getRequest().hasInput()) {
      throw EngineException.invalidArgument("Update input is not set on request.");
    }
    if (r.getRequest().getInput().getName().isEmpty()) {
      throw EngineException.invalidArgument("Update name is not set on request.");
    }
    UpdateWorkflowExecutionLifecycleStage stage = r.getWaitPolicy().getLifecycleStage();
    if (stage == UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_UNSPECIFIED) {
      prepared.getWaitPolicyBuilder().setLifecycleStage(
          UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
    }
    if (stage == UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED) {
      throw new EngineException(EngineException.Code.PERMISSION_DENIED,
          "UpdateWorkflowExecution issued asynchronously and waiting on update admitted is not supported.",
          List.of(PermissionDeniedFailure.getDefaultInstance()));
    }
    return prepared.build();
  }
}
