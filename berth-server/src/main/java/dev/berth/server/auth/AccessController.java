package dev.berth.server.auth;

import java.util.concurrent.CompletionStage;

/**
 * The one place where access is decided. Today {@link BasicAccessController} (htpasswd users, all
 * access once authenticated); a bearer-token controller with per-repository scopes can replace it
 * without touching a handler.
 *
 * <p>Answers come as a stage because checking a password is slow (bcrypt) and must not run on an
 * I/O thread; a cached answer is an already completed stage.
 */
public interface AccessController {
  CompletionStage<Decision> authorize(AccessRequest request);
}
