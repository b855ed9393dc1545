package dev.berth.conformance;

import dev.berth.testkit.DistributionRegistry;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.TempDirs;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** Debian's docker-registry (CNCF distribution 2.8): the reference every Berth check is held to. */
final class DistributionTarget implements Target {

  private final Path dir;
  private final DistributionRegistry registry;
  private final boolean deleteEnabled;

  private DistributionTarget(Path dir, boolean deleteEnabled) {
    this.dir = dir;
    this.deleteEnabled = deleteEnabled;
    try {
      Path users = Htpasswd.create(dir.resolve("htpasswd"), Conformance.USER, Conformance.PASSWORD);
      this.registry = DistributionRegistry.builder().htpasswd(users).deleteEnabled(deleteEnabled)
          .workDir(dir.resolve("registry")).start();
    } catch (RuntimeException | Error e) {
      TempDirs.deleteRecursively(dir);
      throw e;
    }
  }

  static DistributionTarget start() {
    return new DistributionTarget(TempDirs.create("berth-conformance-distribution-"), true);
  }

  @Override
  public String name() {
    return deleteEnabled ? "distribution" : "distribution-no-delete";
  }

  @Override
  public URI baseUri() {
    return registry.baseUri();
  }

  @Override
  public boolean isReference() {
    return true;
  }

  @Override
  public Optional<Target> withDeletionDisabled() {
    return Optional.of(new DistributionTarget(TempDirs.create("berth-conformance-distribution-"), false));
  }

  @Override
  public void close() {
    registry.close();
    TempDirs.deleteRecursively(dir);
  }
}
