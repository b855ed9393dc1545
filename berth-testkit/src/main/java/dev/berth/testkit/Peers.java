package dev.berth.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the peer programs tests drive (docker-registry, htpasswd, skopeo, ...). A missing peer fails
 * the test with the package to install: CI installs every peer, so a silent skip would hide a
 * broken CI. Set {@code BERTH_PEERS_OPTIONAL=true} (environment or system property) on a machine
 * without the peers to skip those tests instead.
 */
public final class Peers {

  /** The switch that turns a missing peer from a failure into a skipped test. */
  public static final String OPTIONAL_SWITCH = "BERTH_PEERS_OPTIONAL";

  /**
   * The absolute path of {@code program}; a missing program fails (or, when peers are optional,
   * aborts) the calling test, naming the Debian package that provides it.
   */
  public static Path require(String program, String debianPackage) {
    Optional<Path> found = find(program);
    if (found.isPresent()) {
      return found.get();
    }
    String message = program + " is not installed (install it with: apt-get install " + debianPackage
        + "; or set " + OPTIONAL_SWITCH + "=true to skip the tests that need it)";
    if (optional()) {
      Assumptions.abort(message);
    }
    throw new PeerMissingError(message);
  }

  /** Looks {@code program} up on PATH (an absolute path is taken as it is). */
  public static Optional<Path> find(String program) {
    if (program.contains("/")) {
      Path path = Path.of(program);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    String pathVariable = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : pathVariable.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** True when {@code BERTH_PEERS_OPTIONAL=true} is set as a system property or in the environment. */
  public static boolean optional() {
    String value = System.getProperty(OPTIONAL_SWITCH, System.getenv(OPTIONAL_SWITCH));
    return value != null && value.trim().toLowerCase(Locale.ROOT).equals("true");
  }

  /** A required peer program is missing; the message says which package provides it. */
  public static final class PeerMissingError extends AssertionError {
    PeerMissingError(String message) {
      super(message);
    }
  }

  private Peers() {}
}
