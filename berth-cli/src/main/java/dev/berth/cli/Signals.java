package dev.berth.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code berth serve}'s signals: TERM and INT stop gracefully (a second one stops at once), HUP
 * reloads. Installed while the server runs and restored after, so a server run inside another
 * program (the tests) leaves that program's signals as they were. Where the JVM does not let us
 * handle a signal (started with {@code -Xrs}), it keeps its default.
 */
final class Signals implements AutoCloseable {
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private Signals() {}

  /**
   * @param stop called on the signal thread with the signal's name ("TERM", "INT")
   * @param reload called on the signal thread for HUP
   */
  static Signals install(java.util.function.Consumer<String> stop, Runnable reload) {
    Signals s = new Signals();
    s.handle("TERM", sig -> stop.accept("TERM"));
    s.handle("INT", sig -> stop.accept("INT"));
    s.handle("HUP", sig -> reload.run());
    return s;
  }

  private void handle(String name, SignalHandler handler) {
    try {
      Signal signal = new Signal(name);
      previous.add(Signal.handle(signal, handler));
      signals.add(signal);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // not available here: the JVM's default stays
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      try {
        Signal.handle(signals.get(i), previous.get(i));
      } catch (IllegalArgumentException e) {
        // nothing to restore
      }
    }
  }
}
