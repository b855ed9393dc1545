package dev.berth.client.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where per-registry TLS material lives, as docker and the containers tools keep it: one
 * directory per registry ({@code host:port} exactly as image references name it) under
 *
 * <ol>
 *   <li>{@code /etc/docker/certs.d} (docker),
 *   <li>{@code /etc/containers/certs.d} (podman, skopeo, buildah),
 *   <li>{@code $XDG_CONFIG_HOME/docker/certs.d} (rootless docker; {@code ~/.config} by default),
 *   <li>{@code ~/.config/containers/certs.d} (podman, skopeo, buildah, per user),
 * </ol>
 *
 * the places {@code berth trust} installs a registry's CA. In a registry's directory, {@code *.crt}
 * files are CA certificates trusted for it (besides the system's), and a {@code NAME.cert} with
 * its {@code NAME.key} is a client certificate (mutual TLS). {@code BERTH_CERTS_DIRS} (directories
 * separated by {@code :}) replaces the list, and {@code BERTH_SYSTEM_ROOT} stands for {@code /} in
 * the {@code /etc} ones, so tests and image builds never need to write to the real {@code /etc}.
 */
public record CertsDirectories(List<Path> bases) {
  public static final String ENV = "BERTH_CERTS_DIRS";
  public static final String SYSTEM_ROOT = "BERTH_SYSTEM_ROOT";

  public CertsDirectories {
    bases = List.copyOf(bases);
  }

  /** The list from the environment: {@code BERTH_CERTS_DIRS}, else the three above ({@code HOME} for the last). */
  public static CertsDirectories fromEnv(Map<String, String> env) {
    String override = env.get(ENV);
    if (override != null && !override.isBlank()) {
      List<Path> dirs = new ArrayList<>();
      for (String d : override.split(":")) {
        if (!d.isBlank()) {
          dirs.add(Path.of(d));
        }
      }
      return new CertsDirectories(dirs);
    }
    String home = env.get("HOME");
    Path h = Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    String xdg = env.get("XDG_CONFIG_HOME");
    String root = env.get(SYSTEM_ROOT);
    Path sys = Path.of(root != null && !root.isBlank() ? root : "/");
    return new CertsDirectories(List.of(sys.resolve("etc/docker/certs.d"), sys.resolve("etc/containers/certs.d"),
        (xdg != null && !xdg.isBlank() ? Path.of(xdg) : h.resolve(".config")).resolve("docker/certs.d"),
        h.resolve(".config/containers/certs.d")));
  }

  /** The existing directories for {@code hostPort}, in lookup order. */
  public List<Path> forHost(String hostPort) {
    List<Path> found = new ArrayList<>();
    if (hostPort.contains("/") || hostPort.contains("..")) {
      return found; // never a path outside the bases
    }
    for (Path base : bases) {
      Path dir = base.resolve(hostPort);
      if (Files.isDirectory(dir)) {
        found.add(dir);
      }
    }
    return found;
  }

  /** Where the user should put a CA certificate for {@code hostPort}: the first base's directory. */
  public Path suggestion(String hostPort) {
    return bases.isEmpty() ? Path.of("/etc/docker/certs.d", hostPort) : bases.getFirst().resolve(hostPort);
  }
}
