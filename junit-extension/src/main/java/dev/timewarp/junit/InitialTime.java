package dev.timewarp.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Starts the virtual clock at this instant (ISO-8601). On a test method it gives that test a fresh
 * server whose clock starts there; on a class it sets the class server's start.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface InitialTime {
  String value();
}
