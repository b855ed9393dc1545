package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.testkit.ToolPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real docker CLI and Berth share one DOCKER_CONFIG: each reads and removes what the other
 * wrote. docker logs in client-side (there is no daemon here) against a real HTTP server.
 */
class DockerLoginInteropTest {
  static final String DOCKER = findDocker();

  @TempDir Path home;
  Path dockerConfig;
  Map<String, String> env;
  BasicAuthRegistry registry;

  @BeforeEach
  void setUp() throws Exception {
    dockerConfig = home.resolve("docker-config");
    Files.createDirectories(dockerConfig);
    Files.writeString(dockerConfig.resolve("config.json"),
        "{\"auths\": {\"other.example:5000\": {\"auth\": \"b3RoZXI6c2VjcmV0\"}}, \"psFormat\": \"table {{.ID}}\"}");
    // docker alone on PATH: no credential helper it could pick by itself (it takes pass when it
    // finds docker-credential-pass), so docker uses the plain file as Berth does
    String path = ToolPath.create(home.resolve("bin"), Map.of("docker", "docker-ce-cli")).path();
    env = Map.of("HOME", home.toString(), "DOCKER_CONFIG", dockerConfig.toString(), "PATH", path);
    registry = new BasicAuthRegistry();
  }

  @AfterEach
  void tearDown() throws Exception {
    registry.close();
  }

  record Result(int exitCode, String output) {}

  Result docker(String stdin, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(DOCKER);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put("DOCKER_HOST", "unix://" + home.resolve("no-daemon.sock"));
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> config() throws Exception {
    return JSON.std.mapFrom(Files.readString(dockerConfig.resolve("config.json")));
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> auths() throws Exception {
    return new HashMap<>((Map<String, Object>) config().get("auths"));
  }

  @Test
  void dockerUsesAndRemovesWhatBerthWrote() throws Exception {
    LoginRun login = LoginRun.run(env, BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).as(login.err()).isZero();

    // docker reads Berth's entry: the manifest is served to the right credentials only
    int before = registry.authorized.get();
    Result inspect = docker("", "manifest", "inspect", "--insecure", registry.host() + "/interop/hello:v1");
    assertThat(inspect.exitCode()).as(inspect.output()).isZero();
    assertThat(inspect.output()).contains("\"schemaVersion\": 2");
    assertThat(registry.authorized.get()).isGreaterThan(before);

    Result logout = docker("", "logout", registry.host());
    assertThat(logout.exitCode()).as(logout.output()).isZero();
    assertThat(logout.output()).contains("Removing login credentials for " + registry.host());
    assertThat(auths()).containsOnlyKeys("other.example:5000");
    assertThat(config()).containsEntry("psFormat", "table {{.ID}}");
  }

  @Test
  void berthUsesAndRemovesWhatDockerWrote() throws Exception {
    Result login = docker(BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(login.exitCode()).as(login.output()).isZero();
    assertThat(auths()).containsKey(registry.host());

    LoginRun out = LoginRun.run(env, "", "logout", registry.host());
    assertThat(out.exitCode()).as(out.err()).isZero();
    assertThat(out.out()).isEqualTo("Removing login credentials for " + registry.host() + "\n");
    assertThat(auths()).containsOnlyKeys("other.example:5000");

    Result dockerSees = docker("", "logout", registry.host());
    assertThat(dockerSees.exitCode()).as(dockerSees.output()).isZero();
  }

  @Test
  void bothRefuseAWrongPasswordAndLeaveTheFileAlone() throws Exception {
    String before = Files.readString(dockerConfig.resolve("config.json"));
    Result docker = docker("wrong", "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(docker.exitCode()).as(docker.output()).isNotZero();
    assertThat(docker.output()).contains("401 Unauthorized");
    LoginRun berth = LoginRun.run(env, "wrong", "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(berth.exitCode()).isEqualTo(1);
    assertThat(berth.err()).contains("unauthorized: authentication required").contains(registry.host());
    assertThat(Files.readString(dockerConfig.resolve("config.json"))).isEqualTo(before);
  }

  @Test
  void sameBytesWhoeverWritesTheLogin() throws Exception {
    Path file = dockerConfig.resolve("config.json");
    Files.delete(file);
    Result docker = docker(BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(docker.exitCode()).as(docker.output()).isZero();
    String dockers = Files.readString(file);
    Files.delete(file);
    LoginRun berth = LoginRun.run(env, BasicAuthRegistry.PASSWORD, "login", registry.host(), "-u", "alice", "--password-stdin");
    assertThat(berth.exitCode()).as(berth.err()).isZero();
    assertThat(Files.readString(file)).isEqualTo(dockers);
    // and the same warning, word for word
    assertThat(berth.err()).startsWith("\nWARNING! Your credentials are stored unencrypted in '" + file + "'.\n");
    assertThat(docker.output()).contains(berth.err());
  }

  private static String findDocker() {
    for (String dir : List.of("/usr/local/bin", "/usr/bin", "/bin")) {
      Path candidate = Path.of(dir, "docker");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException("the docker CLI is required for interop tests (no daemon needed)");
  }
}
