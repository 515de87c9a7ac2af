package dev.timewarp.junit.internal;

/** Whether a test holds its server's time while its thread works. */
public enum TimeHolding {
  /** Time is held at wall pace while the test thread works and skips while it waits on the server. */
  HOLD_WHILE_TEST_WORKS,
  /** Time skips whenever the server is idle (the server is shared with concurrent tests, or in manual mode). */
  NEVER
}
