package dev.timewarp.server;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to run a {@link TimewarpServer}. Immutable; the CLI parses its arguments into this same
 * type. Defaults: in-process only, time skipping {@link TimeSkipping#AUTO}, clock starting at the
 * current wall time.
 */
public final class ServerOptions {
  /** Loopback: a test server is never exposed to the network unless asked. */
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

  private final OptionalInt port;
  private final String bindAddress;
  private final TimeSkipping timeSkipping;
  private final Optional<Instant> initialTime;

  private ServerOptions(Builder builder) {
    this.port = builder.port;
    this.bindAddress = builder.bindAddress;
    this.timeSkipping = builder.timeSkipping;
    this.initialTime = builder.initialTime;
  }

  public static ServerOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.port = port;
    builder.bindAddress = bindAddress;
    builder.timeSkipping = timeSkipping;
    builder.initialTime = initialTime;
    return builder;
  }

  /** The TCP port to serve on (0 picks a free one); empty means in-process only. */
  public OptionalInt port() {
    return port;
  }

  public String bindAddress() {
    return bindAddress;
  }

  public TimeSkipping timeSkipping() {
    return timeSkipping;
  }

  /** A fixed start for the virtual clock, for reproducible timestamps. */
  public Optional<Instant> initialTime() {
    return initialTime;
  }

  @Override
  public String toString() {
    return "ServerOptions{port="
        + (port.isPresent() ? Integer.toString(port.getAsInt()) : "in-process")
        + ", bind="
        + bindAddress
        + ", timeSkipping="
        + timeSkipping
        + ", initialTime="
        + initialTime.map(Instant::toString).orElse("now")
        + "}";
  }

  /** Builds {@link ServerOptions}. */
  public static final class Builder {
    private OptionalInt port = OptionalInt.empty();
    private String bindAddress = DEFAULT_BIND_ADDRESS;
    private TimeSkipping timeSkipping = TimeSkipping.AUTO;
    private Optional<Instant> initialTime = Optional.empty();

    private Builder() {}

    /** Serve on this TCP port too (0 for any free port). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
      }
      this.port = OptionalInt.of(port);
      return this;
    }

    public Builder inProcessOnly() {
      this.port = OptionalInt.empty();
      return this;
    }

    public Builder bindAddress(String bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    public Builder timeSkipping(TimeSkipping timeSkipping) {
      this.timeSkipping = Objects.requireNonNull(timeSkipping, "timeSkipping");
      return this;
    }

    public Builder initialTime(Instant initialTime) {
      this.initialTime = Optional.of(initialTime);
      return this;
    }

    public ServerOptions build() {
      return new ServerOptions(this);
    }
  }
}
