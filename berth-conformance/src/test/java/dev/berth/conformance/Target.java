package dev.berth.conformance;

import java.net.URI;
import java.util.Optional;

/** A registry the checks run against, with the credentials and namespace to use there. */
interface Target extends AutoCloseable {

  /** Short name in reports and test names: {@code distribution}, {@code berth}, {@code env}. */
  String name();

  /** Scheme, host and port, without a path: {@code http://127.0.0.1:5000}. */
  URI baseUri();

  /** User and password for HTTP Basic; null when the registry needs none. Built-in targets share one. */
  default String user() {
    return Conformance.USER;
  }

  default String password() {
    return Conformance.PASSWORD;
  }

  /** Repositories are created below this prefix ({@code <namespace>/<check>-<random>}). */
  default String namespace() {
    return "conformance";
  }

  /**
   * True for the reference registry (CNCF distribution 2.8): checks tagged
   * {@value Conformance#BEYOND_DISTRIBUTION} are not run against it.
   */
  default boolean isReference() {
    return false;
  }

  /** The same registry software with deletion switched off, when the target can start one. */
  default Optional<Target> withDeletionDisabled() {
    return Optional.empty();
  }

  @Override
  void close();
}
