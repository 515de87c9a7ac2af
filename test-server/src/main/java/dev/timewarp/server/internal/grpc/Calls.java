package dev.timewarp.server.internal.grpc;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.engine.EngineException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Shared plumbing for the shells: run under the engine, answer or map the error. */
final class Calls {
  /** Matching's long-poll interval. */
  static final Duration TASK_POLL_INTERVAL = Duration.ofSeconds(60);
  /** History long polls come back empty after this, and the client polls again. */
  static final Duration HISTORY_POLL_INTERVAL = Duration.ofSeconds(20);
  private static final Duration MIN_POLL_DEADLINE = Duration.ofSeconds(2);
  private static final Duration POLL_MARGIN = Duration.ofSeconds(1);

  private Calls() {}

  static <T> void unary(Engine engine, StreamObserver<T> observer, Supplier<T> operation) {
    respond(observer, () -> engine.call(operation));
  }

  /** Answers with what {@code operation} returns, or the status of what it refused. */
  static <T> void respond(StreamObserver<T> observer, Supplier<T> operation) {
    T response;
    try {
      response = operation.get();
    } catch (RuntimeException e) {
      observer.onError(Statuses.toStatus(e));
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  /** For RPCs whose answer is always the same (usually empty) message once the operation succeeds. */
  static <T> void unary(Engine engine, StreamObserver<T> observer, Runnable operation, T response) {
    unary(engine, observer, () -> {
      operation.run();
      return response;
    });
  }

  /** Answers with the future's value, on the delivery executor, outside the engine lock. */
  static <T> void answerWhenDone(
      Engine engine, StreamObserver<T> observer, CompletableFuture<T> result, Runnable onCancel) {
    if (observer instanceof ServerCallStreamObserver<T> call) {
      call.setOnCancelHandler(onCancel);
    }
    result.whenCompleteAsync(
        (value, error) -> {
          try {
            if (error instanceof java.util.concurrent.CancellationException
                || error != null && error.getCause() instanceof java.util.concurrent.CancellationException) {
              return; // the caller gave up; nobody is listening
            }
            if (error != null) {
              observer.onError(Statuses.toStatus(error));
            } else {
              observer.onNext(value);
              observer.onCompleted();
            }
          } catch (IllegalStateException alreadyClosed) {
            // the caller went away meanwhile
          }
        },
        engine.delivery());
  }

  /**
   * A client long poll (describe with a token, wait for an outcome): {@code ready} is looked up
   * under the engine; once it completes the answer is built, and if it does not complete shortly
   * before the caller's deadline the call answers {@code empty}, as the real server does.
   */
  static <T> void longPoll(
      Engine engine, StreamObserver<T> observer, Supplier<CompletableFuture<Void>> ready, Supplier<T> answer, T empty) {
    CompletableFuture<Void> wait;
    Duration limit;
    try {
      limit = historyPollWait();
      wait = engine.call(ready);
    } catch (RuntimeException e) {
      observer.onError(Statuses.toStatus(e));
      return;
    }
    CompletableFuture<T> result = wait.thenApply(ignored -> true)
        .completeOnTimeout(false, limit.toNanos(), TimeUnit.NANOSECONDS)
        .thenApplyAsync(changed -> changed ? engine.call(answer) : empty, engine.delivery());
    answerWhenDone(engine, observer, result, () -> wait.cancel(false));
  }

  /** How long a task poll may wait, by the real frontend's deadline rules. */
  static Duration taskPollWait() {
    Deadline deadline = Context.current().getDeadline();
    if (deadline == null) {
      throw EngineException.invalidArgument("Context timeout is not set.");
    }
    Duration remaining = Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
    if (remaining.compareTo(MIN_POLL_DEADLINE) < 0) {
      throw new EngineException(
          EngineException.Code.FAILED_PRECONDITION, "Context timeout is too short.", List.of());
    }
    Duration wait = remaining.minus(POLL_MARGIN);
    return wait.compareTo(TASK_POLL_INTERVAL) < 0 ? wait : TASK_POLL_INTERVAL;
  }

  /** How long a history long poll may wait before answering "nothing new". */
  static Duration historyPollWait() {
    Deadline deadline = Context.current().getDeadline();
    if (deadline == null) {
      return HISTORY_POLL_INTERVAL;
    }
    Duration wait = Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)).minus(POLL_MARGIN);
    if (wait.isNegative()) {
      wait = Duration.ZERO;
    }
    return wait.compareTo(HISTORY_POLL_INTERVAL) < 0 ? wait : HISTORY_POLL_INTERVAL;
  }
}
