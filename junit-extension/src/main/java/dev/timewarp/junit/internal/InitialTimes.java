package dev.timewarp.junit.internal;

import dev.timewarp.junit.InitialTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** Reads {@link InitialTime} from test methods and classes (enclosing classes too, for @Nested). */
final class InitialTimes {
  private InitialTimes() {}

  static Optional<Instant> forMethod(ExtensionContext context) {
    return context.getTestMethod()
        .flatMap(method -> AnnotationSupport.findAnnotation(method, InitialTime.class))
        .map(a -> ExtensionConfig.parseInstant(a.value(), "@InitialTime on " + context.getDisplayName()));
  }

  static Optional<Instant> forClass(ExtensionContext context) {
    for (Class<?> type = context.getTestClass().orElse(null); type != null; type = type.getEnclosingClass()) {
      Optional<InitialTime> found = AnnotationSupport.findAnnotation(type, InitialTime.class);
      if (found.isPresent()) {
        return Optional.of(ExtensionConfig.parseInstant(found.get().value(), "@InitialTime on " + type.getSimpleName()));
      }
    }
    return Optional.empty();
  }
}
