package dev.timewarp.server.internal.time;

import java.time.Instant;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Live deadlines in firing order: by instant, then by creation order. Not thread-safe: the engine
 * only touches it under its lock.
 */
public final class DeadlineQueue {
  private final PriorityQueue<Deadline> queue = new PriorityQueue<>();
  private long nextSequence;

  public Deadline schedule(Instant at, String description, Runnable action) {
    Deadline deadline = new Deadline(this, at, nextSequence++, description, action);
    queue.add(deadline);
    return deadline;
  }

  public Optional<Deadline> peek() {
    return Optional.ofNullable(queue.peek());
  }

  /** Fires the earliest deadline if it is due at {@code now}; returns whether one fired. */
  public boolean fireNextDue(Instant now) {
    Deadline head = queue.peek();
    if (head == null || head.at().isAfter(now)) {
      return false;
    }
    queue.poll();
    head.fire();
    return true;
  }

  public int size() {
    return queue.size();
  }

  void remove(Deadline deadline) {
    queue.remove(deadline);
  }
}
