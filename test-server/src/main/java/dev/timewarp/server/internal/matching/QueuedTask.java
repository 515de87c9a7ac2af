package dev.timewarp.server.internal.matching;

import java.util.Optional;

/**
 * A task waiting on a task queue. Starting it happens under the engine lock at the moment a
 * poller takes it; a task that became stale (closed workflow, finished activity) answers empty
 * and is dropped silently, as the real matching service drops it.
 */
public interface QueuedTask {
  Optional<Object> tryStart(Poller poller);
}
