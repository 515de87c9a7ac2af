package dev.timewarp.junit.internal;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.temporal.api.workflowservice.v1.DescribeActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.util.Set;

/**
 * Lets time skip for as long as a client call waits on the server for something to happen: a
 * result (history long poll), an update, or a standalone activity's outcome or next state. Queries are left out on purpose: answering one never
 * needs time to pass, and skipping during it would move the clock between a test's steps.
 */
final class WaitReleasingInterceptor implements ClientInterceptor {
  private static final Set<String> WAITS =
      Set.of(
          WorkflowServiceGrpc.getGetWorkflowExecutionHistoryMethod().getFullMethodName(),
          WorkflowServiceGrpc.getUpdateWorkflowExecutionMethod().getFullMethodName(),
          WorkflowServiceGrpc.getPollWorkflowExecutionUpdateMethod().getFullMethodName(),
          WorkflowServiceGrpc.getExecuteMultiOperationMethod().getFullMethodName(),
          WorkflowServiceGrpc.getPollActivityExecutionMethod().getFullMethodName(),
          WorkflowServiceGrpc.getDescribeActivityExecutionMethod().getFullMethodName());

  private final TimeHold hold;

  WaitReleasingInterceptor(TimeHold hold) {
    this.hold = hold;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    ClientCall<Q, R> call = next.newCall(method, options);
    if (!WAITS.contains(method.getFullMethodName())) {
      return call;
    }
    return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
      private boolean waiting;

      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                ended();
                super.onClose(status, trailers);
              }
            },
            headers);
      }

      @Override
      public void sendMessage(Q message) {
        // history reads and activity describes wait only when they long-poll; the rest always wait
        boolean waits = message instanceof GetWorkflowExecutionHistoryRequest read
            ? read.getWaitNewEvent()
            : !(message instanceof DescribeActivityExecutionRequest describe) || !describe.getLongPollToken().isEmpty();
        if (waits && !waiting) {
          waiting = true;
          hold.waitBegins();
        }
        super.sendMessage(message);
      }

      @Override
      public void cancel(String message, Throwable cause) {
        ended();
        super.cancel(message, cause);
      }

      private synchronized void ended() {
        if (waiting) {
          waiting = false;
          hold.waitEnds();
        }
      }
    };
  }
}
