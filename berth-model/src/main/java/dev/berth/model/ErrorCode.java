package dev.berth.model;

/**
 * The registry error codes of the OCI distribution spec (and Docker's extras), each with the HTTP
 * status a server answers and the message it sends. The server maps typed errors to these; the
 * client reads them back from {@code {"errors":[{"code":...}]}} bodies.
 */
public enum ErrorCode {
  BLOB_UNKNOWN(404, "blob unknown to registry"),
  BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
  BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
  DIGEST_INVALID(400, "provided digest did not match uploaded content"),
  // 400, as distribution answers and the Docker Registry HTTP API V2 specifies: the manifest is the
  // bad input, not a missing resource at the request's URL.
  MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
  MANIFEST_INVALID(400, "manifest invalid"),
  MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
  NAME_INVALID(400, "invalid repository name"),
  NAME_UNKNOWN(404, "repository name not known to registry"),
  SIZE_INVALID(400, "provided length did not match content length"),
  TAG_INVALID(400, "manifest tag did not match URI"),
  UNAUTHORIZED(401, "authentication required"),
  DENIED(403, "requested access to the resource is denied"),
  UNSUPPORTED(405, "the operation is unsupported"),
  TOOMANYREQUESTS(429, "too many requests"),
  /** Distribution's code for a registry that cannot take the request now (overloaded). */
  UNAVAILABLE(503, "service unavailable"),
  RANGE_INVALID(416, "invalid content range"),
  PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
  MANIFEST_TOO_LARGE(413, "manifest too large"),
  UNKNOWN(500, "unknown error");

  private final int httpStatus;
  private final String message;

  ErrorCode(int httpStatus, String message) {
    this.httpStatus = httpStatus;
    this.message = message;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String message() {
    return message;
  }

  /** The code named in a registry error body, or {@link #UNKNOWN}. */
  public static ErrorCode fromCode(String code) {
    if (code != null) {
      for (ErrorCode c : values()) {
        if (c.name().equalsIgnoreCase(code)) {
          return c;
        }
      }
    }
    return UNKNOWN;
  }

  /**
   * As distribution (and so docker) prints a code: lower case, underscores as spaces, so that
   * {@code display() + ": " + message} reads {@code manifest unknown: manifest unknown}.
   */
  public String display() {
    return display(name());
  }

  /** {@link #display()} for a code as a registry sent it, known to this table or not. */
  public static String display(String code) {
    return code.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
