package dev.timewarp.server.internal.matching;

import dev.timewarp.server.internal.engine.Engine;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** All task queues of the server. Called under the engine lock. */
public final class Matching {
  private final Engine engine;
  private final Map<TaskQueueKey, TaskQueue> queues = new HashMap<>();

  public Matching(Engine engine) {
    this.engine = engine;
  }

  private TaskQueue queue(TaskQueueKey key) {
    return queues.computeIfAbsent(key, k -> new TaskQueue());
  }

  public void offer(TaskQueueKey key, QueuedTask task) {
    queue(key).offer(task);
  }

  /**
   * Long-polls {@code key}. The future completes with a started task, or empty once {@code
   * waitFor} of wall time passes or the caller gives up.
   */
  public PollHandle poll(TaskQueueKey key, Poller poller, Duration waitFor) {
    if (engine.isClosed()) {
      return new PollHandle(CompletableFuture.completedFuture(Optional.empty()), () -> {});
    }
    TaskQueue queue = queue(key);
    TaskQueue.PendingPoll poll = queue.poll(poller);
    if (!poll.result.isDone()) {
      engine
          .wallTimers()
          .schedule(
              () -> engine.run(() -> queue.expire(poll)),
              Math.max(0, waitFor.toNanos()),
              TimeUnit.NANOSECONDS);
    }
    return new PollHandle(poll.result, () -> engine.run(() -> queue.expire(poll)));
  }

  /** Starts or ends a worker outage on both the workflow and the activity queue of this name. */
  public void setOutage(String namespace, String name, boolean on) {
    for (TaskQueueKey.Type type : TaskQueueKey.Type.values()) {
      queue(new TaskQueueKey(namespace, name, type)).setOutage(on);
    }
  }

  /** Answers every waiting poll of a worker that is shutting down with an empty response. */
  public void releasePolls(String namespace, String identity) {
    if (identity.isEmpty()) {
      return;
    }
    queues.forEach((key, queue) -> {
      if (key.namespace().equals(namespace)) {
        queue.releasePolls(identity);
      }
    });
  }

  public boolean hasLivePoller(TaskQueueKey key) {
    TaskQueue queue = queues.get(key);
    return queue != null && queue.hasLivePoller();
  }

  public void closeAll() {
    queues.values().forEach(TaskQueue::closeAll);
  }

  /** A waiting poll: its outcome, and how to give it up (the caller went away). */
  public record PollHandle(CompletableFuture<Optional<Object>> result, Runnable cancel) {}
}
