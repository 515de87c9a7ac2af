package dev.timewarp.server.internal.workflow;

import dev.timewarp.server.internal.engine.Engine;
import dev.timewarp.server.internal.time.ProtoTime;
import dev.timewarp.server.internal.time.TimeDomain;
import io.temporal.api.common.v1.TimeSkippingConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One workflow execution's own time (the real server's per-workflow time skipping, configured by
 * TimeSkippingConfig): shared by every run of the chain. While skipping is on and the execution
 * has no work in flight, its time jumps to its next timer (or its fast-forward target).
 */
final class ExecutionClock {
  final TimeDomain domain;
  private boolean enabled;
  private boolean disablePropagation;
  private Optional<Instant> fastForwardTo = Optional.empty();

  private ExecutionClock(TimeDomain domain) {
    this.domain = domain;
  }

  /** A clock at the server's time (plus what the starting execution had skipped), configured as asked. */
  static ExecutionClock start(Engine engine, Duration initiallySkipped, boolean inherited, TimeSkippingConfig config) {
    ExecutionClock clock = new ExecutionClock(new TimeDomain(engine::now, engine.deadlines(), initiallySkipped));
    clock.enabled = inherited;
    clock.configure(config);
    return clock;
  }

  /** Applies a TimeSkippingConfig (on start or UpdateWorkflowExecutionOptions). */
  void configure(TimeSkippingConfig config) {
    if (config.equals(TimeSkippingConfig.getDefaultInstance())) {
      return;
    }
    enabled = config.getEnabled();
    disablePropagation = config.getDisablePropagation();
    fastForwardTo = config.hasFastForward() && !ProtoTime.duration(config.getFastForward()).isZero()
        ? Optional.of(domain.now().plus(ProtoTime.capped(config.getFastForward())))
        : Optional.empty();
  }

  boolean isSkipping() {
    return enabled || fastForwardTo.isPresent();
  }

  /** Whether executions this one starts (children) skip time too. */
  boolean propagates() {
    return isSkipping() && !disablePropagation;
  }

  TimeSkippingConfig config() {
    TimeSkippingConfig.Builder config = TimeSkippingConfig.newBuilder().setEnabled(enabled).setDisablePropagation(disablePropagation);
    fastForwardTo.ifPresent(at -> config.setFastForward(ProtoTime.duration(Duration.between(domain.now(), at))));
    return config.build();
  }

  /** Where an idle execution's time may jump to now, if anywhere. */
  record Skip(Instant target, boolean endsFastForward) {}

  Optional<Skip> nextSkip() {
    if (!isSkipping()) {
      return Optional.empty();
    }
    Instant now = domain.now();
    Optional<Instant> next = domain.nextDeadline().filter(at -> at.isAfter(now));
    if (fastForwardTo.isPresent() && (next.isEmpty() || !next.get().isBefore(fastForwardTo.get()))) {
      return Optional.of(new Skip(fastForwardTo.get(), true));
    }
    return next.map(at -> new Skip(at, false));
  }

  /** Jumps to the target; a finished fast-forward turns skipping off, as the real server does. */
  void skipTo(Skip skip) {
    domain.skip(Duration.between(domain.now(), skip.target()));
    if (skip.endsFastForward()) {
      fastForwardTo = Optional.empty();
      enabled = false;
    }
  }
}
