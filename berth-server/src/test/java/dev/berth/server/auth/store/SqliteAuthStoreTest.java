package dev.berth.server.auth.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.auth.TokenSecrets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded auth store as several processes use it (a server, {@code berth token}, later
 * replicas): writers on one file lose nothing, a revocation is seen by the others, and a process
 * killed in the middle of writing leaves every write it had finished and a sound database.
 */
class SqliteAuthStoreTest {
  @TempDir Path dir;

  static StoredToken token(String subject, int i) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new StoredToken(TokenSecrets.newId(), StoredToken.Kind.REFRESH, subject, "n" + i, List.of(), null,
        TokenSecrets.hash(TokenSecrets.newSecret("berth_rt_") + i), now, now.plusSeconds(3600), null, null);
  }

  @Test
  @Timeout(60)
  void twoStoresOnOneFileLoseNothingAndSeeEachOthersRevocations() throws Exception {
    Path file = dir.resolve("state.db");
    try (SqliteAuthStore a = SqliteAuthStore.open(file); SqliteAuthStore b = SqliteAuthStore.open(file)) {
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (SqliteAuthStore s : List.of(a, b)) {
        String subject = s == a ? "alice" : "bob";
        writers.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < 100; i++) {
            s.add(token(subject, i));
          }
        }));
      }
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
      assertThat(a.list(null)).hasSize(200);
      assertThat(b.list("alice")).hasSize(100);

      long before = b.generation();
      assertThat(a.revokeSubject("alice", Instant.now())).isEqualTo(100);
      assertThat(b.generation()).as("the other store sees that something changed").isGreaterThan(before);
      assertThat(b.list("alice")).allMatch(t -> t.revokedAt() != null);
      assertThat(b.list("bob")).allMatch(t -> t.revokedAt() == null);
    }
  }

  /** Adds tokens until killed, printing the id of each once {@code add} has returned. */
  public static void main(String[] args) {
    try (SqliteAuthStore store = SqliteAuthStore.open(Path.of(args[0]))) {
      for (int i = 0; ; i++) {
        StoredToken t = token("crash", i);
        store.add(t);
        System.out.println(t.id());
        System.out.flush();
      }
    }
  }

  @Test
  @Timeout(120)
  void aProcessKilledWhileWritingLeavesEveryFinishedWrite() throws Exception {
    Path file = dir.resolve("state.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SqliteAuthStoreTest.class.getName(), file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> acknowledged = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged.size() < 200 && (line = out.readLine()) != null) {
        acknowledged.add(line);
      }
      writer.destroyForcibly(); // SIGKILL, mid-write as likely as not
      writer.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(acknowledged).hasSize(200);
    try (SqliteAuthStore store = SqliteAuthStore.open(file)) {
      for (String id : acknowledged) {
        assertThat(store.findById(id)).as(id).isPresent();
      }
      store.add(token("after", 0)); // and it takes writes again
      assertThat(store.list("after")).hasSize(1);
    }
  }
}
