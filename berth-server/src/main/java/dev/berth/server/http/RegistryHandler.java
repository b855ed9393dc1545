package dev.berth.server.http;

/**
 * One registry action (GetBlob, PutManifest, ...). A handler sees an {@link Exchange}: the
 * matched route's parameters, the storage and a grant, never credentials. It either answers or
 * throws / fails; all failures go through {@link ErrorMapper}.
 */
public interface RegistryHandler {
  void handle(Exchange ex) throws Exception;
}
