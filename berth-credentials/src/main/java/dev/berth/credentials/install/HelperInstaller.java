package dev.berth.credentials.install;

import dev.berth.credentials.vault.AgentClient;
import dev.berth.credentials.vault.Entry;
import dev.berth.credentials.vault.HelperMain;
import dev.berth.credentials.vault.Vault;
import dev.berth.credentials.vault.LockedFile;
import dev.berth.model.io.AtomicWrite;
import dev.berth.model.io.PathLock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Puts {@code docker-credential-berth} where docker finds it:
 *
 * <pre>
 * DIR/docker-credential-berth                       a small sh launcher (0755), DIR on PATH (~/.local/bin)
 * $XDG_DATA_HOME/berth/helper/                      (~/.local/share/berth/helper)
 * ├── docker-credential-berth.jar                   the helper's classes only (dev.berth.credentials.vault, and
 * │                                                 dev.berth.model.io for the store's file lock and writes)
 * └── docker-credential-berth.aot                   a JDK 25 AOT cache trained on get through the agent
 * </pre>
 *
 * The jar is assembled from Berth's own classes, so the helper is a copy that a rebuild of
 * Berth's jars does not touch (and cannot make stale). The launcher runs the JDK Berth runs on,
 * with flags for a short-lived process: C1 only, the serial GC, no perf data file, no log output on
 * stdout (docker parses it), and the AOT cache when the JDK has one (25 and newer). A cache that no
 * longer matches the JDK is ignored by the JVM, silently.
 *
 * <p>This is the helper's own launcher and cache; Berth's main launcher ({@code ./berth}) keeps its
 * own.
 */
public final class HelperInstaller {
  public static final String PROGRAM = HelperMain.NAME;
  static final String JAR = PROGRAM + ".jar";
  static final String CACHE = PROGRAM + ".aot";
  static final String MARKER = "installed by 'berth helper install'";
  // the helper's package, and the file lock and atomic writes it shares with berth-server (berth-model's io)
  private static final List<Class<?>> PACKAGES = List.of(HelperMain.class, PathLock.class);

  private final Path binDir;
  private final Path dataDir;
  private final Path javaHome;

  /**
   * @param binDir where the launcher goes (a directory on PATH)
   * @param dataDir where the jar and cache go ({@code $XDG_DATA_HOME/berth/helper})
   * @param javaHome the JDK the helper runs on
   */
  public HelperInstaller(Path binDir, Path dataDir, Path javaHome) {
    this.binDir = binDir.toAbsolutePath().normalize();
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.javaHome = javaHome.toAbsolutePath().normalize();
  }

