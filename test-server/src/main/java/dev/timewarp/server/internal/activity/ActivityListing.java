package dev.timewarp.server.internal.activity;

import dev.timewarp.server.internal.namespace.NamespaceRecord;
import dev.timewarp.server.internal.visibility.QuerySchema;
import dev.timewarp.server.internal.visibility.SearchAttributeValues;
import dev.timewarp.server.internal.visibility.VisibilityPages;
import dev.timewarp.server.internal.visibility.VisibilityQuery;
import dev.timewarp.server.internal.visibility.VisibilityRow;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.workflowservice.v1.CountActivityExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountActivityExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListActivityExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListActivityExecutionsResponse;
import java.util.List;
import java.util.Map;

/**
 * ListActivityExecutions and CountActivityExecutions over standalone activities, with the same
 * query language as workflow listing. A standalone activity is indexed under ActivityId,
 * ActivityType, RunId, ExecutionStatus, TaskQueue, StartTime (its schedule time), ExecutionTime,
 * CloseTime and its custom search attributes.
 */
public final class ActivityListing {
  /** ExecutionStatus values as the real server indexes them. */
  static final Map<ActivityExecutionStatus, String> STATUS_NAMES = Map.of(
      ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING, "Running",
      ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_PAUSED, "Paused",
      ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_COMPLETED, "Completed",
      ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_FAILED, "Failed",
      ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_CANCELED, "Canceled",
      ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED, "Terminated",
      ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TIMED_OUT, "TimedOut");

  private final StandaloneActivities activities;

  public ActivityListing(StandaloneActivities activities) {
    this.activities = activities;
  }

  private static QuerySchema schema(NamespaceRecord namespace) {
    return QuerySchema.builder()
        .field("ActivityId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .field("ActivityType", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .field("RunId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .field("TaskQueue", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .enumField("ExecutionStatus", List.copyOf(new java.util.TreeSet<>(STATUS_NAMES.values())))
        .field("StartTime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
        .field("ExecutionTime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
        .field("CloseTime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
        .fields(namespace.customSearchAttributes())
        .build();
  }

  /** One activity as the query sees it. */
  private record Row(StandaloneActivity activity, NamespaceRecord namespace) implements VisibilityRow {
    @Override
    public Object value(String field) {
      return switch (field) {
        case "ActivityId" -> activity.activityId();
        case "ActivityType" -> activity.request().getActivityType().getName();
        case "RunId" -> activity.runId();
        case "TaskQueue" -> activity.request().getTaskQueue().getName();
        case "ExecutionStatus" -> STATUS_NAMES.get(activity.status());
        case "StartTime" -> activity.scheduleTime();
        case "ExecutionTime" -> activity.executionTime();
        case "CloseTime" -> activity.closeTime().orElse(null);
        default -> SearchAttributeValues.custom(
            field, activity.request().getSearchAttributes().getIndexedFieldsMap(), namespace.customSearchAttributes());
      };
    }
  }

  private List<Row> matching(NamespaceRecord namespace, VisibilityQuery query) {
    return query.select(activities.all(namespace.name()).map(a -> new Row(a, namespace)));
  }

  public ListActivityExecutionsResponse list(NamespaceRecord namespace, ListActivityExecutionsRequest r) {
    VisibilityQuery query = VisibilityQuery.parse(r.getQuery(), schema(namespace));
    query.refuseGroupBy("CountActivityExecutions");
    var page = VisibilityPages.page(matching(namespace, query), r.getPageSize(), r.getNextPageToken());
    return ListActivityExecutionsResponse.newBuilder()
        .addAllExecutions(page.items().stream().map(row -> row.activity().listInfo()).toList())
        .setNextPageToken(page.nextPageToken())
        .build();
  }

  public CountActivityExecutionsResponse count(NamespaceRecord namespace, CountActivityExecutionsRequest r) {
    VisibilityQuery query = VisibilityQuery.parse(r.getQuery(), schema(namespace));
    List<Row> rows = matching(namespace, query);
    CountActivityExecutionsResponse.Builder response = CountActivityExecutionsResponse.newBuilder().setCount(rows.size());
    query.groupCounts(rows).forEach((value, count) -> response.addGroups(CountActivityExecutionsResponse.AggregationGroup.newBuilder()
        .addGroupValues(SearchAttributeValues.keywordPayload(value))
        .setCount(count)));
    return response.build();
  }
}
