package dev.berth.cli.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where each client looks for the CAs it trusts for one registry ({@code HOST:PORT}), and so
 * where {@code berth trust} puts {@code ca.crt}:
 *
 * <pre>
 *                 as root (system-wide)                      as a user
 * docker          /etc/docker/certs.d/HOST:PORT/             $XDG_CONFIG_HOME/docker/certs.d/HOST:PORT/
 *                                                            (rootless docker; a root daemon and the
 *                                                            CLI's own login read only /etc)
 * podman, skopeo, /etc/containers/certs.d/HOST:PORT/         ~/.config/containers/certs.d/HOST:PORT/
 * buildah
 * berth           reads the docker and containers directories above ($BERTH_CERTS_DIRS replaces them;
 *                 then the CA goes to the first of those too)
 * </pre>
 *
 * {@code BERTH_SYSTEM_ROOT} stands for {@code /} in the system-wide paths, so tests (and image
 * builds) never write to the real {@code /etc}.
 */
public final class TrustTargets {
  public static final String SYSTEM_ROOT_ENV = "BERTH_SYSTEM_ROOT";
  /** The Berth client's list of certs.d directories, as berth-client reads it. */
  public static final String CERTS_DIRS_ENV = "BERTH_CERTS_DIRS";
  public static final String FILE_NAME = "ca.crt";

  /** One client's directory for the registry. */
  public record Target(String clients, Path dir) {
    public Path file() {
      return dir.resolve(FILE_NAME);
    }
  }

  private TrustTargets() {}

  /**
   * @param hostPort the registry as image references name it ({@code registry.example:5000})
   * @param root whether to install system-wide
   */
  public static List<Target> forRegistry(String hostPort, boolean root, Map<String, String> env, Path home) {
    List<Target> targets = new ArrayList<>();
    if (root) {
      Path sys = Path.of(nonEmpty(env.get(SYSTEM_ROOT_ENV), "/"));
      targets.add(new Target("docker", sys.resolve("etc/docker/certs.d").resolve(hostPort)));
      targets.add(new Target("podman, skopeo, buildah", sys.resolve("etc/containers/certs.d").resolve(hostPort)));
    } else {
      String xdg = env.get("XDG_CONFIG_HOME");
      Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config");
      targets.add(new Target("docker (rootless)", config.resolve("docker/certs.d").resolve(hostPort)));
      // containers-image reads $HOME/.config, whatever XDG_CONFIG_HOME says
      targets.add(new Target("podman, skopeo, buildah", home.resolve(".config/containers/certs.d").resolve(hostPort)));
    }
    String berthDirs = env.get(CERTS_DIRS_ENV);
    if (berthDirs != null && !berthDirs.isBlank()) {
      String first = berthDirs.split(":")[0];
      if (!first.isBlank()) {
        Path dir = Path.of(first).resolve(hostPort);
        if (targets.stream().noneMatch(t -> t.dir().normalize().equals(dir.normalize()))) {
          targets.add(new Target("berth ($" + CERTS_DIRS_ENV + ")", dir));
        }
      }
    }
    return targets;
  }

  /** Every place a CA for the registry may have been installed, for {@code --remove}. */
  public static List<Target> allPlaces(String hostPort, Map<String, String> env, Path home) {
    List<Target> all = new ArrayList<>(forRegistry(hostPort, true, env, home));
    for (Target t : forRegistry(hostPort, false, env, home)) {
      if (all.stream().noneMatch(a -> a.dir().equals(t.dir()))) {
        all.add(t);
      }
    }
    return all;
  }

  /** Whether this process runs as root (uid 0). */
  public static boolean runningAsRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return uid instanceof Integer i && i == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static String nonEmpty(String s, String fallback) {
    return s == null || s.isBlank() ? fallback : s;
  }
}
