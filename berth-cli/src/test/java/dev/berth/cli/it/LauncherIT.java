package dev.berth.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testkit.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./berth} launcher, run from a copy of the checkout that holds only what it needs
 * (itself, scripts/find-jdk.sh, the built jars): the start-up cache is recorded once, used, and
 * recorded again for a new jar; a damaged cache changes nothing a script can see; the registry's
 * commands run on the whole jar, the others on the client jar; {@code install --user} puts berth
 * on PATH; messages name berth as it was run.
 */
class LauncherIT {
  @TempDir Path dir;
  Path root;
  Path home;

  @BeforeEach
  void copyCheckout() throws Exception {
    root = dir.resolve("checkout");
    home = dir.resolve("home");
    Files.createDirectories(root.resolve("scripts"));
    Files.createDirectories(root.resolve("berth-cli/target"));
    Files.createDirectories(home);
    Path checkout = Path.of("..").toAbsolutePath().normalize();
    Files.copy(checkout.resolve("berth"), root.resolve("berth"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(checkout.resolve("scripts/find-jdk.sh"), root.resolve("scripts/find-jdk.sh"));
    Files.copy(BerthCli.JAR, root.resolve("berth-cli/target/berth.jar"));
    Files.copy(BerthCli.JAR.resolveSibling("berth-client.jar"), root.resolve("berth-cli/target/berth-client.jar"));
  }

  /** Tests that are not about the start-up cache run without it: recording one takes seconds. */
  boolean cache;

  private Map<String, String> env(String path) {
    Map<String, String> env = new HashMap<>();
    if (!cache) {
      env.put("BERTH_NO_AOT", "1");
    }
    env.put("PATH", path);
    env.put("HOME", home.toString());
    env.put("DOCKER_CONFIG", home.resolve(".docker").toString());
    env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
    return env;
  }

  private Exec.Result run(String... args) {
    List<String> command = new ArrayList<>(List.of(root.resolve("berth").toString()));
    command.addAll(List.of(args));
    return Exec.command(command).env(env(System.getenv("PATH"))).timeout(Duration.ofSeconds(180)).run();
  }

  private int jdkFeature() {
    return Integer.parseInt(Exec.command("bash", "-c", ". scripts/find-jdk.sh && berth_find_jdk && echo $BERTH_JAVA_FEATURE")
        .directory(root).run().requireSuccess().stdout().strip());
  }

  private List<Path> caches() throws Exception {
    try (var files = Files.list(root.resolve("berth-cli/target"))) {
      return files.filter(p -> p.getFileName().toString().matches("berth-.*\\.(aot|jsa)")).toList();
    }
  }

  private static final String EMPTY_TABLE = "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n";

  /**
   * Recorded once, then used; a damaged (or foreign) cache changes nothing a script sees; a new
   * jar gets a new cache. One test, so the cache is recorded twice, not once per case.
   */
  @Test
  void startUpCacheIsRecordedOnceIgnoredWhenDamagedAndRecordedAgainForANewJar() throws Exception {
    cache = true;
    int feature = jdkFeature();
    Exec.Result first = run("images");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stdout()).isEqualTo(EMPTY_TABLE);
    if (feature < 25) {
      return; // the CDS archive of JDK 21-24 is the JVM's own business
    }
    assertThat(first.stderr()).isEqualTo("berth: recording the start-up cache for this build (once, a few seconds)...\n");
    assertThat(caches()).hasSize(1);
    // the recording's registry (a berth serve it starts) is gone with it, and so is its home
    assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
        .filter(c -> c.contains("berth-aot-training")).toList()).isEmpty();
    Path cache = caches().getFirst();
    FileTime recorded = Files.getLastModifiedTime(cache);

    Exec.Result second = run("images");
    assertThat(second.stdout()).isEqualTo(EMPTY_TABLE);
    assertThat(second.stderr()).isEmpty();
    assertThat(Files.getLastModifiedTime(cache)).isEqualTo(recorded);

    byte[] good = Files.readAllBytes(cache);
    Files.write(cache, new byte[4096]); // not a cache at all, and newer than the jar
    Exec.Result damaged = run("images", "--format", "{{json .}}");
    assertThat(damaged.exitCode()).as(damaged.stderr()).isZero();
    assertThat(damaged.stdout()).isEmpty();
    assertThat(damaged.stderr()).isEmpty();
    Exec.Result version = run("version", "--format", "{{.Client.Version}}");
    assertThat(version.stdout()).matches("\\d+\\.\\d+\\.\\d+\\S*\n");
    assertThat(version.stderr()).isEmpty();
    Files.write(cache, good);

    // new jars (a rebuild writes both): recorded again, and the output is the same
    for (String jar : List.of("berth.jar", "berth-client.jar")) {
      Files.setLastModifiedTime(root.resolve("berth-cli/target/" + jar), FileTime.from(Instant.now().plusSeconds(5)));
    }
    Exec.Result rebuilt = run("images");
    assertThat(rebuilt.stdout()).isEqualTo(EMPTY_TABLE);
    assertThat(rebuilt.stderr()).startsWith("berth: recording the start-up cache");
    assertThat(Files.readAllBytes(cache)).isNotEqualTo(good);
  }

