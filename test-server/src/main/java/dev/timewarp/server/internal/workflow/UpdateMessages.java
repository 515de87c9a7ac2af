package dev.timewarp.server.internal.workflow;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.timewarp.server.internal.engine.EngineException;
import io.temporal.api.command.v1.Command;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.WorkflowExecutionUpdateAcceptedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionUpdateCompletedEventAttributes;
import io.temporal.api.update.v1.Acceptance;
import io.temporal.api.update.v1.Rejection;
import io.temporal.api.update.v1.Response;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The update protocol messages of one RespondWorkflowTaskCompleted. A PROTOCOL_MESSAGE command
 * handles its message at its place among the commands (so the Accepted and Completed events land
 * where the worker expects them); other messages follow the commands in request order. Like the
 * commands, all are checked before anything is applied.
 */
final class UpdateMessages {
  private static final String PROTOCOL = "temporal.api.update.v1";
  /** history.discardSpeculativeWorkflowTaskMaximumEventsCount: events a dropped task may have shown. */
  private static final int MAX_EVENTS_OF_DROPPED_TASK = 10;

  private final WorkflowRun run;
  private final WorkflowTask task;
  private final RespondWorkflowTaskCompletedRequest request;
  /** Messages not yet handled, by id, in request order; the check and the application each walk a copy. */
  private final Map<String, io.temporal.api.protocol.v1.Message> byId = new LinkedHashMap<>();
  private Map<String, io.temporal.api.protocol.v1.Message> unhandled;
  /** Update states as the check walks the messages, before anything changes. */
  private final Map<String, WorkflowUpdate.State> checked = new HashMap<>();
  /** Commands up to and including the first that closes the workflow; messages after it abort. */
  private final int closingCommand;

  UpdateMessages(WorkflowRun run, WorkflowTask task, RespondWorkflowTaskCompletedRequest request) {
    this.run = run;
    this.task = task;
    this.request = request;
    request.getMessagesList().forEach(m -> byId.putIfAbsent(m.getId(), m));
    unhandled = new LinkedHashMap<>(byId);
    int closing = Integer.MAX_VALUE;
    for (int i = 0; i < request.getCommandsCount(); i++) {
      if (closes(request.getCommands(i))) {
        closing = i;
        break;
      }
    }
    closingCommand = closing;
  }

  private static boolean closes(Command command) {
    return switch (command.getCommandType()) {
      case COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
          COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
          COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
          COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION -> true;
      default -> false;
    };
  }

  // ---- checks (change nothing) ----------------------------------------------------------------

  /** Checks a PROTOCOL_MESSAGE command and the message it names. */
  void check(Command command) {
    if (!command.hasProtocolMessageCommandAttributes()) {
      throw bad("ProtocolMessageCommandAttributes is not set on ProtocolMessageCommand.");
    }
    String messageId = command.getProtocolMessageCommandAttributes().getMessageId();
    if (messageId.isEmpty()) {
      throw bad("MessageID is not set on ProtocolMessageCommand.");
    }
    io.temporal.api.protocol.v1.Message message = unhandled.remove(messageId);
    if (message == null) {
      throw bad("ProtocolMessageCommand referenced absent message ID " + messageId);
    }
    check(message, request.getCommandsList().indexOf(command) > closingCommand);
  }

  /** Checks the messages no command named; they come after every command. */
  void checkRemaining() {
    for (io.temporal.api.protocol.v1.Message message : unhandled.values()) {
      check(message, closingCommand != Integer.MAX_VALUE);
    }
    unhandled = new LinkedHashMap<>(byId); // the application walks them again
  }

