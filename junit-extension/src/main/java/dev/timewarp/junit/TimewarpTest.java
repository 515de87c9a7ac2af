package dev.timewarp.junit;

import dev.timewarp.server.TimeSkipping;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated class against a Timewarp server (one per class by default) and gives every
 * test its own task queue, worker and workflow-id prefix. Inject {@code WorkflowClient},
 * {@code WorkflowOptions}, typed workflow stubs, {@code TestClock} and more into constructors,
 * lifecycle methods and tests.
 *
 * <pre>{@code
 * @TimewarpTest(workflows = OrderWorkflowImpl.class, activities = PaymentActivitiesImpl.class)
 * class OrderWorkflowTest {
 *   @Test
 *   void chargesOnce(OrderWorkflow order, TestClock clock) {
 *     assertThat(order.process("o-1")).isEqualTo("charged");
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(TimewarpExtension.class)
public @interface TimewarpTest {
  /** Workflow implementation classes every test's worker registers. */
  Class<?>[] workflows() default {};

  /** Activity implementation classes, created per test through their no-argument constructor. */
  Class<?>[] activities() default {};

  /** Prefix of each test's own task queue (a unique suffix is always added). */
  String taskQueue() default "timewarp";

  /** Namespace the tests run in. */
  String namespace() default "default";

  /** Start of the virtual clock, ISO-8601 (e.g. {@code 2030-01-01T00:00:00Z}); empty: now. */
  String initialTime() default "";

  /** How the clock moves. */
  TimeSkipping timeSkipping() default TimeSkipping.AUTO;

  /** Which tests share a server. */
  ServerScope server() default ServerScope.PER_CLASS;
}
