package dev.berth.conformance;

import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.jupiter.api.Tag;

/**
 * Runs every {@link Check} once per target and records the outcome per target. Targets are started
 * on first use and stopped when the test JVM's run ends; the results table is written then.
 */
final class Conformance implements TestTemplateInvocationContextProvider {

  static final String USER = "conformance";
  static final String PASSWORD = "conformance-pa55-word";
  /** Tag of checks that CNCF distribution 2.8 fails; they are not run against it. */
  static final String BEYOND_DISTRIBUTION = "beyond-distribution";

  /**
   * {@code -Dberth.conformance.reference.all=true} runs the beyond-distribution checks against the
   * reference too, to confirm it still fails them.
   */
  static final String RUN_ALL_ON_REFERENCE = "berth.conformance.reference.all";

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return true;
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    Results results = store.getOrComputeIfAbsent(Results.class, k -> Results.create(), Results.class);
    Targets targets =
        store.getOrComputeIfAbsent(Targets.class, k -> Targets.start(System.getenv()), Targets.class);
    List<TestTemplateInvocationContext> invocations = new ArrayList<>();
    for (Target target : targets.running()) {
      invocations.add(new Invocation(target.name(), target, null, null, results));
    }
    for (Targets.Missing missing : targets.missing()) {
      invocations.add(new Invocation(missing.name(), null, missing.reason(), missing.failure(), results));
    }
    return invocations.stream();
  }

  private static boolean beyondDistribution(Method method) {
    return AnnotationSupport.findRepeatableAnnotations(method, Tag.class).stream()
            .anyMatch(t -> t.value().equals(BEYOND_DISTRIBUTION))
        || AnnotationSupport.findRepeatableAnnotations(method.getDeclaringClass(), Tag.class).stream()
            .anyMatch(t -> t.value().equals(BEYOND_DISTRIBUTION));
  }

  /** One check on one target: resolves the {@link Registry}, skips what does not apply, records. */
  private record Invocation(
      String targetName, Target target, String unavailable, Throwable failure, Results results)
      implements TestTemplateInvocationContext, ParameterResolver, ExecutionCondition, TestWatcher,
          BeforeEachCallback {

    @Override
    public String getDisplayName(int invocationIndex) {
      return "[" + targetName + "]";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(this);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (unavailable != null) {
        return ConditionEvaluationResult.disabled(unavailable);
      }
      if (target == null) {
        return ConditionEvaluationResult.enabled("fails in beforeEach: the target did not start");
      }
      Optional<Method> method = context.getTestMethod();
      if (target.isReference() && method.isPresent() && beyondDistribution(method.get())
          && !Boolean.getBoolean(RUN_ALL_ON_REFERENCE)) {
        return ConditionEvaluationResult.disabled(
            "beyond distribution: CNCF distribution 2.8 does not implement this");
      }
      return ConditionEvaluationResult.enabled(targetName);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
      if (failure != null) {
        throw new AssertionError("the " + targetName + " target did not start: " + failure, failure);
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == Registry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return new Registry(target, HTTP, context.getRequiredTestMethod().getName());
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
      results.record(context, targetName, Results.Outcome.PASS, null);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      results.record(context, targetName, Results.Outcome.FAIL, cause.getMessage());
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
      results.record(context, targetName, Results.Outcome.SKIP, cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
      results.record(context, targetName, Results.Outcome.SKIP, reason.orElse(null));
    }
  }
}