  private void check(io.temporal.api.protocol.v1.Message message, boolean afterClose) {
    Message body = body(message);
    String updateId = message.getProtocolInstanceId();
    WorkflowUpdate.State state = checked.containsKey(updateId)
        ? checked.get(updateId)
        : run.updates().find(updateId).map(WorkflowUpdate::state).orElse(null);
    if (state == null) {
      if (!carriesRequest(body)) {
        throw bad("update " + updateId
            + " wasn't found on the server. This is most likely a transient error which will be resolved automatically by retries");
      }
      state = WorkflowUpdate.State.ADMITTED; // the worker's copy of the request brings it back
    }
    if (afterClose) {
      return; // the closing run aborts it, whatever the message says
    }
    if (body instanceof Acceptance) {
      requireState(updateId, body, state, WorkflowUpdate.State.SENT, WorkflowUpdate.State.ADMITTED);
      checked.put(updateId, WorkflowUpdate.State.ACCEPTED);
    } else if (body instanceof Rejection) {
      requireState(updateId, body, state, WorkflowUpdate.State.SENT, WorkflowUpdate.State.ADMITTED);
      checked.put(updateId, WorkflowUpdate.State.COMPLETED);
    } else {
      requireState(updateId, body, state, WorkflowUpdate.State.ACCEPTED);
      checkResponse(updateId, (Response) body);
      checked.put(updateId, WorkflowUpdate.State.COMPLETED);
    }
  }

  /** The body as an update protocol message; a body of another protocol or kind fails the task. */
  private static Message body(io.temporal.api.protocol.v1.Message message) {
    if (!message.hasBody()) {
      throw EngineException.invalidArgument("nil message body");
    }
    Any body = message.getBody();
    String typeName = body.getTypeUrl().substring(body.getTypeUrl().lastIndexOf('/') + 1);
    if (typeName.isEmpty()) {
      throw EngineException.invalidArgument("no message name specified");
    }
    int lastDot = typeName.lastIndexOf('.');
    if (lastDot < 0) {
      throw EngineException.invalidArgument("failed to extract protocol type: no . found in \"" + typeName + "\"");
    }
    if (!typeName.substring(0, lastDot).equals(PROTOCOL)) {
      throw bad("unsupported protocol type " + typeName.substring(0, lastDot));
    }
    try {
      if (body.is(Acceptance.class)) {
        return body.unpack(Acceptance.class);
      }
      if (body.is(Rejection.class)) {
        return body.unpack(Rejection.class);
      }
      if (body.is(Response.class)) {
        return body.unpack(Response.class);
      }
    } catch (InvalidProtocolBufferException e) {
      throw bad("unable to unmarshal request: " + e.getMessage());
    }
    throw bad("Message type *update." + typeName.substring(lastDot + 1) + " not supported");
  }

  private static boolean carriesRequest(Message body) {
    return body instanceof Acceptance a && a.hasAcceptedRequest()
        || body instanceof Rejection r && r.hasRejectedRequest();
  }

  private static void requireState(String updateId, Message body, WorkflowUpdate.State state, WorkflowUpdate.State... allowed) {
    for (WorkflowUpdate.State ok : allowed) {
      if (state == ok) {
        return;
      }
    }
    throw bad("invalid state transition attempted for Update " + updateId + ": received *update."
        + body.getDescriptorForType().getName() + " message while in state " + stateName(state));
  }

  private static String stateName(WorkflowUpdate.State state) {
    String name = state.name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  private static void checkResponse(String updateId, Response response) {
    if (!response.hasMeta()) {
      throw bad("invalid *update.Response: meta is not set");
    }
    if (response.getMeta().getUpdateId().isEmpty()) {
      throw bad("invalid *update.Response: meta.update_id is not set");
    }
    if (!response.getMeta().getUpdateId().equals(updateId)) {
      throw bad("invalid *update.Response: meta.update_id != " + updateId);
    }
    if (!response.hasOutcome()) {
      throw bad("invalid *update.Response: outcome is not set");
    }
  }

  private static CommandRejection bad(String message) {
    return new CommandRejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE, message);
  }

  // ---- application ----------------------------------------------------------------------------

  void apply(Command command) {
    io.temporal.api.protocol.v1.Message message =
        unhandled.remove(command.getProtocolMessageCommandAttributes().getMessageId());
    if (message != null) {
      apply(message);
    }
  }

