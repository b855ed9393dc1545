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
      send(request, codeFor(e.reason()), codeFor(e.reason()).httpStatus(), e.getMessage(), e.detail(), Map.of());
    } else if (failure instanceof HttpError e) {
      send(request, e.code(), e.status(), e.getMessage(), e.detail(), e.headers());
    } else {
      log.println("error: " + request.method() + " " + request.path() + " failed: " + failure);
      failure.printStackTrace(log);
      send(request, ErrorCode.UNKNOWN, 500, ErrorCode.UNKNOWN.message(), null, Map.of());
    }
  }

  /**
   * Sends an error body. When the request's body has not been read (an upload refused up front),
   * the connection is closed after the answer instead of reading megabytes only to drop them.
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
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code.name());
    error.put("message", message == null ? code.message() : message);
    if (detail != null) {
      error.put("detail", detail);
    }
    String body;
    try {
      body = JSON.std.asString(Map.of("errors", List.of(error)));
    } catch (IOException e) {
      body = "{\"errors\":[{\"code\":\"" + code.name() + "\"}]}";
    }
    response.putHeader("Content-Type", "application/json");
    boolean unreadBody = !request.isEnded() && announcesBody(request);
    if (unreadBody) {
      response.putHeader("Connection", "close");
    }
    response.end(body).onComplete(ar -> {
      if (unreadBody) {
        request.connection().close();
      }
    });
  }
}
