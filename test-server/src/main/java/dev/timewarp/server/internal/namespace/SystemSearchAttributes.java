package dev.timewarp.server.internal.namespace;

import io.temporal.api.enums.v1.IndexedValueType;
import java.util.Map;

/** Search attributes every namespace has, with their types, as the real server lists them. */
public final class SystemSearchAttributes {
  public static final Map<String, IndexedValueType> TYPES =
      Map.ofEntries(
          Map.entry("WorkflowId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("RunId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("WorkflowType", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("StartTime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME),
          Map.entry("ExecutionTime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME),
          Map.entry("CloseTime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME),
          Map.entry("ExecutionStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("TaskQueue", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("ExecutionDuration", IndexedValueType.INDEXED_VALUE_TYPE_INT),
          Map.entry("HistoryLength", IndexedValueType.INDEXED_VALUE_TYPE_INT),
          Map.entry("HistorySizeBytes", IndexedValueType.INDEXED_VALUE_TYPE_INT),
          Map.entry("StateTransitionCount", IndexedValueType.INDEXED_VALUE_TYPE_INT),
          Map.entry("ParentWorkflowId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("ParentRunId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("RootWorkflowId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("RootRunId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("TemporalChangeVersion", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST),
          Map.entry("BinaryChecksums", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST),
          Map.entry("BuildIds", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST),
          Map.entry("BatcherUser", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("TemporalScheduledStartTime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME),
          Map.entry("TemporalScheduledById", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("TemporalSchedulePaused", IndexedValueType.INDEXED_VALUE_TYPE_BOOL),
          Map.entry("TemporalNamespaceDivision", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("TemporalPauseInfo", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST),
          Map.entry("TemporalWorkerDeploymentVersion", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("TemporalWorkflowVersioningBehavior", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
          Map.entry("TemporalWorkerDeployment", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));

  private SystemSearchAttributes() {}
}
