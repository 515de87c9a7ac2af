package dev.timewarp.server.internal.time;

import java.time.Instant;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Live deadlines in firing order: by instant, then by rank (how the real server orders timers due
 * together), then by creation order. Not thread-safe: the engine only touches it under its lock.
 */
public final class DeadlineQueue {
  private final PriorityQueue<Deadline> queue = new PriorityQueue<>();
  private long nextSequence;

  public Deadline schedule(Instant at, String description, Runnable action) {
    return schedule(at, 0, description, action);
  }

  /** A deadline that, when due at the same instant as others, fires in order of {@code rank}. */
  public Deadline schedule(Instant at, long rank, String description, Runnable action) {
    Deadline deadline = new Deadline(this, at, rank, nextSequence++, description, action);
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

  /** Brings a pending deadline forward by {@code by} (its time domain skipped ahead). */
  public void shiftEarlier(Deadline deadline, java.time.Duration by) {
    if (deadline.isPending() && queue.remove(deadline)) {
      deadline.moveTo(deadline.at().minus(by));
      queue.add(deadline);
    }
  }

  public int size() {
    return queue.size();
  }

  void remove(Deadline deadline) {
    queue.remove(deadline);
  }
}
