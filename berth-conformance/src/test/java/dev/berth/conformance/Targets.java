package dev.berth.conformance;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The registries under test, started once per test JVM and stopped when it ends. With
 * {@code BERTH_CONFORMANCE_URL} set, only that registry; else the reference (Debian's
 * docker-registry) and Berth, side by side, so every check runs against both.
 */
final class Targets implements AutoCloseable {

  static final String BERTH_TARGET_CLASS = "dev.berth.conformance.BerthTarget";

  private final List<Target> targets;
  /** Why the Berth target is not compiled in (its checks are skipped), or null. */
  private final String berthUnavailable;
  /** Why the Berth target failed to start (its checks fail), or null. */
  private final Throwable berthFailure;

  private Targets(List<Target> targets, String berthUnavailable, Throwable berthFailure) {
    this.targets = targets;
    this.berthUnavailable = berthUnavailable;
    this.berthFailure = berthFailure;
  }

  static Targets start(Map<String, String> env) {
    EnvironmentTarget external = EnvironmentTarget.fromEnvironment(env);
    if (external != null) {
      return new Targets(List.of(external), null, null);
    }
    List<Target> started = new ArrayList<>();
    started.add(DistributionTarget.start());
    String unavailable = null;
    Throwable failure = null;
    try {
      started.add(startBerth());
    } catch (ClassNotFoundException e) {
      unavailable = "the Berth target is not compiled: berth-server has no RegistryServer yet"
          + " (see the berth-target profile in berth-conformance/pom.xml)";
    } catch (RuntimeException | Error e) {
      // The reference keeps running; every Berth check fails with this cause.
      failure = e;
    }
    return new Targets(List.copyOf(started), unavailable, failure);
  }

  private static Target startBerth() throws ClassNotFoundException {
    Class<?> type = Class.forName(BERTH_TARGET_CLASS);
    try {
      return (Target) type.getDeclaredConstructor().newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("could not start the Berth server", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not create " + BERTH_TARGET_CLASS, e);
    }
  }

  List<Target> all() {
    return targets;
  }

  String berthUnavailable() {
    return berthUnavailable;
  }

  Throwable berthFailure() {
    return berthFailure;
  }

  @Override
  public void close() {
    targets.forEach(Target::close);
  }
}
