package dev.timewarp.server;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.ProtocolMessageCommandAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.protocol.v1.Message;
import io.temporal.api.update.v1.Acceptance;
import io.temporal.api.update.v1.Input;
import io.temporal.api.update.v1.Meta;
import io.temporal.api.update.v1.Outcome;
import io.temporal.api.update.v1.Rejection;
import io.temporal.api.update.v1.Request;
import io.temporal.api.update.v1.Response;
import io.temporal.api.update.v1.WaitPolicy;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import java.util.List;

/** Update requests and the worker's side of the update protocol, built by hand for the raw-RPC tests. */
final class UpdateProtocol {
  static final UpdateWorkflowExecutionLifecycleStage ADMITTED =
      UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
  static final UpdateWorkflowExecutionLifecycleStage ACCEPTED =
      UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
  static final UpdateWorkflowExecutionLifecycleStage COMPLETED =
      UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;

  private UpdateProtocol() {}

  /** An update named "rename" of the workflow's current run, waiting until it completes. */
  static UpdateWorkflowExecutionRequest.Builder update(String workflowId, String updateId) {
    return UpdateWorkflowExecutionRequest.newBuilder()
        .setNamespace("default")
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(COMPLETED))
        .setRequest(Request.newBuilder()
            .setMeta(Meta.newBuilder().setUpdateId(updateId).setIdentity("client"))
            .setInput(Input.newBuilder().setName("rename").setArgs(RawWorkflow.text("new name"))));
  }

  static Request request(Message delivered) {
    try {
      return delivered.getBody().unpack(Request.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not an update request: " + delivered, e);
    }
  }

  static Message accept(Message delivered) {
    return Message.newBuilder()
        .setId(delivered.getId() + "/accept")
        .setProtocolInstanceId(delivered.getProtocolInstanceId())
        .setBody(Any.pack(Acceptance.newBuilder()
            .setAcceptedRequestMessageId(delivered.getId())
            .setAcceptedRequestSequencingEventId(delivered.getEventId())
            .setAcceptedRequest(request(delivered))
            .build()))
        .build();
  }

  static Message reject(Message delivered, String why) {
    return Message.newBuilder()
        .setId(delivered.getId() + "/reject")
        .setProtocolInstanceId(delivered.getProtocolInstanceId())
        .setBody(Any.pack(Rejection.newBuilder()
            .setRejectedRequestMessageId(delivered.getId())
            .setRejectedRequestSequencingEventId(delivered.getEventId())
            .setRejectedRequest(request(delivered))
            .setFailure(RpcChecks.appFailure(why))
            .build()))
        .build();
  }

  static Message complete(Message delivered, String result) {
    return respond(delivered, Outcome.newBuilder().setSuccess(RawWorkflow.text(result)).build());
  }

  static Message fail(Message delivered, Failure failure) {
    return respond(delivered, Outcome.newBuilder().setFailure(failure).build());
  }

  private static Message respond(Message delivered, Outcome outcome) {
    return Message.newBuilder()
        .setId(delivered.getId() + "/complete")
        .setProtocolInstanceId(delivered.getProtocolInstanceId())
        .setBody(Any.pack(Response.newBuilder().setMeta(request(delivered).getMeta()).setOutcome(outcome).build()))
        .build();
  }

  /** The command that places a message's event among the others. */
  static Command protocol(Message message) {
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_PROTOCOL_MESSAGE)
        .setProtocolMessageCommandAttributes(ProtocolMessageCommandAttributes.newBuilder().setMessageId(message.getId()))
        .build();
  }

  static RespondWorkflowTaskCompletedResponse respond(
      RawWorkflow workflow, PollWorkflowTaskQueueResponse task, List<Message> messages, Command... commands) {
    return workflow.rpc.respondWorkflowTaskCompleted(completion(task, messages, commands).build());
  }

  static RespondWorkflowTaskCompletedRequest.Builder completion(
      PollWorkflowTaskQueueResponse task, List<Message> messages, Command... commands) {
    return RespondWorkflowTaskCompletedRequest.newBuilder()
        .setNamespace("default")
        .setTaskToken(task.getTaskToken())
        .setIdentity("raw-worker")
        .addAllMessages(messages)
        .addAllCommands(List.of(commands));
  }
}
