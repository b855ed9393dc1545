package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.auth.store.UserStore;
import dev.berth.testkit.Exec;
import dev.berth.testkit.Htpasswd;
import dev.berth.testkit.Peers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded user store: an htpasswd file written atomically, under a lock, readable by htpasswd. */
class HtpasswdUserStoreTest {
  @TempDir Path dir;

  private static final int COST = 4; // the test is about the file, not bcrypt's cost

  @Test
  void putRemoveAndEachChangeIsANewSnapshot() {
    UserStore users = HtpasswdUserStore.of(dir.resolve("htpasswd"));
    users.put("alice", "a-pw".toCharArray(), COST, false, true);
    users.put("bob", "b-pw".toCharArray(), COST, false, false);
    UserStore.Users before = users.current();
    assertThat(before.names()).containsExactly("alice", "bob");
    assertThat(before.verify("alice", "a-pw".getBytes(StandardCharsets.UTF_8))).isTrue();

    users.put("alice", "new-pw".toCharArray(), COST, true, false);
    users.remove("bob");
    UserStore.Users after = users.current();
    assertThat(after).isNotSameAs(before);
    assertThat(after.names()).containsExactly("alice");
    assertThat(after.verify("alice", "a-pw".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(after.verify("alice", "new-pw".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThatThrownBy(() -> users.remove("bob")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bob");
    assertThatThrownBy(() -> users.put("carol", "c".toCharArray(), COST, true, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("carol");
  }

  @Test
  @Timeout(120)
  void concurrentWritersLoseNothingAndReadersNeverSeeAHalfWrittenFile() throws Exception {
    Path file = dir.resolve("htpasswd");
    UserStore users = HtpasswdUserStore.of(file);
    users.put("alice", "a-pw".toCharArray(), COST, false, true);
    AtomicBoolean writing = new AtomicBoolean(true);
    // threads of their own: the common pool may have a single thread on a 2-core machine
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
    List<String> seen = new ArrayList<>();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      while (writing.get()) {
        UserStore.Users now = users.current(); // a torn file would not parse, or would lose alice
        if (!now.contains("alice")) {
          seen.add(now.names().toString());
        }
      }
    }, threads);
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      int id = w;
      writers.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 15; i++) {
          users.put("u" + id + "-" + i, "pw".toCharArray(), COST, false, false);
        }
      }, threads));
    }
    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
    writing.set(false);
    reader.get(10, TimeUnit.SECONDS);
    threads.shutdownNow();
    assertThat(seen).isEmpty();
    assertThat(users.current().names()).hasSize(1 + 3 * 15);
  }

  @Test
  void htpasswdAndBerthEditTheSameFileInTurn() {
    Path htpasswd = Peers.require("htpasswd", "apache2-utils");
    Path file = Htpasswd.create(dir.resolve("htpasswd"), "alice", "alice-pw"); // htpasswd -B
    UserStore users = HtpasswdUserStore.of(file);
    users.put("bob", "bob-pw".toCharArray(), COST, false, false);
    // htpasswd verifies what Berth wrote, and Berth what htpasswd wrote
    Exec.Result check = Exec.command(htpasswd.toString(), "-vb", file.toString(), "bob", "bob-pw")
        .timeout(Duration.ofSeconds(30)).run();
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    assertThat(users.current().verify("alice", "alice-pw".getBytes(StandardCharsets.UTF_8))).isTrue();
  }
}
