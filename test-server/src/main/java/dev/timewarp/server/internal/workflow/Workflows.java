package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.RequestLimits;
import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import dev.timewarp.server.internal.engine.InFlight;
import dev.timewarp.server.internal.matching.Matching;
import dev.timewarp.server.internal.matching.Poller;
import dev.timewarp.server.internal.namespace.NamespaceRecord;
import dev.timewarp.server.internal.time.ProtoTime;
import dev.timewarp.server.internal.token.TaskToken;
import dev.timewarp.server.internal.token.TaskTokens;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionSignaledEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.RespondQueryTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedRequest;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every workflow run, by namespace and workflow id. Called under the engine lock. */
public final class Workflows {
  private final Engine engine;
  /** namespace → workflow id → runs, oldest first. */
  private final Map<String, Map<String, List<WorkflowRun>>> runs = new HashMap<>();
  private final Map<String, WorkflowRun> byRunId = new HashMap<>();
  private final List<WorkflowRun> open = new ArrayList<>();
  /** Executions ever configured to skip time by themselves; none means the skip check costs nothing. */
  private int skippingClocks;
  /** Runs that were queried and may still have queries waiting (closed runs included). */
  private final java.util.Set<WorkflowRun> queried = new java.util.LinkedHashSet<>();

  public Workflows(Engine engine) {
    this.engine = engine;
  }

  // ---- lookups --------------------------------------------------------------------------------

  private Map<String, List<WorkflowRun>> namespaceRuns(String namespace) {
    return runs.computeIfAbsent(namespace, n -> new LinkedHashMap<>());
  }

