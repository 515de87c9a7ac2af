package dev.timewarp.server;

/** How the virtual clock moves when nothing is in flight. */
public enum TimeSkipping {
  /** Time jumps to the next live deadline whenever the server is idle and no client holds a lock. */
  AUTO,
  /**
   * Like {@link #AUTO}, but the server starts with one client lock held, as SDK test launchers
   * expect ({@code <port>} without {@code --enable-time-skipping}); clients unlock while they wait.
   */
  LOCKED,
  /** Time runs at wall-clock pace; only explicit {@link TestClock#advance} calls skip. */
  MANUAL
}
