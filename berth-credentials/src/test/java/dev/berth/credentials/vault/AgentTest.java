package dev.berth.credentials.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent as a real process: what it serves, when it leaves, and that clients never depend on it. */
class AgentTest {
  @TempDir Path dir;
  Path store;
  AgentClient client;

  record Run(int exitCode, String out) {}

  Run helper(Map<String, String> env, String stdin, String action) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = HelperMain.run(new String[] {action}, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, env);
    return new Run(code, out.toString(StandardCharsets.UTF_8));
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("BERTH_CREDENTIALS_DIR", store.toString());
    env.put("BERTH_AGENT_IDLE", "20");
    return env;
  }

  void startAgent(byte[] key, long idleMillis) throws Exception {
    AgentClient.start(store, key, idleMillis);
    assertThat(client.awaitRunning(20_000)).as("agent started").isTrue();
  }

  @AfterEach
  void stopAgent() {
    if (client != null) {
      client.stop();
    }
  }

  void setUp() {
    store = dir.resolve("credentials");
    client = AgentClient.forStore(store);
  }

  @Test
  void anUnlockedAgentServesAPassphraseStoreAndLockingEndsIt() throws Exception {
    setUp();
    Vault vault = Vault.at(store, Vault.NO_KEY);
    vault.store(new Entry("h:1", "alice", "s3cret"));
    vault.setPassphrase("pass phrase".toCharArray());
    assertThat(helper(env(), "h:1", "get"))
        .isEqualTo(new Run(1, "the credential store " + vault.storeFile() + " is locked; run 'berth credentials unlock'\n"));

    startAgent(vault.unlock("pass phrase".toCharArray()), 60_000);
    assertThat(helper(env(), "h:1", "get")).isEqualTo(new Run(0, "{\"ServerURL\":\"h:1\",\"Username\":\"alice\",\"Secret\":\"s3cret\"}\n"));
    // docker login through the helper: the key comes from the agent
    assertThat(helper(env(), "{\"ServerURL\":\"h:2\",\"Username\":\"bob\",\"Secret\":\"two\"}", "store").exitCode()).isZero();
    assertThat(helper(env(), "", "list")).isEqualTo(new Run(0, "{\"h:1\":\"alice\",\"h:2\":\"bob\"}\n"));
    assertThat(helper(env(), "h:9", "get")).isEqualTo(new Run(1, HelperMain.NOT_FOUND + "\n"));

    assertThat(client.stop()).isTrue();
    assertThat(client.running()).isFalse();
    assertThat(helper(env(), "h:2", "get").out()).endsWith("is locked; run 'berth credentials unlock'\n");
  }

  @Test
  void theHelperStartsAnAgentThatSeesOtherWritersAndLeavesWhenIdle() throws Exception {
    setUp();
    Vault vault = Vault.at(store, Vault.NO_KEY);
    vault.store(new Entry("h:1", "alice", "one"));
    Map<String, String> env = env();
    env.put("BERTH_AGENT_IDLE", "3");
    assertThat(helper(env, "h:1", "get").exitCode()).isZero();
    assertThat(client.awaitRunning(20_000)).as("the helper started an agent").isTrue();

    vault.store(new Entry("h:1", "alice", "changed by another process"));
    assertThat(helper(env, "h:1", "get").out()).contains("changed by another process");
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (client.running() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(client.running()).as("idle agent exited").isFalse();
    assertThat(store.resolve("agent/pid")).doesNotExist();
  }

  @Test
  void aWedgedAgentCostsAClientSecondsNotItsAnswer() throws Exception {
    setUp();
    Vault vault = Vault.at(store, Vault.NO_KEY);
    vault.store(new Entry("h:1", "alice", "one"));
    startAgent(null, 60_000);
    long pid = client.agentPid();
    signal("STOP", pid);
    try {
      long start = System.nanoTime();
      Run get = helper(env(), "h:1", "get");
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(get).isEqualTo(new Run(0, "{\"ServerURL\":\"h:1\",\"Username\":\"alice\",\"Secret\":\"one\"}\n"));
      assertThat(took).isBetween(AgentClient.TIMEOUT_MILLIS - 100, AgentClient.TIMEOUT_MILLIS + 5000);
    } finally {
      signal("CONT", pid);
    }
  }

  @Test
  void oneAgentPerStore() throws Exception {
    setUp();
    Vault.at(store, Vault.NO_KEY).store(new Entry("h:1", "alice", "one"));
    startAgent(null, 60_000);
    long first = client.agentPid();
    Process second = AgentClient.start(store, null, 60_000);
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(client.agentPid()).isEqualTo(first);
    assertThat(client.request("get", "h:1").status()).isEqualTo("ok");
  }

  private static void signal(String signal, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
  }
}
