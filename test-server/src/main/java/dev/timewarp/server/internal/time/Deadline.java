package dev.timewarp.server.internal.time;

import java.time.Instant;

/** A scheduled piece of engine work. Cancelling removes it, so time never jumps to a dead deadline. */
public final class Deadline implements Comparable<Deadline> {
  private Instant at;
  private final long rank;
  private final long sequence;
  private final String description;
  private final Runnable action;
  private final DeadlineQueue owner;
  private boolean done;

  Deadline(DeadlineQueue owner, Instant at, long rank, long sequence, String description, Runnable action) {
    this.owner = owner;
    this.at = at;
    this.rank = rank;
    this.sequence = sequence;
    this.description = description;
    this.action = action;
  }

  public Instant at() {
    return at;
  }

  public String description() {
    return description;
  }

  /** Moves the instant; only the queue may, as it re-sorts the deadline. */
  void moveTo(Instant newAt) {
    at = newAt;
  }

  public boolean isPending() {
    return !done;
  }

  /** Removes the deadline if it has not fired yet. Safe to call more than once. */
  public void cancel() {
    if (!done) {
      done = true;
      owner.remove(this);
    }
  }

  void fire() {
    if (!done) {
      done = true;
      action.run();
    }
  }

  @Override
  public int compareTo(Deadline other) {
    int byTime = at.compareTo(other.at);
    if (byTime != 0) {
      return byTime;
    }
    int byRank = Long.compare(rank, other.rank);
    return byRank != 0 ? byRank : Long.compare(sequence, other.sequence);
  }

  @Override
  public String toString() {
    return description + " at " + at;
  }
}
