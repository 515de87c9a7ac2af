package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.activity.ActivityExecution;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.enums.v1.PendingWorkflowTaskState;
import io.temporal.api.workflow.v1.PendingWorkflowTaskInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionConfig;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import java.time.Duration;
import java.util.Comparator;

/** DescribeWorkflowExecution. */
public final class Descriptions {
  private Descriptions() {}

  public static DescribeWorkflowExecutionResponse describe(Workflows workflows, DescribeWorkflowExecutionRequest r) {
    WorkflowRun run = workflows.find(r.getNamespace(), r.getExecution());
    DescribeWorkflowExecutionResponse.Builder response =
        DescribeWorkflowExecutionResponse.newBuilder()
            .setExecutionConfig(
                WorkflowExecutionConfig.newBuilder()
                    .setTaskQueue(run.normalQueue())
                    .setWorkflowExecutionTimeout(run.startRequest().getWorkflowExecutionTimeout())
                    .setWorkflowRunTimeout(ProtoTime.duration(run.runTimeout()))
                    .setDefaultWorkflowTaskTimeout(ProtoTime.duration(run.taskTimeout())))
            .setWorkflowExecutionInfo(info(run));
    run.activities().values().stream()
        .filter(a -> a.state() != ActivityExecution.State.CLOSED)
        .sorted(Comparator.comparingLong(ActivityExecution::scheduledEventId))
        .forEach(a -> response.addPendingActivities(a.pendingInfo()));
    run.children().values().stream().filter(child -> !child.firstRunId.isEmpty())
        .forEach(child -> response.addPendingChildren(child.describe()));
    WorkflowTask task = run.task();
    if (task != null && run.isOpen()) {
      PendingWorkflowTaskInfo.Builder pending =
          PendingWorkflowTaskInfo.newBuilder()
              .setState(task.isStarted()
                  ? PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
                  : PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED)
              .setScheduledTime(ProtoTime.timestamp(task.scheduledTime))
              .setOriginalScheduledTime(ProtoTime.timestamp(task.scheduledTime))
              .setAttempt(task.attempt);
      if (task.isStarted()) {
        pending.setStartedTime(ProtoTime.timestamp(task.startedTime));
      }
      response.setPendingWorkflowTask(pending);
    }
    return response.build();
  }

  static WorkflowExecutionInfo info(WorkflowRun run) {
    WorkflowExecutionInfo.Builder info =
        WorkflowExecutionInfo.newBuilder()
            .setExecution(run.execution())
            .setType(run.startRequest().getWorkflowType())
            .setStartTime(ProtoTime.timestamp(run.startTime()))
            .setExecutionTime(ProtoTime.timestamp(run.executionTime()))
            .setStatus(run.status())
            .setHistoryLength(run.history().size())
            .setTaskQueue(run.startRequest().getTaskQueue().getName())
            .setMemo(Memo.newBuilder().putAllFields(run.memo()))
            .setSearchAttributes(SearchAttributes.newBuilder().putAllIndexedFields(run.searchAttributes()))
            .setFirstRunId(run.lineage().firstExecutionRunId());
    run.lineage().parent().ifPresent(parent -> info
        .setParentExecution(parent.execution())
        .setParentNamespaceId(run.engine().namespaces().require(parent.namespace()).id())
        .setRootExecution(parent.root()));
    run.closeTime().ifPresent(closed -> {
      info.setCloseTime(ProtoTime.timestamp(closed));
      info.setExecutionDuration(ProtoTime.duration(Duration.between(run.startTime(), closed)));
    });
    return info.build();
  }
}
