package dev.berth.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The registries under test, started once per test JVM and stopped when it ends. With
 * {@code BERTH_CONFORMANCE_URL} set, only that registry; else the reference (Debian's
 * docker-registry) and Berth, side by side, so every check runs against both.
 */
final class Targets implements AutoCloseable {

  private final List<Target> targets;

  private Targets(List<Target> targets) {
    this.targets = targets;
  }

  static Targets start(Map<String, String> env) {
    EnvironmentTarget external = EnvironmentTarget.fromEnvironment(env);
    if (external != null) {
      return new Targets(List.of(external));
    }
    List<Target> started = new ArrayList<>();
    started.add(DistributionTarget.start());
    try {
      started.add(new BerthTarget());
    } catch (Exception | Error e) {
      started.forEach(Target::close);
      throw e instanceof RuntimeException re ? re : new IllegalStateException("could not start the Berth target", e);
    }
    return new Targets(List.copyOf(started));
  }

  List<Target> all() {
    return targets;
  }

  @Override
  public void close() {
    targets.forEach(Target::close);
  }
}
