package dev.berth.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * The registries under test, started once per test JVM and stopped when it ends. With
 * {@code BERTH_CONFORMANCE_URL} set, only that registry; else the reference (Debian's
 * docker-registry) and Berth, side by side, so every check runs against both. A built-in target
 * that cannot run does not stop the other: its checks are skipped (an optional
 * peer missing) or fail (it did not start).
 */
final class Targets implements AutoCloseable {

  /** A target that is not running: skipped with {@code reason}, or failed with {@code failure}. */
  record Missing(String name, String reason, Throwable failure) {}

  private final List<Target> running;
  private final List<Missing> missing;

  private Targets(List<Target> running, List<Missing> missing) {
    this.running = List.copyOf(running);
    this.missing = List.copyOf(missing);
  }

  static Targets start(Map<String, String> env) {
    EnvironmentTarget external = EnvironmentTarget.fromEnvironment(env);
    if (external != null) {
      return new Targets(List.of(external), List.of());
    }
    List<Target> running = new ArrayList<>();
    List<Missing> missing = new ArrayList<>();
    startInto("distribution", DistributionTarget::start, running, missing);
    startInto("berth", BerthTarget::new, running, missing);
    return new Targets(running, missing);
  }

  private static void startInto(String name, Supplier<Target> starter, List<Target> running,
      List<Missing> missing) {
    try {
      running.add(starter.get());
    } catch (TestAbortedException e) {
      missing.add(new Missing(name, e.getMessage(), null));
    } catch (RuntimeException | Error e) {
      missing.add(new Missing(name, null, e));
    }
  }

  List<Target> running() {
    return running;
  }

  List<Missing> missing() {
    return missing;
  }

  @Override
  public void close() {
    running.forEach(Target::close);
  }
}
