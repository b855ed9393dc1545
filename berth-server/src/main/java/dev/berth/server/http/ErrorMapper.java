package dev.berth.server.http;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.model.ErrorCode;
import dev.berth.server.storage.StorageException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where failures become HTTP: a typed storage error maps to an {@link ErrorCode},
 * which carries the status; the body is the distribution spec's
 * {@code {"errors":[{"code":...,"message":...,"detail":...}]}}. Anything unexpected is a 500 whose
 * details go to the server log, not to the client.
 */
public final class ErrorMapper {
  private final PrintStream log;

  public ErrorMapper(PrintStream log) {
    this.log = log;
  }

  static ErrorCode codeFor(StorageException.Reason reason) {
    return switch (reason) {
      case NAME_INVALID -> ErrorCode.NAME_INVALID;
      case TAG_INVALID -> ErrorCode.TAG_INVALID;
      case DIGEST_INVALID, DIGEST_MISMATCH -> ErrorCode.DIGEST_INVALID;
      case SIZE_INVALID -> ErrorCode.SIZE_INVALID;
      case BLOB_UNKNOWN -> ErrorCode.BLOB_UNKNOWN;
      case UPLOAD_UNKNOWN -> ErrorCode.BLOB_UPLOAD_UNKNOWN;
      case UPLOAD_INVALID -> ErrorCode.BLOB_UPLOAD_INVALID;
      case RANGE_INVALID -> ErrorCode.RANGE_INVALID;
      case MANIFEST_UNKNOWN -> ErrorCode.MANIFEST_UNKNOWN;
      case MANIFEST_INVALID -> ErrorCode.MANIFEST_INVALID;
      case MANIFEST_TOO_LARGE -> ErrorCode.MANIFEST_TOO_LARGE;
      case MANIFEST_BLOB_UNKNOWN -> ErrorCode.MANIFEST_BLOB_UNKNOWN;
      case REPOSITORY_UNKNOWN -> ErrorCode.NAME_UNKNOWN;
      case TOO_MANY_UPLOADS -> ErrorCode.TOOMANYREQUESTS;
    };
  }

  private static boolean announcesBody(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    return length != null ? !length.trim().equals("0") : request.getHeader("Transfer-Encoding") != null;
  }

  /** Answers a failure of any kind. */
  public void send(HttpServerRequest request, Throwable failure) {
    if (request.response().closed() || request.response().ended()) {
      return; // the client went away (an aborted upload): nobody to answer, nothing to report
    }
    if (failure instanceof StorageException e) {
      // Sessions free up as pushes complete, so a minute is a fair first wait.
      Map<String, String> headers = e.reason() == StorageException.Reason.TOO_MANY_UPLOADS
          ? Map.of("Retry-After", "60") : Map.of();
      send(request, codeFor(e.reason()), codeFor(e.reason()).httpStatus(), e.getMessage(), e.detail(), headers);
    } else if (failure instanceof HttpError e) {
      send(request, e.code(), e.status(), e.getMessage(), e.detail(), e.headers());
    } else if (failure instanceof BodyRate.TooSlow e) {
      // Waiting for the rest of a trickle is exactly what must not happen: answer and close.
      sendAndClose(request, e.code, 408, e.getMessage(), Map.of());
    } else {
      log.println("error: " + request.method() + " " + request.path() + " failed: " + failure);
      failure.printStackTrace(log);
      send(request, ErrorCode.UNKNOWN, 500, ErrorCode.UNKNOWN.message(), null, Map.of());
    }
  }

  /**
   * Sends an error and closes the connection after it, reading nothing more of the request: for
   * clients the server will not wait for (too slow, or past the connection limit).
   */
  public void sendAndClose(HttpServerRequest request, ErrorCode code, int status, String message,
      Map<String, String> headers) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      request.connection().close();
      return;
    }
    response.setStatusCode(status);
    headers.forEach(response::putHeader);
    response.putHeader("Content-Type", "application/json");
    answer(request, body(code, message, null), true);
  }

  private static String body(ErrorCode code, String message, Object detail) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code.name());
    error.put("message", message == null ? code.message() : message);
    if (detail != null) {
      error.put("detail", detail);
    }
    try {
      return JSON.std.asString(Map.of("errors", List.of(error)));
    } catch (IOException e) {
      return "{\"errors\":[{\"code\":\"" + code.name() + "\"}]}";
    }
  }

  /** Bodies up to this size are read and dropped before an error, so the client sees the answer. */
  static final long DRAIN_LIMIT = 8L * 1024 * 1024;

  /**
   * Sends an error body. When the request's body has not been read (a request refused up front),
   * a client already sending it (no {@code Expect: 100-continue}) would find the connection closed
   * under its feet and never read the answer; so a body of up to {@link #DRAIN_LIMIT} is read and
   * dropped first. Beyond that the connection is closed after the answer instead of reading
   * megabytes only to drop them.
   */
  public void send(HttpServerRequest request, ErrorCode code, int status, String message, Object detail,
      Map<String, String> headers) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      request.connection().close(); // nothing sensible left to say mid-body
      return;
    }
    response.setStatusCode(status);
    headers.forEach(response::putHeader);
    String body = body(code, message, detail);
    response.putHeader("Content-Type", "application/json");
    boolean unreadBody = !request.isEnded() && announcesBody(request);
    if (unreadBody && drainable(request)) {
      String answer = body;
      long[] dropped = {0};
      request.handler(buffer -> {
        dropped[0] += buffer.length();
        if (dropped[0] > DRAIN_LIMIT) {
          answer(request, answer, true); // longer than it said, or chunked and long: stop reading
        }
      });
      request.exceptionHandler(e -> request.connection().close());
      request.endHandler(v -> answer(request, answer, false));
      request.resume();
      return;
    }
    answer(request, body, unreadBody);
  }

  private static void answer(HttpServerRequest request, String body, boolean thenClose) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (thenClose) {
      response.putHeader("Connection", "close");
    }
    response.end(body).onComplete(ar -> {
      if (thenClose) {
        request.connection().close();
      }
    });
  }

  /** A body the client is already sending and that is small enough to read and drop. */
  private static boolean drainable(HttpServerRequest request) {
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      return false; // it waits for our go, which it will not get
    }
    String length = request.getHeader("Content-Length");
    if (length == null) {
      return true; // chunked: read until DRAIN_LIMIT at most
    }
    try {
      return Long.parseLong(length.trim()) <= DRAIN_LIMIT;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