  private Optional<WorkflowRun> current(String namespace, String workflowId) {
    List<WorkflowRun> chain = namespaceRuns(namespace).get(workflowId);
    return chain == null || chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(chain.size() - 1));
  }

  /** The run an execution names (the current run if the run id is empty); NOT_FOUND otherwise. */
  public WorkflowRun find(String namespace, WorkflowExecution execution) {
    engine.namespaces().require(namespace);
    if (execution.getWorkflowId().isEmpty()) {
      throw EngineException.invalidArgument("WorkflowId is not set on request.");
    }
    Optional<WorkflowRun> run =
        execution.getRunId().isEmpty()
            ? current(namespace, execution.getWorkflowId())
            : Optional.ofNullable(byRunId.get(execution.getRunId()))
                .filter(r -> r.namespaceName().equals(namespace) && r.workflowId().equals(execution.getWorkflowId()));
    return run.orElseThrow(
        () -> EngineException.notFound("workflow not found for ID: " + execution.getWorkflowId()));
  }

  /** Every run of a namespace, for listing. */
  public java.util.stream.Stream<WorkflowRun> all(String namespace) {
    return namespaceRuns(namespace).values().stream().flatMap(List::stream);
  }

  private static WorkflowRun requireOpen(WorkflowRun run) {
    if (!run.isOpen()) {
      throw EngineException.notFound("workflow execution already completed");
    }
    return run;
  }


  // ---- start ----------------------------------------------------------------------------------

  public StartWorkflowExecutionResponse start(StartWorkflowExecutionRequest request) {
    return start(request, Optional.empty(), Optional.empty());
  }

  /** Starts a workflow as another one's child; ALREADY_EXISTS when its id is taken as the policy says. */
  WorkflowRun startChild(StartWorkflowExecutionRequest request, RunLineage.ParentLink parent) {
    String runId = start(request, Optional.empty(), Optional.of(parent)).getRunId();
    return byRunId.get(runId);
  }

  private StartWorkflowExecutionResponse start(
      StartWorkflowExecutionRequest request, Optional<HistoryEvent.Builder> signal, Optional<RunLineage.ParentLink> parent) {
    return start(request, signal, parent, run -> {});
  }

  /**
   * Starts like {@link #start(StartWorkflowExecutionRequest)}; a new run is handed to {@code
   * beforeFirstTask} before its first workflow task can reach a worker (update-with-start).
   */
  public StartWorkflowExecutionResponse start(
      StartWorkflowExecutionRequest request, java.util.function.Consumer<WorkflowRun> beforeFirstTask) {
    return start(request, Optional.empty(), Optional.empty(), beforeFirstTask);
  }

  private StartWorkflowExecutionResponse start(StartWorkflowExecutionRequest request, Optional<HistoryEvent.Builder> signal,
      Optional<RunLineage.ParentLink> parent, java.util.function.Consumer<WorkflowRun> beforeFirstTask) {
    NamespaceRecord namespace = engine.namespaces().require(request.getNamespace());
    StartRequests.validate(request);
    Optional<WorkflowRun> existing = current(namespace.name(), request.getWorkflowId());
    if (existing.isPresent()) {
      WorkflowRun previous = existing.get();
      if (!request.getRequestId().isEmpty()
          && request.getRequestId().equals(previous.startRequest().getRequestId())) {
        return response(previous, true);
      }
      if (previous.isOpen()) {
        switch (conflictPolicy(request)) {
          case WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING -> {
            signal.ifPresent(s -> previous.addWorkflowEvent(s));
            return response(previous, false);
          }
          case WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING ->
              previous.terminate("terminated by a new start of the same workflow id", io.temporal.api.common.v1.Payloads.getDefaultInstance(), request.getIdentity());
          default -> throw alreadyStarted(previous, "Workflow execution is already running. WorkflowId: "
              + previous.workflowId() + ", RunId: " + previous.runId() + ".");
        }
      } else {
        checkReuse(request.getWorkflowIdReusePolicy(), previous);
      }
    }
    Duration runTimeout = StartRequests.runTimeout(request);
    String runId = java.util.UUID.randomUUID().toString();
    ExecutionClock clock = startClock(request, parent);
    Instant now = clock.domain.now();
    Duration execution = ProtoTime.capped(request.getWorkflowExecutionTimeout());
    Duration backoff = request.getCronSchedule().isEmpty()
        ? ProtoTime.capped(request.getWorkflowStartDelay())
        : CronSchedule.parse(request.getCronSchedule()).backoff(now, now);
    RunLineage lineage = RunLineage.first(runId,
        execution.isZero() ? Optional.empty() : Optional.of(now.plus(execution)),
        request.getCronSchedule().isEmpty()
            ? io.temporal.api.enums.v1.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED
            : io.temporal.api.enums.v1.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE,
        parent, clock);
    WorkflowRun run = register(namespace, request, runTimeout, runId, lineage);
    beforeFirstTask.accept(run);
    run.recordStarted(startedEvent(run, request, backoff), signal.map(s -> s.setEventTime(ProtoTime.timestamp(now))),
        backoff, request.getCronSchedule().isEmpty());
    return response(run, true);
  }

  /**
   * A new execution's own clock: a child starts where its parent's time is and, unless told
   * otherwise, skips time when its parent does; the start request's TimeSkippingConfig applies last.
   */
  private ExecutionClock startClock(StartWorkflowExecutionRequest request, Optional<RunLineage.ParentLink> parent) {
    Optional<ExecutionClock> parentClock = parent.flatMap(link -> Optional.ofNullable(byRunId.get(link.execution().getRunId())))
        .map(WorkflowRun::clock);
    Duration skipped = parentClock.map(c -> c.domain.skipped()).orElse(Duration.ZERO);
    ExecutionClock clock = ExecutionClock.start(engine, skipped, parentClock.map(ExecutionClock::propagates).orElse(false),
        request.getTimeSkippingConfig());
    if (clock.isSkipping()) {
      skippingClocks++;
    }
    return clock;
  }

  private WorkflowRun register(NamespaceRecord namespace, StartWorkflowExecutionRequest request, Duration runTimeout,
      String runId, RunLineage lineage) {
    WorkflowRun run = new WorkflowRun(engine, namespace, request, runTimeout, StartRequests.taskTimeout(request, runTimeout),
        runId, lineage);
    namespaceRuns(namespace.name()).computeIfAbsent(request.getWorkflowId(), id -> new ArrayList<>()).add(run);
    byRunId.put(run.runId(), run);
    open.add(run);
    return run;
  }

  /** A run created by a reset: the base run's start request and lineage, a new run id, nothing written yet. */
  WorkflowRun registerReset(WorkflowRun base, String runId, String requestId) {
    StartWorkflowExecutionRequest request = base.startRequest().toBuilder().setRequestId(requestId).build();
    return register(base.namespace(), request, base.runTimeout(), runId, base.lineage());
  }

  /** Deletes a run: terminated first if it still runs, then gone from every lookup. */
  public void delete(io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest r) {
    WorkflowRun run = find(r.getNamespace(), r.getWorkflowExecution());
    if (run.isOpen()) {
      run.terminate("Delete workflow execution", io.temporal.api.common.v1.Payloads.getDefaultInstance(), "history-service");
    }
    List<WorkflowRun> chain = namespaceRuns(run.namespaceName()).get(run.workflowId());
    chain.remove(run);
    if (chain.isEmpty()) {
      namespaceRuns(run.namespaceName()).remove(run.workflowId());
    }
    byRunId.remove(run.runId());
    open.remove(run);
    queried.remove(run);
  }

  /**
   * Starts the run that follows a closed one in the same chain (continue-as-new, a retry, the next
   * cron run) under the run id its closing event already names; its first task waits {@code backoff}.
   */
  void startSuccessor(WorkflowRun previous, StartWorkflowExecutionRequest request, String runId, RunLineage lineage,
      Duration backoff) {
    Duration runTimeout = StartRequests.runTimeout(request);
    if (lineage.executionExpiration().isPresent()) {
      // the chain's execution timeout bounds every run in it
      Duration left = Duration.between(previous.now().plus(backoff), lineage.executionExpiration().get());
      Duration bound = left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
      runTimeout = runTimeout.isZero() || runTimeout.compareTo(bound) > 0 ? bound : runTimeout;
    }
    WorkflowRun run = register(previous.namespace(), request, runTimeout, runId, lineage);
    run.updates().adoptFrom(previous.updates());
    run.recordStarted(startedEvent(run, request, backoff), Optional.empty(), backoff, false);
  }

  private static WorkflowIdConflictPolicy conflictPolicy(StartWorkflowExecutionRequest request) {
    if (request.getWorkflowIdReusePolicy() == WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING) {
      return WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING;
    }
    return request.getWorkflowIdConflictPolicy();
  }

  private static void checkReuse(WorkflowIdReusePolicy policy, WorkflowRun previous) {
    switch (policy) {
      case WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE ->
          throw alreadyStarted(previous, "Workflow execution already finished. WorkflowId: " + previous.workflowId()
              + ", RunId: " + previous.runId() + ". Workflow Id reuse policy: reject duplicate workflow Id.");
      case WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY -> {
        if (previous.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
            || previous.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
          throw alreadyStarted(previous, "Workflow execution already finished successfully. WorkflowId: "
              + previous.workflowId() + ", RunId: " + previous.runId()
              + ". Workflow Id reuse policy: allow duplicate workflow Id if last run failed.");
        }
      }
      default -> {}
    }
  }

  private static EngineException alreadyStarted(WorkflowRun existing, String message) {
    return EngineException.alreadyExists(
        message,
        WorkflowExecutionAlreadyStartedFailure.newBuilder()
            .setStartRequestId(existing.startRequest().getRequestId())
            .setRunId(existing.runId())
            .build());
  }

  private static StartWorkflowExecutionResponse response(WorkflowRun run, boolean started) {
    return StartWorkflowExecutionResponse.newBuilder().setRunId(run.runId()).setStarted(started).build();
  }

  private HistoryEvent.Builder startedEvent(WorkflowRun run, StartWorkflowExecutionRequest r, Duration backoff) {
    RunLineage lineage = run.lineage();
    WorkflowExecutionStartedEventAttributes.Builder a =
        WorkflowExecutionStartedEventAttributes.newBuilder()
            .setWorkflowType(r.getWorkflowType())
            .setTaskQueue(run.normalQueue())
            .setWorkflowExecutionTimeout(r.getWorkflowExecutionTimeout())
            .setWorkflowRunTimeout(ProtoTime.duration(run.runTimeout()))
            .setWorkflowTaskTimeout(ProtoTime.duration(run.taskTimeout()))
            .setOriginalExecutionRunId(run.runId())
            .setFirstExecutionRunId(lineage.firstExecutionRunId())
            .setIdentity(r.getIdentity())
            .setAttempt(lineage.attempt())
            .setInitiator(lineage.initiator())
            .setCronSchedule(r.getCronSchedule())
            .setWorkflowId(r.getWorkflowId());
    lineage.continuedFromRunId().ifPresent(a::setContinuedExecutionRunId);
    lineage.continuedFailure().ifPresent(a::setContinuedFailure);
    lineage.lastCompletionResult().ifPresent(a::setLastCompletionResult);
    lineage.executionExpiration().ifPresent(at -> a.setWorkflowExecutionExpirationTime(ProtoTime.timestamp(at)));
    if (r.hasTimeSkippingConfig()) {
      a.setTimeSkippingConfig(r.getTimeSkippingConfig());
    }
    if (!run.clock().domain.skipped().isZero()) {
      a.setTimeSkippingStatePropagation(io.temporal.api.common.v1.TimeSkippingStatePropagation.newBuilder()
          .setInitialSkippedDuration(ProtoTime.duration(run.clock().domain.skipped())));
    }
    lineage.parent().ifPresent(parent -> a.setParentWorkflowNamespace(parent.namespace())
        .setParentWorkflowExecution(parent.execution())
        .setParentInitiatedEventId(parent.initiatedEventId())
        .setRootWorkflowExecution(parent.root()));
    if (!backoff.isZero()) {
      a.setFirstWorkflowTaskBackoff(ProtoTime.duration(backoff));
    }
    if (r.hasInput()) {
      a.setInput(r.getInput());
    }
    if (r.hasHeader()) {
      a.setHeader(r.getHeader());
    }
    if (r.hasMemo()) {
      a.setMemo(r.getMemo());
    }
    if (r.hasSearchAttributes()) {
      a.setSearchAttributes(r.getSearchAttributes());
    }
    if (r.hasRetryPolicy()) {
      a.setRetryPolicy(r.getRetryPolicy());
    }
    if (r.hasPriority()) {
      a.setPriority(r.getPriority());
    }
    return run.newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).setWorkflowExecutionStartedEventAttributes(a);
  }

  public StartWorkflowExecutionResponse startChecked(StartWorkflowExecutionRequest request) {
    engine.namespaces().require(request.getNamespace()).validateSearchAttributes(request.getSearchAttributes());
    return start(request);
  }

  public StartWorkflowExecutionResponse signalWithStart(SignalWithStartWorkflowExecutionRequest r) {
    if (r.getSignalName().isEmpty()) {
      throw EngineException.invalidArgument("SignalName is not set on request.");
    }
    NamespaceRecord namespace = engine.namespaces().require(r.getNamespace());
    namespace.validateSearchAttributes(r.getSearchAttributes());
    StartWorkflowExecutionRequest.Builder start =
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(r.getNamespace())
            .setWorkflowId(r.getWorkflowId())
            .setWorkflowType(r.getWorkflowType())
            .setTaskQueue(r.getTaskQueue())
            .setWorkflowExecutionTimeout(r.getWorkflowExecutionTimeout())
            .setWorkflowRunTimeout(r.getWorkflowRunTimeout())
            .setWorkflowTaskTimeout(r.getWorkflowTaskTimeout())
            .setIdentity(r.getIdentity())
            .setRequestId(r.getRequestId())
            .setWorkflowIdReusePolicy(r.getWorkflowIdReusePolicy())
            .setWorkflowIdConflictPolicy(r.getWorkflowIdConflictPolicy())
            .setCronSchedule(r.getCronSchedule());
    if (r.hasInput()) start.setInput(r.getInput());
    if (r.hasHeader()) start.setHeader(r.getHeader());
    if (r.hasMemo()) start.setMemo(r.getMemo());
    if (r.hasSearchAttributes()) start.setSearchAttributes(r.getSearchAttributes());
    if (r.hasRetryPolicy()) start.setRetryPolicy(r.getRetryPolicy());
    if (r.hasWorkflowStartDelay()) start.setWorkflowStartDelay(r.getWorkflowStartDelay());
    if (r.hasPriority()) start.setPriority(r.getPriority());
    if (r.hasTimeSkippingConfig()) start.setTimeSkippingConfig(r.getTimeSkippingConfig());
    Optional<WorkflowRun> running = current(namespace.name(), r.getWorkflowId()).filter(WorkflowRun::isOpen);
    if (running.isPresent() && r.getWorkflowIdConflictPolicy() != WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
      running.get().signal(r.getSignalName(), r.getSignalInput(), r.getIdentity(), r.getHeader());
      return response(running.get(), false);
    }
    WorkflowExecutionSignaledEventAttributes.Builder signal =
        WorkflowExecutionSignaledEventAttributes.newBuilder().setSignalName(r.getSignalName()).setIdentity(r.getIdentity());
    if (r.hasSignalInput()) signal.setInput(r.getSignalInput());
    if (r.hasHeader()) signal.setHeader(r.getHeader());
    return start(start.build(),
        Optional.of(HistoryEvent.newBuilder().setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
            .setWorkflowExecutionSignaledEventAttributes(signal)),
        Optional.empty());
  }

  // ---- signals, cancel, terminate -------------------------------------------------------------

  public void signal(SignalWorkflowExecutionRequest r) {
    if (r.getSignalName().isEmpty()) {
      throw EngineException.invalidArgument("SignalName is not set on request.");
    }
    if (r.getSignalName().length() > RequestLimits.MAX_LENGTH) {
      throw EngineException.invalidArgument("SignalName length exceeds limit.");
    }
    requireOpen(find(r.getNamespace(), r.getWorkflowExecution()))
        .signal(r.getSignalName(), r.getInput(), r.getIdentity(), r.getHeader());
  }

  public void requestCancel(RequestCancelWorkflowExecutionRequest r) {
    requireOpen(find(r.getNamespace(), r.getWorkflowExecution())).requestCancel(r.getReason(), r.getIdentity());
  }

  public void terminate(TerminateWorkflowExecutionRequest r) {
    WorkflowRun run = requireOpen(find(r.getNamespace(), r.getWorkflowExecution()));
    run.terminate(r.getReason(), r.getDetails(), r.getIdentity());
  }

  void onClosed(WorkflowRun run) {
    if (open.remove(run)) {
      run.queries().afterWorkflowTask();
    }
  }

  // ---- workflow tasks -------------------------------------------------------------------------

  public Matching.PollHandle pollWorkflowTask(PollWorkflowTaskQueueRequest r, Duration waitFor) {
    engine.namespaces().require(r.getNamespace());
    TaskQueue queue = r.getTaskQueue();
    RequestLimits.checkTaskQueueName(queue.getName());
    RequestLimits.checkIdentity(r.getIdentity());
    return engine.matching().poll(
        new dev.timewarp.server.internal.matching.TaskQueueKey(
            r.getNamespace(), queue.getName(), dev.timewarp.server.internal.matching.TaskQueueKey.Type.WORKFLOW),
        new Poller(r.getIdentity()),
        waitFor);
  }

  private WorkflowRun runOf(TaskToken token) {
    WorkflowRun run = byRunId.get(token.getRunId());
    if (run == null || !run.namespaceName().equals(token.getNamespace())) {
      throw EngineException.notFound("workflow not found for ID: " + token.getWorkflowId());
    }
    return run;
  }

  private WorkflowTask startedTask(WorkflowRun run, TaskToken token) {
    if (!run.isOpen()) {
      throw EngineException.notFound("workflow execution already completed");
    }
    return run.startedTask(token).orElseThrow(() -> EngineException.notFound("Workflow task not found."));
  }

  public RespondWorkflowTaskCompletedResponse completeWorkflowTask(RespondWorkflowTaskCompletedRequest r) {
    TaskToken token = TaskTokens.decode(r.getTaskToken(), TaskToken.Kind.WORKFLOW_TASK);
    RequestLimits.checkIdentity(r.getIdentity());
    WorkflowRun run = runOf(token);
    WorkflowTask task = startedTask(run, token);
    return new WorkflowTaskCompletion(run, task, r).complete();
  }

  public void failWorkflowTask(RespondWorkflowTaskFailedRequest r) {
    TaskToken token = TaskTokens.decode(r.getTaskToken(), TaskToken.Kind.WORKFLOW_TASK);
    WorkflowRun run = runOf(token);
    WorkflowTask task = startedTask(run, token);
    run.failWorkflowTask(task, r.getCause(), r.hasFailure() ? r.getFailure() : null, r.getIdentity());
    run.queries().afterWorkflowTask();
  }

  // ---- queries --------------------------------------------------------------------------------

  public Queries.PendingQuery query(io.temporal.api.workflowservice.v1.QueryWorkflowRequest r) {
    if (r.getQuery().getQueryType().isEmpty()) {
      throw EngineException.invalidArgument("QueryType is not set on request.");
    }
    WorkflowRun run = find(r.getNamespace(), r.getExecution());
    queried.add(run);
    return run.queries().submit(r.getQuery());
  }

  public void forgetQuery(io.temporal.api.workflowservice.v1.QueryWorkflowRequest r, String queryId) {
    find(r.getNamespace(), r.getExecution()).queries().forget(queryId);
  }

  public void respondQueryTaskCompleted(RespondQueryTaskCompletedRequest r) {
    TaskToken token = TaskTokens.decode(r.getTaskToken(), TaskToken.Kind.QUERY_TASK);
    runOf(token).queries().answerQueryTask(
        token.getQueryId(), r.getCompletedType(), r.getQueryResult(), r.getErrorMessage(), r.getFailure());
  }

  // ---- activities -----------------------------------------------------------------------------

  /** The run an activity token belongs to, whether or not it is still open. */
  public WorkflowRun runForActivity(TaskToken token) {
    return runOf(token);
  }

  // ---- fault controls and records ------------------------------------------------------------

  /** A worker shut down: its sticky queue is gone, so its runs' tasks go to the normal queue. */
  public void workerShutdown(String namespace, String stickyQueue) {
    engine.namespaces().require(namespace);
    if (stickyQueue.isEmpty()) {
      return;
    }
    for (WorkflowRun run : List.copyOf(open)) {
      if (run.namespaceName().equals(namespace)
          && run.stickyQueue().map(q -> q.name().equals(stickyQueue)).orElse(false)) {
        run.stopUsingStickyQueue();
      }
    }
  }

  /** ResetStickyTaskQueue: the run's next tasks go to the normal queue with full history. */
  public void resetStickyQueue(String namespace, WorkflowExecution execution) {
    WorkflowRun run = find(namespace, execution);
    if (run.isOpen()) {
      run.stopUsingStickyQueue();
    }
  }

  public void declareWorkerGone(String identity) {
    open.forEach(run -> run.workerGone(identity));
  }

  public List<dev.timewarp.server.ActivityRecord> activityRecords(String namespace, WorkflowExecution execution) {
    return find(namespace, execution).activities().values().stream()
        .map(dev.timewarp.server.internal.activity.ActivityExecution::record)
        .toList();
  }

  // ---- busy or idle ---------------------------------------------------------------------------

  public void describeInFlight(List<InFlight> out) {
    for (WorkflowRun run : open) {
      run.describeInFlight(out);
    }
    // closed runs can still have queries waiting for a worker; only queried runs are looked at
    queried.removeIf(run -> run.queries().isEmpty());
    for (WorkflowRun run : queried) {
      if (!run.isOpen()) {
        run.queries().describeInFlight(out);
      }
    }
  }

  // ---- per-execution time skipping ------------------------------------------------------------

  /**
   * Lets every idle execution that skips time by itself jump to its next timer or fast-forward
   * target; returns whether any did (their deadlines are then due).
   */
  public boolean skipIdleExecutions() {
    if (skippingClocks == 0) {
      return false;
    }
    boolean skipped = false;
    for (WorkflowRun run : List.copyOf(open)) {
      ExecutionClock clock = run.clock();
      if (!clock.isSkipping() || !run.isOpen() || !run.isIdleForSkipping()) {
        continue;
      }
      Optional<ExecutionClock.Skip> skip = clock.nextSkip();
      if (skip.isPresent()) {
        clock.skipTo(skip.get());
        run.recordTimeSkipped(skip.get());
        skipped = true;
      }
    }
    return skipped;
  }

  /** UpdateWorkflowExecutionOptions: the time-skipping config (the only option Timewarp models). */
  public io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionOptionsResponse updateOptions(
      io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionOptionsRequest r) {
    if (!r.hasUpdateMask() || r.getUpdateMask().getPathsCount() == 0) {
      throw EngineException.invalidArgument("UpdateMask is required.");
    }
    for (String path : r.getUpdateMask().getPathsList()) {
      if (!path.equals("time_skipping_config") && !path.startsWith("time_skipping_config.")) {
        throw EngineException.invalidArgument("error parsing UpdateMask: path " + path + " is not supported by Timewarp");
      }
    }
    WorkflowRun run = requireOpen(find(r.getNamespace(), r.getWorkflowExecution()));
    io.temporal.api.common.v1.TimeSkippingConfig config = r.getWorkflowExecutionOptions().getTimeSkippingConfig();
    if (config.hasFastForward() && !ProtoTime.isValid(config.getFastForward())) {
      throw EngineException.invalidArgument("invalid FastForward: negative duration");
    }
    boolean wasSkipping = run.clock().isSkipping();
    run.recordTimeSkippingUpdated(config, r.getIdentity());
    if (!wasSkipping && run.clock().isSkipping()) {
      skippingClocks++;
    }
    return io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionOptionsResponse.newBuilder()
        .setWorkflowExecutionOptions(io.temporal.api.workflow.v1.WorkflowExecutionOptions.newBuilder()
            .setTimeSkippingConfig(run.clock().config()))
        .build();
  }

  public void closeAll() {
    open.clear();
  }
}
