package dev.berth.client.registry;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoreException;
import dev.berth.client.store.StoredBlob;
import dev.berth.model.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Optional;

/** The registry calls push and pull need, for one repository, through one {@link RegistryTransport}. */
public final class RegistryClient {
  private final RegistryTransport transport;
  private final RegistryEndpoint endpoint;
  private final String path;

  /**
   * @param path the repository inside the registry ({@code library/ubuntu})
   * @param push whether to ask for push access too (scope {@code repository:<path>:pull,push})
   */
  public RegistryClient(HttpClient http, RegistryEndpoint endpoint, String path, Authenticator authenticator, boolean push) {
    this(http, endpoint, path, authenticator, push, TransportOptions.defaults());
  }

  public RegistryClient(HttpClient http, RegistryEndpoint endpoint, String path, Authenticator authenticator, boolean push,
      TransportOptions options) {
    this.endpoint = endpoint;
    this.path = path;
    this.transport = new RegistryTransport(http, endpoint, authenticator,
        "repository:" + path + ":" + (push ? "pull,push" : "pull"), options);
  }

  /** {@code host/path}, as errors and progress name it. */
  public String repository() {
    return endpoint.host() + "/" + path;
  }

  private URI v2(String rest) {
    return endpoint.v2(path + "/" + rest);
  }

  /** The blob's size when the repository has it. */
  public Optional<Long> checkBlob(Digest digest) throws IOException {
    return transport.call(new CheckBlob(v2("blobs/" + digest), repository(), digest));
  }

  /** POST, PATCH (streamed from the file), PUT ?digest=. */
  public void pushBlob(Digest digest, Path file, long size) throws IOException {
    URI location = transport.call(new StartUpload(v2("blobs/uploads/"), repository(), digest));
    location = transport.call(new WriteUpload(location, repository(), digest, file, size));
    transport.call(new CommitUpload(location, repository(), digest));
  }

  public Digest putManifest(String reference, String mediaType, byte[] content) throws IOException {
    return transport.call(new PutManifest(v2("manifests/" + reference), repository(), reference, mediaType, content));
  }

  /** A manifest by tag or digest, at most 4 MiB. */
  public PulledManifest getManifest(String reference) throws IOException {
    return getManifest(reference, -1);
  }

  /** A manifest an index names: not one byte more than the {@code size} it declares. */
  public PulledManifest getManifest(String reference, long size) throws IOException {
    return transport.call(new GetManifest(v2("manifests/" + reference), repository(), reference, size));
  }

  /** Every tag of the repository, following the registry's pages ({@code Link: <…>; rel="next"}). */
  public java.util.List<String> listTags() throws IOException {
    java.util.List<String> tags = new java.util.ArrayList<>();
    URI next = v2("tags/list?n=1000");
    for (int page = 0; next != null && page < 1000; page++) {
      NamePage p = transport.call(new ListTags(next, repository()));
      tags.addAll(p.names());
      next = p.next();
    }
    return tags;
  }

  /**
   * Streams a blob into the store, verifying digest and size as it is written; a body longer than
   * {@code size} (when not negative) fails at the first byte too many.
   */
  public StoredBlob pullBlob(Digest digest, long size, ImageStore store) throws IOException {
    GetBlob<StoredBlob> call = new GetBlob<>(v2("blobs/" + digest), repository(), digest, size, body -> {
      try {
        return store.putBlob(body, digest, size);
      } catch (StoreException e) {
        throw new StoreException("Tried to pull blob " + digest + " from " + repository() + " but failed because: " + e.getMessage());
      }
    });
    return transport.call(call);
  }
}
