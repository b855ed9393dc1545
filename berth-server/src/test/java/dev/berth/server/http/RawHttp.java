package dev.berth.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 by hand over a socket, for what a well-behaved client would never do. */
final class RawHttp {
  private RawHttp() {}

  record Response(int status, Map<String, String> headers, String body) {}

  static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(30_000);
    return s;
  }

  static Response exchange(Socket s, String head, byte[] body) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    if (body != null) {
      out.write(body);
    }
    out.flush();
    return read(s.getInputStream());
  }

  /** One response with a Content-Length body (all this server sends). */
  static Response read(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    Map<String, String> headers = new LinkedHashMap<>();
    int status = -1;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in the response head");
      }
      if (c == '\n') {
        String l = line.toString().strip();
        line.setLength(0);
        if (l.isEmpty()) {
          break;
        }
        if (status < 0) {
          status = Integer.parseInt(l.split(" ")[1]);
        } else {
          int colon = l.indexOf(':');
          headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
      } else {
        line.append((char) c);
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /**
   * Everything the server sends until it closes the connection; throws if it is still open
   * after {@code timeoutMillis}.
   */
  static String untilClosed(Socket s, int timeoutMillis) throws IOException {
    s.setSoTimeout(timeoutMillis);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = s.getInputStream().read(buf)) >= 0) {
        all.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("connection still open after " + timeoutMillis + " ms; received: "
          + all.toString(StandardCharsets.UTF_8));
    } catch (java.net.SocketException e) {
      // reset after the server closed: what came before is all there is
    }
    return all.toString(StandardCharsets.UTF_8);
  }
}
