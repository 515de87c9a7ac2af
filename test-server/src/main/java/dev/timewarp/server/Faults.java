package dev.timewarp.server;

/**
 * Simulated losses the real server cannot see: crashed workers and lost tasks. Their timeouts then
 * arrive by time skipping, in milliseconds, instead of in wall time.
 */
public interface Faults {
  /**
   * Declares the worker with this identity gone: what it had started (activity attempts, workflow
   * tasks) stops counting as in flight, and its late answers get NOT_FOUND.
   */
  void declareWorkerGone(String workerIdentity);

  /**
   * Loses the next delivery of an activity of this type: the attempt starts on the server but the
   * task never reaches a worker, so its start-to-close or heartbeat timeout decides what happens.
   */
  void dropNextActivityDelivery(String activityType);

  /** Cuts off every poller of this task queue (namespace {@code default}) until the outage is closed. */
  Outage stopPollers(String taskQueue);

  /** Cuts off every poller of this task queue until the outage is closed. */
  Outage stopPollers(String namespace, String taskQueue);

  /** A worker outage on a task queue; closing it lets pollers receive tasks again. */
  interface Outage extends AutoCloseable {
    @Override
    void close();
  }
}
