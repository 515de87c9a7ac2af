package dev.timewarp.junit.internal;

import java.util.Optional;

/**
 * A real Temporal service to run the same tests against, named by the system property
 * {@code timewarp.target} (or {@code TIMEWARP_TARGET}) as {@code host:port}, with the namespace in
 * {@code timewarp.namespace} (or {@code TIMEWARP_NAMESPACE}).
 */
public record ClusterTarget(String target, Optional<String> namespace) {
  public static Optional<ClusterTarget> fromEnvironment() {
    return setting("timewarp.target", "TIMEWARP_TARGET")
        .map(target -> new ClusterTarget(target, setting("timewarp.namespace", "TIMEWARP_NAMESPACE")));
  }

  private static Optional<String> setting(String property, String variable) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(variable);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
