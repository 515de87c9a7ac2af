package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.namespace.NamespaceRecord;
import dev.timewarp.server.internal.namespace.SystemSearchAttributes;
import dev.timewarp.server.internal.visibility.QuerySchema;
import dev.timewarp.server.internal.visibility.SearchAttributeValues;
import dev.timewarp.server.internal.visibility.VisibilityPages;
import dev.timewarp.server.internal.visibility.VisibilityQuery;
import dev.timewarp.server.internal.visibility.VisibilityRow;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * ListWorkflowExecutions, ScanWorkflowExecutions and CountWorkflowExecutions. A run is indexed
 * under the system search attributes (WorkflowId, WorkflowType, RunId, ExecutionStatus, StartTime,
 * ExecutionTime, CloseTime, TaskQueue, HistoryLength, ExecutionDuration…) and the custom ones it
 * was started or upserted with; queries use the shared visibility language.
 */
public final class WorkflowListing {
  static final Map<WorkflowExecutionStatus, String> STATUS_NAMES = Map.of(
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, "Running",
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, "Completed",
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED, "Failed",
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, "Canceled",
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED, "Terminated",
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, "ContinuedAsNew",
      WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, "TimedOut");

  private final Workflows workflows;

  public WorkflowListing(Workflows workflows) {
    this.workflows = workflows;
  }

  private static QuerySchema schema(NamespaceRecord namespace) {
    return QuerySchema.builder()
        .fields(SystemSearchAttributes.TYPES)
        .enumField("ExecutionStatus", List.copyOf(new java.util.TreeSet<>(STATUS_NAMES.values())))
        .fields(namespace.customSearchAttributes())
        .build();
  }

  /** One run as a query sees it. */
  private record Row(WorkflowRun run) implements VisibilityRow {
    @Override
    public Object value(String field) {
      return switch (field) {
        case "WorkflowId" -> run.workflowId();
        case "RunId" -> run.runId();
        case "WorkflowType" -> run.workflowType();
        case "TaskQueue" -> run.startRequest().getTaskQueue().getName();
        case "ExecutionStatus" -> STATUS_NAMES.get(run.status());
        case "StartTime" -> run.startTime();
        case "ExecutionTime" -> run.executionTime();
        case "CloseTime" -> run.closeTime().orElse(null);
        case "ExecutionDuration" -> run.closeTime().map(closed -> Duration.between(run.executionTime(), closed).toNanos()).orElse(null);
        case "HistoryLength" -> (long) run.history().size();
        default -> {
          IndexedValueType type = run.namespace().customSearchAttributes().getOrDefault(field, SystemSearchAttributes.TYPES.get(field));
          yield type == null ? null : SearchAttributeValues.custom(field, run.searchAttributes(), Map.of(field, type));
        }
      };
    }
  }

  private List<Row> matching(NamespaceRecord namespace, VisibilityQuery query) {
    return query.select(workflows.all(namespace.name()).map(Row::new));
  }

  /** A page of runs matching {@code query}; used by List and Scan alike. */
  public VisibilityPages.Page<WorkflowExecutionInfo> list(NamespaceRecord namespace, String query, int pageSize,
      com.google.protobuf.ByteString token) {
    VisibilityQuery parsed = VisibilityQuery.parse(query, schema(namespace));
    parsed.refuseGroupBy("CountWorkflowExecutions");
    var page = VisibilityPages.page(matching(namespace, parsed), pageSize, token);
    return new VisibilityPages.Page<>(page.items().stream().map(row -> Descriptions.info(row.run())).toList(), page.nextPageToken());
  }

  public CountWorkflowExecutionsResponse count(NamespaceRecord namespace, CountWorkflowExecutionsRequest r) {
    VisibilityQuery query = VisibilityQuery.parse(r.getQuery(), schema(namespace));
    List<Row> rows = matching(namespace, query);
    CountWorkflowExecutionsResponse.Builder response = CountWorkflowExecutionsResponse.newBuilder().setCount(rows.size());
    query.groupCounts(rows).forEach((value, count) -> response.addGroups(CountWorkflowExecutionsResponse.AggregationGroup.newBuilder()
        .addGroupValues(SearchAttributeValues.keywordPayload(value))
        .setCount(count)));
    return response.build();
  }
}
