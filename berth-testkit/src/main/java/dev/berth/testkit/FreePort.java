package dev.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A loopback TCP port that was free a moment ago. Only for peers that cannot bind port 0 and report
 * it (such as {@code docker-registry}); Berth's own server binds port 0 instead. Callers that start
 * a process on the port retry on "address already in use", since another process may take it.
 */
public final class FreePort {

  public static int find() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("could not find a free loopback port", e);
    }
  }

  private FreePort() {}
}
