package dev.berth.server.observe;

/**
 * What the access log and the metrics learn about one request as it passes through the server:
 * filled in by the router (the route), the access decision (the user) and the handlers. Confined
 * to the request's event loop.
 */
public final class RequestRecord {
  final String id;
  final long startNanos;
  final long startMillis;
  final String method;
  final String path;
  final String remote;
  String route = "Unknown";
  String repository;
  String user;
  int status;
  long bytesIn;
  long bytesOut;
  long durationNanos;
  boolean upload;

  public RequestRecord(String id, String method, String path, String remote) {
    this.id = id;
    this.method = method;
    this.path = path;
    this.remote = remote;
    this.startNanos = System.nanoTime();
    this.startMillis = System.currentTimeMillis();
  }

  public String id() {
    return id;
  }

  /** The action ({@code GetBlob}, {@code PutManifest}, {@code Token}, {@code Healthz}, …). */
  public RequestRecord route(String name) {
    this.route = name;
    return this;
  }

  public String route() {
    return route;
  }

  public RequestRecord repository(String name) {
    this.repository = name;
    return this;
  }

  /** The authenticated user (or, for a login, the name given). */
  public RequestRecord user(String name) {
    this.user = name;
    return this;
  }

  public String user() {
    return user;
  }

  /** Marks a request that streams an upload body (counted in uploads in flight). */
  public RequestRecord upload() {
    this.upload = true;
    return this;
  }

  public boolean isUpload() {
    return upload;
  }

  public int status() {
    return status;
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  public long durationNanos() {
    return durationNanos;
  }

  /** Called once, when the response ended (or the connection closed before it did: status 499). */
  public void finish(int status, long bytesIn, long bytesOut) {
    this.status = status;
    this.bytesIn = bytesIn;
    this.bytesOut = bytesOut;
    this.durationNanos = System.nanoTime() - startNanos;
  }
}
