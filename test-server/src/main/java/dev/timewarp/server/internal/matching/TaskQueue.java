package dev.timewarp.server.internal.matching;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Tasks waiting for pollers and pollers waiting for tasks. Called under the engine lock. */
final class TaskQueue {
  /** A poll answered this recently still counts as a live worker (covers the gap between polls). */
  static final long POLLER_RECENCY_NANOS = 2_000_000_000L;

  private final Deque<QueuedTask> tasks = new ArrayDeque<>();
  private final Deque<PendingPoll> polls = new ArrayDeque<>();
  private long lastPollNanos;
  private boolean everPolled;
  /** Pollers are cut off: tasks wait, polls wait, and nobody counts as live. */
  private boolean outage;

  static final class PendingPoll {
    final Poller poller;
    final CompletableFuture<Optional<Object>> result = new CompletableFuture<>();

    PendingPoll(Poller poller) {
      this.poller = poller;
    }
  }

  void offer(QueuedTask task) {
    if (outage) {
      tasks.addLast(task);
      return;
    }
    for (Iterator<PendingPoll> it = polls.iterator(); it.hasNext(); ) {
      PendingPoll poll = it.next();
      if (poll.result.isDone()) {
        it.remove();
        continue;
      }
      Optional<Object> started = task.tryStart(poll.poller);
      if (started.isEmpty()) {
        return; // stale: dropped, the poller keeps waiting
      }
      it.remove();
      answer(poll, started);
      return;
    }
    tasks.addLast(task);
  }

  /** Answers at once if a task is ready; otherwise returns a poll left waiting. */
  PendingPoll poll(Poller poller) {
    PendingPoll poll = new PendingPoll(poller);
    if (outage) {
      polls.addLast(poll);
      return poll;
    }
    markPolled();
    while (!tasks.isEmpty()) {
      Optional<Object> started = tasks.pollFirst().tryStart(poller);
      if (started.isPresent()) {
        answer(poll, started);
        return poll;
      }
    }
    polls.addLast(poll);
    return poll;
  }

  void expire(PendingPoll poll) {
    if (polls.remove(poll)) {
      answer(poll, Optional.empty());
    }
  }

  private void markPolled() {
    everPolled = true;
    lastPollNanos = System.nanoTime();
  }

  private void answer(PendingPoll poll, Optional<Object> response) {
    markPolled();
    poll.result.complete(response);
  }

  void releasePolls(String identity) {
    for (PendingPoll poll : java.util.List.copyOf(polls)) {
      if (poll.poller.identity().equals(identity)) {
        polls.remove(poll);
        answer(poll, Optional.empty());
      }
    }
  }

  void setOutage(boolean on) {
    outage = on;
    if (!on) {
      everPolled = false; // recency restarts with the next real poll
      java.util.List<QueuedTask> waiting = new java.util.ArrayList<>(tasks);
      tasks.clear();
      waiting.forEach(this::offer);
    }
  }

  boolean hasLivePoller() {
    if (outage) {
      return false;
    }
    return !polls.isEmpty()
        || (everPolled && System.nanoTime() - lastPollNanos < POLLER_RECENCY_NANOS);
  }

  void closeAll() {
    polls.forEach(p -> p.result.complete(Optional.empty()));
    polls.clear();
    tasks.clear();
  }
}
