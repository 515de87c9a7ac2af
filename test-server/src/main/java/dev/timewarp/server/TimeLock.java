package dev.timewarp.server;

/** A held time-skipping lock: while any is held, time runs at wall-clock pace. */
public interface TimeLock extends AutoCloseable {
  /** Releases the lock; calling it again does nothing. */
  @Override
  void close();
}
