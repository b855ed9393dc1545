package dev.berth.server.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Whether and how {@code berth serve} speaks TLS.
 *
 * @param mode off, certificate files, or a private CA of its own ({@link AutoTls})
 * @param certificate PEM certificate, with its chain (FILES)
 * @param key PEM private key (FILES)
 * @param clientCas PEM files of the CAs whose client certificates are required (mutual TLS); empty:
 *     no client certificate asked for
 * @param hostnames more names the automatic certificate covers (the listen address and the host
 *     name always are)
 * @param engine which TLS implementation; AUTO takes OpenSSL (BoringSSL) when its native library
 *     loads, else the JDK's
 */
public record TlsSettings(Mode mode, Path certificate, Path key, List<Path> clientCas, List<String> hostnames,
    Engine engine) {
  public enum Mode { OFF, FILES, AUTO }

  public enum Engine { AUTO, OPENSSL, JDK }

  public static final TlsSettings OFF = new TlsSettings(Mode.OFF, null, null, List.of(), List.of(), Engine.AUTO);

  public TlsSettings {
    Objects.requireNonNull(mode, "mode");
    hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
    clientCas = clientCas == null ? List.of() : List.copyOf(clientCas);
    engine = engine == null ? Engine.AUTO : engine;
    if (mode == Mode.FILES && (certificate == null || key == null)) {
      throw new IllegalArgumentException("TLS from files needs both a certificate and a key");
    }
  }

  public static TlsSettings auto(List<String> hostnames) {
    return new TlsSettings(Mode.AUTO, null, null, List.of(), hostnames, Engine.AUTO);
  }

  public static TlsSettings files(Path certificate, Path key) {
    return new TlsSettings(Mode.FILES, certificate, key, List.of(), List.of(), Engine.AUTO);
  }

  public boolean enabled() {
    return mode != Mode.OFF;
  }

  public TlsSettings withClientCas(List<Path> bundles) {
    return new TlsSettings(mode, certificate, key, bundles, hostnames, engine);
  }

  public TlsSettings withEngine(Engine e) {
    return new TlsSettings(mode, certificate, key, clientCas, hostnames, e);
  }
}
