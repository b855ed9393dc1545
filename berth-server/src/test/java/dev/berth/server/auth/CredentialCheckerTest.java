package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.auth.store.SqliteAuthStore;
import dev.berth.testkit.Htpasswd;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The password checks' queue is bounded: a flood is told to come back, and cached logins never wait. */
class CredentialCheckerTest {
  @TempDir Path dir;

  @Test
  @Timeout(60)
  void aFullBcryptQueueAnswersBusyAtOnceWhileCachedLoginsGoOn() throws Exception {
    UsersFile users = UsersFile.read(Htpasswd.create(dir.resolve("htpasswd"), "alice", "alice-pw"));
    // one bcrypt thread, two places in its queue (the server: two threads, 64 places)
    ThreadPoolExecutor bcrypt = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(2),
        new ThreadPoolExecutor.AbortPolicy());
    ExecutorService storeWork = Executors.newSingleThreadExecutor();
    try (SqliteAuthStore store = SqliteAuthStore.open(dir.resolve("state.db"))) {
      CredentialChecker checker = new CredentialChecker(() -> users, store, bcrypt, storeWork, new LoginThrottle(),
          Clock.systemUTC());
      assertThat(checker.check("alice", "alice-pw", "10.0.0.1").toCompletableFuture().get())
          .isInstanceOf(CredentialChecker.Result.Ok.class); // now cached

      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch busy = new CountDownLatch(1);
      bcrypt.execute(() -> {
        busy.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue(); // the thread is taken, the queue empty
      // guesses from many addresses (no throttle applies yet): two wait in the queue, the rest are refused
      List<CredentialChecker.Result> immediate = new ArrayList<>();
      List<java.util.concurrent.CompletableFuture<CredentialChecker.Result>> queued = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        var f = checker.check("alice", "guess " + i, "10.0.1." + i).toCompletableFuture();
        if (f.isDone()) {
          immediate.add(f.get());
        } else {
          queued.add(f);
        }
      }
      assertThat(queued).hasSize(2);
      assertThat(immediate).hasSize(4).allMatch(r -> r instanceof CredentialChecker.Result.Busy);
      // the cached password does not queue behind them
      var cached = checker.check("alice", "alice-pw", "10.0.0.1").toCompletableFuture();
      assertThat(cached.isDone()).isTrue();
      assertThat(cached.get()).isInstanceOf(CredentialChecker.Result.Ok.class);

      release.countDown();
      for (var f : queued) {
        assertThat(f.get()).isInstanceOf(CredentialChecker.Result.Refused.class);
      }
    } finally {
      bcrypt.shutdownNow();
      storeWork.shutdownNow();
    }
  }
}
