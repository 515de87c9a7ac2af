package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.RequestLimits;
import dev.timewarp.server.internal.activity.RetryPolicies;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.time.ProtoTime;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Validation and timeout normalisation of workflow start requests, as the frontend does it. */
final class StartRequests {
  static final Duration DEFAULT_TASK_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MAX_TASK_TIMEOUT = Duration.ofSeconds(120);
  private static final int MAX_LENGTH = RequestLimits.MAX_LENGTH;

  private StartRequests() {}

  static void validate(StartWorkflowExecutionRequest r) {
    if (r.getWorkflowId().isEmpty()) {
      throw EngineException.invalidArgument("WorkflowId is not set on request.");
    }
    if (r.getWorkflowId().length() > MAX_LENGTH) {
      throw EngineException.invalidArgument("WorkflowId exceeds length limit.");
    }
    if (r.getWorkflowType().getName().isEmpty()) {
      throw EngineException.invalidArgument("WorkflowType is not set on request.");
    }
    if (r.getWorkflowType().getName().length() > MAX_LENGTH) {
      throw EngineException.invalidArgument("WorkflowType exceeds length limit.");
    }
    if (r.getTaskQueue().getName().isEmpty()) {
      throw EngineException.invalidArgument("TaskQueue is not set on request.");
    }
    if (r.getTaskQueue().getName().length() > MAX_LENGTH) {
      throw EngineException.invalidArgument("TaskQueue length exceeds limit.");
    }
    RequestLimits.checkIdentity(r.getIdentity());
    if (r.getRequestId().length() > MAX_LENGTH) {
      throw EngineException.invalidArgument("RequestId length exceeds limit.");
    }
    if (!ProtoTime.isValid(r.getWorkflowExecutionTimeout())) {
      throw EngineException.invalidArgument("Invalid WorkflowExecutionTimeout.");
    }
    if (!ProtoTime.isValid(r.getWorkflowRunTimeout())) {
      throw EngineException.invalidArgument("Invalid WorkflowRunTimeout.");
    }
    if (!ProtoTime.isValid(r.getWorkflowTaskTimeout())) {
      throw EngineException.invalidArgument("Invalid WorkflowTaskTimeout.");
    }
    checkRetryPolicy(r.hasRetryPolicy() ? Optional.of(r.getRetryPolicy()) : Optional.empty());
    if (r.hasWorkflowStartDelay() && !ProtoTime.isValid(r.getWorkflowStartDelay())) {
      throw EngineException.invalidArgument("An invalid WorkflowStartDelaySeconds is set on request.");
    }
    if (!r.getCronSchedule().trim().isEmpty()) {
      if (r.hasWorkflowStartDelay()) {
        throw EngineException.invalidArgument("CronSchedule and WorkflowStartDelay may not be used together.");
      }
      CronSchedule.parse(r.getCronSchedule());
    }
  }

  /** A run's retry policy, once defaulted, as every way of starting a run checks it. */
  static void checkRetryPolicy(Optional<io.temporal.api.common.v1.RetryPolicy> policy) {
    policy.flatMap(p -> RetryPolicies.validate(RetryPolicies.withDefaults(p))).ifPresent(message -> {
      throw EngineException.invalidArgument(message);
    });
  }

  /**
   * The options of a command that starts a run (continue-as-new, a child): a bad retry policy or
   * cron schedule is {@code bad}'s rejection, unregistered search attributes BAD_SEARCH_ATTRIBUTES.
   */
  static void checkCommandRunOptions(WorkflowRun run, Optional<io.temporal.api.common.v1.RetryPolicy> policy,
      String cronSchedule, io.temporal.api.common.v1.SearchAttributes searchAttributes,
      java.util.function.Function<String, CommandRejection> bad) {
    try {
      checkRetryPolicy(policy);
      if (!cronSchedule.isEmpty()) {
        CronSchedule.parse(cronSchedule);
      }
    } catch (EngineException e) {
      throw bad.apply(e.getMessage());
    }
    try {
      run.namespace().validateSearchAttributes(searchAttributes);
    } catch (EngineException e) {
      throw new CommandRejection(io.temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES,
          e.getMessage());
    }
  }

  /** Run timeout: the run timeout, else the execution timeout, never above the execution timeout. */
  static Duration runTimeout(StartWorkflowExecutionRequest r) {
    Duration execution = ProtoTime.capped(r.getWorkflowExecutionTimeout());
    Duration run = ProtoTime.capped(r.getWorkflowRunTimeout());
    if (run.isZero()) {
      return execution;
    }
    return execution.isZero() || run.compareTo(execution) <= 0 ? run : execution;
  }

  /** Task timeout: 10 s by default, at most 120 s, never above the run timeout. */
  static Duration taskTimeout(StartWorkflowExecutionRequest r, Duration runTimeout) {
    Duration task = ProtoTime.capped(r.getWorkflowTaskTimeout());
    if (task.isZero()) {
      task = DEFAULT_TASK_TIMEOUT;
    }
    if (task.compareTo(MAX_TASK_TIMEOUT) > 0) {
      task = MAX_TASK_TIMEOUT;
    }
    if (!runTimeout.isZero() && task.compareTo(runTimeout) > 0) {
      task = runTimeout;
    }
    return task;
  }
}