  /** Applies the messages no command named, then rejects what the worker left unanswered. */
  void applyRemaining() {
    if (!run.isOpen()) {
      return; // the closing run already aborted or handed on every update
    }
    unhandled.values().forEach(this::apply);
    unhandled.clear();
    // a heartbeat may come back before the worker got to the updates it carries
    if (run.isOpen() && !request.getForceCreateNewWorkflowTask()) {
      run.updates().rejectUnprocessed();
    }
  }

  private void apply(io.temporal.api.protocol.v1.Message message) {
    Message body = body(message);
    String updateId = message.getProtocolInstanceId();
    Updates updates = run.updates();
    WorkflowUpdate update = updates.find(updateId).orElseGet(() -> updates.resurrect(updateId,
        body instanceof Acceptance a ? a.getAcceptedRequest() : ((Rejection) body).getRejectedRequest()));
    if (body instanceof Acceptance acceptance) {
      long acceptedId = run.append(run.newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
              .setWorkflowExecutionUpdateAcceptedEventAttributes(WorkflowExecutionUpdateAcceptedEventAttributes.newBuilder()
                  .setProtocolInstanceId(updateId)
                  .setAcceptedRequestMessageId(update.requestMessageId())
                  .setAcceptedRequestSequencingEventId(acceptance.getAcceptedRequestSequencingEventId())
                  .setAcceptedRequest(update.request())))
          .getEventId();
      update.accept(acceptedId);
    } else if (body instanceof Rejection rejection) {
      updates.rejected(update, rejection.getFailure());
    } else {
      Response response = (Response) body;
      run.append(run.newEvent(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
          .setWorkflowExecutionUpdateCompletedEventAttributes(WorkflowExecutionUpdateCompletedEventAttributes.newBuilder()
              .setMeta(response.getMeta())
              .setAcceptedEventId(update.acceptedEventId())
              .setOutcome(response.getOutcome())));
      update.complete(response.getOutcome());
    }
  }

  // ---- speculative tasks ----------------------------------------------------------------------

  /**
   * Whether the task can vanish: it was speculative and the worker only rejected updates, so the
   * workflow did not change. A task that showed the worker many events is kept all the same, and
   * so is one that showed any to a worker unable to see events twice.
   */
  boolean discardsSpeculativeTask() {
    if (!task.isSpeculative() || request.getCommandsCount() > 0 || request.getForceCreateNewWorkflowTask()) {
      return false;
    }
    long shown = run.history().nextEventId() - (run.previousStartedEventId() + 2);
    boolean seesEventsTwice = request.getCapabilities().getDiscardSpeculativeWorkflowTaskWithEvents();
    if (shown > (seesEventsTwice ? MAX_EVENTS_OF_DROPPED_TASK : 0)) {
      return false;
    }
    return request.getMessagesList().stream().allMatch(m -> m.getBody().is(Rejection.class));
  }

  /**
   * Ends the speculative task without a trace: rejections apply, nothing is written, and the worker
   * is told to roll its history back to the last task that did complete.
   */
  RespondWorkflowTaskCompletedResponse discardSpeculativeTask() {
    applyRemaining();
    run.finishTask(task);
    run.queries().answer(request.getQueryResultsMap());
    RespondWorkflowTaskCompletedResponse.Builder response =
        RespondWorkflowTaskCompletedResponse.newBuilder().setResetHistoryEventId(run.previousStartedEventId());
    scheduleTaskForAdmitted(response);
    run.queries().afterWorkflowTask();
    return response.build();
  }

  /**
   * Updates that arrived while the task ran get a task of their own if nothing else scheduled one:
   * speculative when the worker asked for its next task here, a normal one otherwise (only a task
   * handed straight back can stay out of history).
   */
  void scheduleTaskForAdmitted(RespondWorkflowTaskCompletedResponse.Builder response) {
    if (!run.isOpen() || run.task() != null || !run.updates().hasAdmitted()) {
      return;
    }
    if (request.getReturnNewWorkflowTask()) {
      WorkflowTask next = run.startNextWorkflowTaskInline(request.getIdentity(), WorkflowTask.Kind.SPECULATIVE);
      response.setWorkflowTask(run.pollResponseSinceLastTask(next));
    } else {
      run.scheduleWorkflowTask(1);
    }
  }
}
