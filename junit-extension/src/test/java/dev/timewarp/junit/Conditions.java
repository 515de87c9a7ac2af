package dev.timewarp.junit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition about the server's state (not about time) until it holds. */
final class Conditions {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private Conditions() {}

  static void await(BooleanSupplier condition, Supplier<String> expected) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + LIMIT.toSeconds() + " s: " + expected.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }
}
