package dev.timewarp.junit;

/** How widely one Timewarp server is shared. Tests never share a task queue, whatever the scope. */
public enum ServerScope {
  /** A fresh server for each test method. */
  PER_TEST,
  /** One server for a test class (and its {@code @Nested} classes). */
  PER_CLASS,
  /** One server for the whole test run, closed when JUnit finishes. */
  SUITE
}
