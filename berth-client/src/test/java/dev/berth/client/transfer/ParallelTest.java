package dev.berth.client.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ParallelTest {
  @Test
  @Timeout(30)
  void atMostTheConcurrencyRunAtOnceAndThatManyDo() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch fiveIn = new CountDownLatch(5);
    List<Parallel.Task> tasks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tasks.add(() -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        fiveIn.countDown();
        try {
          // the first five wait for each other: they can only all arrive if five run at once
          fiveIn.await(10, TimeUnit.SECONDS);
          Thread.sleep(20);
        } catch (InterruptedException e) {
          throw new IOException(e);
        } finally {
          running.decrementAndGet();
        }
      });
    }
    Parallel.run(5, tasks);
    assertThat(fiveIn.getCount()).isZero();
    assertThat(most.get()).isEqualTo(5);
  }

  @Test
  @Timeout(30)
  void theFirstFailureIsWhatTheCallerGetsAndStopsTheRest() {
    AtomicInteger started = new AtomicInteger();
    List<Parallel.Task> tasks = new ArrayList<>();
    tasks.add(() -> {
      throw new IOException("blob 1 failed");
    });
    for (int i = 0; i < 20; i++) {
      tasks.add(() -> {
        started.incrementAndGet();
        try {
          Thread.sleep(10_000);
        } catch (InterruptedException e) {
          throw new IOException("interrupted", e);
        }
      });
    }
    assertThatThrownBy(() -> Parallel.run(3, tasks)).hasMessage("blob 1 failed");
    assertThat(started.get()).as("the queued ones never start").isLessThanOrEqualTo(3);
  }
}