  @Test
  void serveStillRunsWithItsOwnOptions() throws Exception {
    // the launcher execs java: the JVM's command line shows what serve was given
    Path storage = dir.resolve("storage");
    Process serve = new ProcessBuilder(root.resolve("berth").toString(), "serve", "--listen", "127.0.0.1:0",
        "--storage", storage.toString()).redirectErrorStream(true).start();
    try {
      String line;
      var out = new java.io.BufferedReader(new java.io.InputStreamReader(serve.getInputStream()));
      do {
        line = out.readLine();
      } while (line != null && !line.contains("listening on"));
      assertThat(line).contains("berth registry listening on http://127.0.0.1:");
      String args = serve.info().arguments().map(List::of).orElse(List.of()).toString();
      assertThat(args).contains("-XX:+UseSerialGC", "-Xms32m", "-XX:MaxNewSize=64m", "berth.jar")
          .doesNotContain("AOTCache", "TieredStopAtLevel", "berth-client.jar");
    } finally {
      serve.destroy();
      serve.waitFor();
    }
  }

  /**
   * berth-client.jar lacks the registry's libraries: the registry's commands run on berth.jar (a
   * user added with bcrypt, a token listed from SQLite), and help describes them from the client jar.
   */
  @Test
  void registryCommandsRunOnTheWholeJarAndHelpForThemOnTheClientJar() throws Exception {
    Path storage = dir.resolve("storage");
    Exec.Result add = Exec.command(root.resolve("berth").toString(), "user", "add", "alice", "--password-stdin",
            "--cost", "4", "--storage", storage.toString())
        .env(env(System.getenv("PATH"))).stdin("secret-1\n").timeout(Duration.ofSeconds(120)).run();
    assertThat(add.exitCode()).as(add.stderr()).isZero();
    assertThat(storage.resolve("htpasswd")).content().startsWith("alice:$2");
    Exec.Result tokens = run("token", "list", "--storage", storage.toString());
    assertThat(tokens.exitCode()).as(tokens.stderr()).isZero();
    assertThat(tokens.stderr()).isEmpty(); // -jar: the manifest grants SQLite native access, without the JDK's warning
    for (String command : List.of("serve", "gc", "user", "token", "trust")) {
      Exec.Result help = run("help", command);
      assertThat(help.exitCode()).as(help.stderr()).isZero();
      assertThat(help.stdout()).startsWith("Usage:  " + root.resolve("berth") + " " + command);
      assertThat(help.stderr()).isEmpty();
    }
    Exec.Result all = run("--help");
    assertThat(all.exitCode()).as(all.stderr()).isZero();
    assertThat(all.stdout()).contains("Registry Commands:", "serve", "trust");

    // started by hand on the client jar, a registry command says what to do, in one line
    Exec.Result byHand = Exec.command(BerthCli.JAVA.toString(), "-cp", root.resolve("berth-cli/target/berth-client.jar")
        .toString(), "dev.berth.cli.Main", "user", "list", "--storage", storage.toString())
        .env(env(System.getenv("PATH"))).timeout(Duration.ofSeconds(120)).run();
    assertThat(byHand.exitCode()).as(byHand.stderr()).isEqualTo(70);
    assertThat(byHand.stderr()).startsWith("Error: this command needs berth.jar").hasLineCount(1);
  }

  @Test
  void installLinksBerthIntoLocalBinAndSaysWhenItIsNotOnPath() throws Exception {
    Exec.Result r = run("install", "--user");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Path link = home.resolve(".local/bin/berth");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(root.resolve("berth").toAbsolutePath());
    assertThat(r.stdout()).startsWith("Linked " + link + " -> " + root.resolve("berth") + "\n")
        .contains("Bash completion: " + home.resolve(".local/share/bash-completion/completions/berth"))
        .contains("NOTE: " + home.resolve(".local/bin") + " is not on your PATH");
    assertThat(home.resolve(".local/share/bash-completion/completions/berth")).content().contains("berth");

    // on PATH, it is "berth": every message names it so
    String path = home.resolve(".local/bin") + ":" + System.getenv("PATH");
    // bash finds it on PATH, as a shell does (a JVM would look on its own PATH)
    Exec.Result viaPath = Exec.command("bash", "-c", "berth frobnicate").env(env(path)).timeout(Duration.ofSeconds(120)).run();
    assertThat(viaPath.exitCode()).isEqualTo(1);
    assertThat(viaPath.stderr()).endsWith("berth: unknown command: berth frobnicate\n\nRun 'berth --help' for more information\n");
    Exec.Result again = Exec.command("bash", "-c", "berth install --user").env(env(path)).timeout(Duration.ofSeconds(120)).run();
    assertThat(again.stdout()).contains("Run 'berth' from anywhere now.").doesNotContain("NOTE");

    // run by its path, it is that path
    Exec.Result byPath = run("frobnicate");
    assertThat(byPath.stderr()).endsWith(root.resolve("berth") + ": unknown command: " + root.resolve("berth")
        + " frobnicate\n\nRun '" + root.resolve("berth") + " --help' for more information\n");
  }

  @Test
  void completionScriptsForBashAndZsh() {
    Exec.Result bash = run("completion", "bash");
    assertThat(bash.exitCode()).isZero();
    assertThat(bash.stdout()).contains("complete -F _complete_berth", "images", "--all-tags", "manifest");
    Exec.Result check = Exec.command("bash", "-c", "source /dev/stdin && complete -p berth").stdin(bash.stdout()).run();
    assertThat(check.stdout()).contains("_complete_berth");
    assertThat(run("completion", "zsh").stdout()).contains("bashcompinit");
  }
}
