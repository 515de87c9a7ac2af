package dev.timewarp.server.internal.grpc;

import dev.timewarp.server.internal.workflow.WorkflowRun;
import dev.timewarp.server.internal.workflow.Workflows;
import io.temporal.api.enums.v1.QueryRejectCondition;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.query.v1.QueryRejected;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import java.util.concurrent.CompletableFuture;

/** QueryWorkflow: honours the reject condition for closed runs, else hands the query to the run. */
final class QueryRejections {
  record Outcome(CompletableFuture<QueryWorkflowResponse> result, Runnable forget) {}

  private QueryRejections() {}

  static Outcome submit(Workflows workflows, QueryWorkflowRequest request) {
    WorkflowRun run = workflows.find(request.getNamespace(), request.getExecution());
    WorkflowExecutionStatus status = run.status();
    QueryRejectCondition condition = request.getQueryRejectCondition();
    boolean reject =
        !run.isOpen()
            && (condition == QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN
                || (condition == QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY
                    && status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED));
    if (reject) {
      return new Outcome(
          CompletableFuture.completedFuture(
              QueryWorkflowResponse.newBuilder()
                  .setQueryRejected(QueryRejected.newBuilder().setStatus(status))
                  .build()),
          () -> {});
    }
    var pending = workflows.query(request);
    return new Outcome(pending.result(), () -> workflows.forgetQuery(request, pending.id()));
  }
}
