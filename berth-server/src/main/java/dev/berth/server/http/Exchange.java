package dev.berth.server.http;

import dev.berth.model.Digest;
import dev.berth.model.ErrorCode;
import dev.berth.server.auth.Decision;
import dev.berth.server.observe.AuditEvent;
import dev.berth.server.observe.AuditLog;
import dev.berth.server.storage.RegistryStorage;
import dev.berth.server.storage.StorageException;
import dev.berth.server.storage.UploadWriter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;

/**
 * One request as a handler sees it: route parameters (already validated names), storage, the
 * access grant, and the few I/O helpers handlers share (blocking work off the event loop, body
 * streaming with back-pressure, error answers).
 */
public final class Exchange {
  private final HttpServerRequest request;
  private final Matcher match;
  private final Decision.Grant grant;
  private final RegistryStorage storage;
  private final Vertx vertx;
  private final ErrorMapper errors;
  private final Executor uploadWorkers;
  private final BodyRate bodyRate;
  private final RegistryRequestHandler.Uploads uploads;
  private final AuditLog audit;

  Exchange(HttpServerRequest request, Matcher match, Decision.Grant grant, RegistryStorage storage,
      Vertx vertx, ErrorMapper errors, Executor uploadWorkers, BodyRate bodyRate, RegistryRequestHandler.Uploads uploads,
      AuditLog audit) {
    this.uploads = uploads;
    this.audit = audit;
    this.uploadWorkers = uploadWorkers;
    this.bodyRate = bodyRate;
    this.request = request;
    this.match = match;
    this.grant = grant;
    this.storage = storage;
    this.vertx = vertx;
    this.errors = errors;
  }

  public HttpServerRequest request() {
    return request;
  }

  public HttpServerResponse response() {
    return request.response();
  }

  public boolean isHead() {
    return request.method() == io.vertx.core.http.HttpMethod.HEAD;
  }

  public Decision.Grant grant() {
    return grant;
  }

  /** The client's address. */
  public String client() {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }

  /** Records a security event (a push or delete of a tag) in the audit log. */
  public void audit(AuditEvent event) {
    audit.record(event);
  }

  public RegistryStorage storage() {
    return storage;
  }

  /** The repository named in the path (validated by the dispatcher). */
  public String repository() {
    return match.group("name");
  }

  public String param(String group) {
    return match.group(group);
  }

  /** The {@code <digest>} path parameter, or DIGEST_INVALID. */
  public Digest digestParam() {
    return parseDigest(param("digest"));
  }

  public static Digest parseDigest(String text) {
    if (!Digest.isValid(text)) {
      throw new StorageException(StorageException.Reason.DIGEST_INVALID, "invalid digest: " + text);
    }
    return Digest.parse(text);
  }

  /**
   * Sends {@code length} bytes of {@code file} from {@code offset} as the response body: zero-copy
   * {@code sendfile} in clear text; over TLS, where bytes must pass through the encryption, in
   * 256 KiB reads (Vert.x's own fallback reads 8 KiB at a time, which measured at a third of the
   * throughput), with back-pressure, so memory stays bounded whatever the size.
   */
  public Future<Void> sendFile(java.nio.file.Path file, long offset, long length) {
    HttpServerResponse response = response();
    if (!request.isSSL()) {
      return response.sendFile(file.toString(), offset, length);
    }
    response.putHeader("Content-Length", Long.toString(length));
    io.vertx.core.file.OpenOptions read = new io.vertx.core.file.OpenOptions().setRead(true).setWrite(false)
        .setCreate(false);
    return vertx.fileSystem().open(file.toString(), read).compose(f -> {
      f.setReadPos(offset).setReadLength(length).setReadBufferSize(TLS_READ);
      return f.pipeTo(response);
    });
  }

  static final int TLS_READ = 256 * 1024;

  /** Runs blocking storage work (fsync, directory walks) on a worker thread. */
  public <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** Runs {@code action} on this request's event loop after {@code millis}. */
  public void later(long millis, Runnable action) {
    vertx.setTimer(millis, id -> action.run());
  }

  public void fail(Throwable failure) {
    errors.send(request, failure);
  }

  /** Ends with a status and no body. */
  public void empty(int status) {
    response().setStatusCode(status).putHeader("Content-Length", "0").end();
  }

  /**
   * Tells the client to send its body ({@code 100 Continue}, when it asked) and starts reading.
   * Called only once a request is known to be acceptable, so a refused push never transfers.
   */
  private void acceptBody() {
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      response().writeContinue();
    }
    request.resume();
  }

  /**
   * Streams the request body into an upload: hashed and written on a worker thread as it arrives,
   * with back-pressure, so nothing accumulates (see {@link UploadPipe}). The writer is always
   * closed. Completes with the number of bytes written.
   */
  public Future<Long> streamBody(UploadWriter writer) {
    uploads.started();
    Future<Long> done = new UploadPipe(request, writer, uploadWorkers, vertx.getOrCreateContext(), bodyRate)
        .start(this::acceptBody);
    return done.onComplete(ar -> uploads.ended());
  }

  /** Reads a small body (a manifest) whole; more than {@code limit} bytes → MANIFEST_TOO_LARGE. */
  public Future<byte[]> readBody(int limit) {
    Promise<byte[]> done = Promise.promise();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BodyRate.Watch watch = bodyRate.watch(vertx, () -> false, () -> done.tryFail(
        bodyRate.failure(ErrorCode.MANIFEST_INVALID, "the manifest")));
    done.future().onComplete(ar -> watch.stop());
    request.handler(buffer -> {
      if (done.future().isComplete()) {
        return;
      }
      watch.received(buffer.length());
      if (out.size() + buffer.length() > limit) {
        done.tryFail(new StorageException(StorageException.Reason.MANIFEST_TOO_LARGE,
            "manifest exceeds the limit of " + limit + " bytes"));
        return;
      }
      appendTo(out, buffer);
    });
    request.exceptionHandler(done::tryFail);
    request.endHandler(v -> done.tryComplete(out.toByteArray()));
    acceptBody();
    return done.future();
  }

  private static void appendTo(ByteArrayOutputStream out, Buffer buffer) {
    out.writeBytes(buffer.getBytes());
  }

  /** Whether the request announces a body (a final chunk on PUT, data on POST). */
  public boolean hasBody() {
    String length = request.getHeader("Content-Length");
    if (length != null) {
      return !length.trim().equals("0");
    }
    return request.getHeader("Transfer-Encoding") != null;
  }

  /** Content-Length as a number, or -1 when absent; SIZE_INVALID when malformed. */
  public long contentLength() {
    String length = request.getHeader("Content-Length");
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw new HttpError(ErrorCode.SIZE_INVALID, "invalid Content-Length: " + length);
    }
  }

  public String uploadLocation(String uuid) {
    return "/v2/" + repository() + "/blobs/uploads/" + uuid;
  }

  /** {@code Range} of an upload that holds {@code size} bytes: inclusive, {@code 0-0} when empty. */
  public static String uploadRange(long size) {
    return "0-" + Math.max(0, size - 1);
  }
}