  /** {@code $XDG_DATA_HOME/berth/helper}, else {@code ~/.local/share/berth/helper}. */
  public static Path defaultDataDir(Map<String, String> env) {
    String xdg = env.get("XDG_DATA_HOME");
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(home, ".local", "share")).resolve("berth/helper");
  }

  /** {@code ~/.local/bin}: where user programs go (systemd's file-hierarchy, Debian's ~/.profile). */
  public static Path defaultBinDir(Map<String, String> env) {
    return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "bin");
  }

  public Path launcher() {
    return binDir.resolve(PROGRAM);
  }

  public Path jar() {
    return dataDir.resolve(JAR);
  }

  public Path cache() {
    return dataDir.resolve(CACHE);
  }

  /** Whether this JDK can use an AOT cache made with {@code -XX:AOTCacheOutput} (JDK 25 and newer). */
  public boolean supportsAotCache() {
    return javaFeature() >= 25;
  }

  /**
   * Writes the jar and the launcher (replacing an earlier Berth install, never a foreign program of
   * the same name), then trains the AOT cache when {@code withCache} and the JDK supports it.
   *
   * @return whether an AOT cache is in place
   */
  public boolean install(boolean withCache) throws IOException {
    Path launcher = launcher();
    if (Files.exists(launcher) && !Files.readString(launcher, StandardCharsets.ISO_8859_1).contains(MARKER)) {
      throw new IOException(launcher + " exists and was not installed by Berth; remove it or choose another --dir");
    }
    LockedFile.createDirectories(dataDir);
    AtomicWrite.write(jar(), helperJar(), PosixFilePermissions.fromString("rw-r--r--"));
    boolean cached = false;
    if (withCache && supportsAotCache()) {
      cached = train();
    }
    if (!cached) {
      Files.deleteIfExists(cache());
    }
    Files.createDirectories(binDir);
    AtomicWrite.write(launcher, launcherScript(cached).getBytes(StandardCharsets.UTF_8),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    return cached;
  }

  /** The launcher's text: one {@code exec} of the JDK with the helper's flags. */
  String launcherScript(boolean cached) {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin/java").toString());
    command.addAll(jvmFlags());
    if (cached) {
      command.add("-XX:AOTCache=" + cache());
    }
    command.add("-cp");
    command.add(jar().toString());
    command.add(HelperMain.class.getName());
    StringBuilder script = new StringBuilder();
    script.append("#!/bin/sh\n");
    script.append("# ").append(PROGRAM).append(": docker's credential-helper protocol over Berth's encrypted store,\n");
    script.append("# ").append(MARKER).append(" (").append(HelperMain.VERSION).append("). Run it again to update.\n");
    script.append("exec");
    for (String arg : command) {
      script.append(' ').append(shellQuote(arg));
    }
    script.append(" \"$@\"\n");
    return script.toString();
  }

  List<String> jvmFlags() {
    List<String> flags = new ArrayList<>(List.of(
        "-XX:TieredStopAtLevel=1", // a short-lived process: C1 is enough, and starts sooner
        "-XX:+UseSerialGC",
        "-XX:-UsePerfData", // no hsperfdata file per run
        "-Xshare:auto",
        // docker parses stdout: no JVM log line may ever land there (a stale CDS archive on old
        // JDKs warns on stdout); warnings go to stderr
        "-Xlog:disable", "-Xlog:all=warning:stderr"));
    if (supportsAotCache()) {
      flags.remove("-Xshare:auto"); // the AOT cache replaces it, and the JVM refuses both
      // a cache the JDK no longer matches (an in-place JDK update) is ignored: silently, not on
      // every docker command's stderr
      flags.add("-Xlog:aot*=off:stderr");
      flags.add("-Xlog:cds*=off:stderr");
    }
    return flags;
  }

  /**
   * The helper's classes, copied from wherever they were loaded (berth-client.jar or berth.jar, or
   * a module's classes directory each).
   */
  byte[] helperJar() throws IOException {
    Map<String, byte[]> classes = new TreeMap<>();
    for (Class<?> member : PACKAGES) {
      copyPackage(member, classes);
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, HelperMain.class.getName());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
      for (Map.Entry<String, byte[]> c : classes.entrySet()) {
        JarEntry entry = new JarEntry(c.getKey());
        entry.setTime(0); // the same classes give the same jar
        out.putNextEntry(entry);
        out.write(c.getValue());
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static void copyPackage(Class<?> member, Map<String, byte[]> classes) throws IOException {
    String dir = member.getPackageName().replace('.', '/') + "/";
    Path source = codeSource(member);
    if (Files.isDirectory(source)) {
      Path pkg = source.resolve(dir);
      try (Stream<Path> files = Files.walk(pkg)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          classes.put(source.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
        }
      }
    } else {
      try (JarFile jar = new JarFile(source.toFile())) {
        for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
          if (!e.isDirectory() && e.getName().startsWith(dir)) {
            try (InputStream in = jar.getInputStream(e)) {
              classes.put(e.getName(), in.readAllBytes());
            }
          }
        }
      }
    }
    if (!classes.containsKey(dir + member.getSimpleName() + ".class")) {
      throw new IOException("cannot find the helper's classes in " + source);
    }
  }

  // Runs the helper once with -XX:AOTCacheOutput against a throw-away store and its agent (made
  // here, in other processes, so that only what a get through the agent loads is recorded); the JVM
  // writes the cache when the run ends, aside, then it is renamed into place. Whether it worked.
  private boolean train() throws IOException {
    Path scratch = Files.createTempDirectory(dataDir, ".training");
    Path store = scratch.resolve("credentials");
    Path output = dataDir.resolve("." + CACHE + ".new");
    AgentClient agent = AgentClient.forStore(store);
    try {
      Vault.at(store, Vault.NO_KEY).store(new Entry(HelperMain.TRAINING_URL, "training", "not a secret"));
      AgentClient.start(store, null, 60_000);
      if (!agent.awaitRunning(30_000)) {
        return false;
      }
      Files.deleteIfExists(output);
      List<String> command = new ArrayList<>();
      command.add(javaHome.resolve("bin/java").toString());
      command.addAll(jvmFlags());
      command.add("-XX:AOTCacheOutput=" + output);
      command.add("-cp");
      command.add(jar().toString());
      command.add(HelperMain.class.getName());
      command.add(HelperMain.TRAINING);
      command.add(scratch.toString());
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(scratch.resolve("training.log").toFile());
      pb.environment().remove("JAVA_TOOL_OPTIONS");
      pb.environment().remove("JDK_JAVA_OPTIONS");
      Process p = pb.start();
      if (!p.waitFor(Duration.ofMinutes(3).toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(output)) {
        return false;
      }
      Files.move(output, cache(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while training the helper's AOT cache");
    } finally {
      agent.stop();
      Files.deleteIfExists(output);
      deleteTree(scratch);
    }
  }

  private int javaFeature() {
    Path release = javaHome.resolve("release");
    try {
      for (String line : Files.readAllLines(release, StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("JAVA_VERSION=\"")) {
          String v = line.substring("JAVA_VERSION=\"".length());
          if (v.startsWith("1.")) {
            v = v.substring(2);
          }
          int end = 0;
          while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
          }
          return Integer.parseInt(v.substring(0, end));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through: assume the running JVM
    }
    return Runtime.version().feature();
  }

  private static Path codeSource(Class<?> member) throws IOException {
    try {
      return Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IOException("cannot tell where Berth's classes are: " + e.getMessage());
    }
  }

  static String shellQuote(String s) {
    if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "/._-=:+,@".indexOf(c) >= 0)) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // a leftover scratch directory is harmless
    }
  }
}
