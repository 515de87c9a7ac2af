package dev.timewarp.junit.internal;

import dev.timewarp.junit.ServerScope;
import dev.timewarp.junit.TimewarpTest;
import dev.timewarp.server.TimeSkipping;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.WorkflowInterface;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Everything the extension needs to set up a test, from the annotation or the builder. Immutable.
 *
 * @param scope empty when it follows from how the extension was registered (static field: per class)
 */
public record ExtensionConfig(
    List<Class<?>> workflowTypes,
    List<Class<?>> activityClasses,
    List<Object> activityInstances,
    WorkerOptions workerOptions,
    Optional<DataConverter> dataConverter,
    List<WorkerInterceptor> workerInterceptors,
    List<WorkflowClientInterceptor> clientInterceptors,
    String namespace,
    String taskQueuePrefix,
    Optional<Instant> initialTime,
    TimeSkipping timeSkipping,
    Optional<ServerScope> scope) {

  public ExtensionConfig {
    workflowTypes.forEach(ExtensionConfig::checkWorkflowType);
    activityClasses.forEach(ExtensionConfig::checkActivityClass);
  }

  public static ExtensionConfig of(TimewarpTest annotation) {
    return new ExtensionConfig(
        List.of(annotation.workflows()),
        List.of(annotation.activities()),
        List.of(),
        WorkerOptions.getDefaultInstance(),
        Optional.empty(),
        List.of(),
        List.of(),
        annotation.namespace(),
        annotation.taskQueue(),
        annotation.initialTime().isEmpty()
            ? Optional.empty()
            : Optional.of(parseInstant(annotation.initialTime(), "@TimewarpTest(initialTime = ...)")),
        annotation.timeSkipping(),
        Optional.of(annotation.server()));
  }

  /** Parses an ISO-8601 instant, or says how to write one. */
  public static Instant parseInstant(String text, String where) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new ExtensionConfigurationException(
          where + ": \"" + text + "\" is not an ISO-8601 instant; write it like 2030-01-01T00:00:00Z");
    }
  }

  private static void checkWorkflowType(Class<?> type) {
    boolean implementsWorkflow =
        !type.isInterface() && List.of(type.getInterfaces()).stream().anyMatch(i -> i.isAnnotationPresent(WorkflowInterface.class));
    if (!implementsWorkflow) {
      throw new ExtensionConfigurationException(
          type.getName() + " is not a workflow implementation: register classes that implement an"
              + " interface annotated @WorkflowInterface (the interface itself is injected as a stub)");
    }
  }

  private static void checkActivityClass(Class<?> type) {
    try {
      type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new ExtensionConfigurationException(
          "Activity class " + type.getName() + " needs a public no-argument constructor to be listed in"
              + " @TimewarpTest(activities = ...); to use an instance you build (a fake, a mock), register it with"
              + " @RegisterExtension TimewarpExtension.newBuilder().registerActivityImplementations(...)");
    }
  }

  /** The registered workflow implementation that implements {@code workflowInterface}, if any. */
  public boolean implementsWorkflow(Class<?> workflowInterface) {
    return workflowInterface.isInterface()
        && workflowInterface.isAnnotationPresent(WorkflowInterface.class)
        && workflowTypes.stream().anyMatch(workflowInterface::isAssignableFrom);
  }
}
