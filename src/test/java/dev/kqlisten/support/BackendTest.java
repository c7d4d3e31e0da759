package dev.kqlisten.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test run once per {@link TestBackend#all() backend} of this JVM, named after it; the method
 * takes the {@link TestBackend} as its parameter and calls {@link TestBackend#assumeAvailable()}
 * (directly or through {@link TestApplication}) before it uses it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "{0}")
@MethodSource("dev.kqlisten.support.TestBackend#all")
public @interface BackendTest {

}
