package dev.timewarp.server;

import java.time.Duration;
import java.util.List;

/** The server did not become idle in time; the message says what was still in flight. */
public final class NotIdleException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> inFlight;

  public NotIdleException(Duration waited, List<String> inFlight) {
    super("Timewarp server still busy after " + waited.toMillis() + " ms: " + String.join("; ", inFlight));
    this.inFlight = List.copyOf(inFlight);
  }

  /** What kept the server busy, one entry per piece of work in flight. */
  public List<String> inFlight() {
    return inFlight;
  }
}
