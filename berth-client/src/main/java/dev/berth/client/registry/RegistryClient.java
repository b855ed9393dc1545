package dev.berth.client.registry;

import dev.berth.client.RegistryEndpoint;
import dev.berth.client.auth.Authenticator;
import dev.berth.client.http.BlobBody;
import dev.berth.client.http.BrokenConnectionException;
import dev.berth.client.image.Descriptor;
import dev.berth.client.store.BlobWriter;
import dev.berth.client.store.DigestMismatchException;
import dev.berth.client.store.ImageStore;
import dev.berth.client.store.StoreException;
import dev.berth.client.store.StoredBlob;
import dev.berth.model.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The registry calls push, pull and copy need, for one repository, through one
 * {@link RegistryTransport}. Safe to use from several threads at once (one blob per thread).
 *
 * <p>Blob transfers survive broken connections: an upload asks the registry where it stands
 * ({@code GET <Location>}) and sends the rest from there; a download asks for the rest with
 * {@code Range}, and its hash goes on where it stopped. Both follow the transport's
 * {@link RetryPolicy}: the same number of attempts and waits as any other call.
 */
public final class RegistryClient {
  /** The most tag-list pages followed: a registry whose Links never end cannot hold us. */
  private static final int MAX_TAG_PAGES = 10_000;

  private final RegistryTransport transport;
  private final RegistryEndpoint endpoint;
  private final String path;
  private final Map<String, RegistryTransport> mountTransports = new ConcurrentHashMap<>();

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

  /** The repository's path inside its registry. */
  public String path() {
    return path;
  }

  public RegistryEndpoint endpoint() {
    return endpoint;
  }

  /** Where waits before retried calls are announced (blob transfers announce theirs to their {@link BlobProgress}). */
  public void onRetry(RegistryTransport.RetryNotice notice) {
    transport.onRetry(notice);
  }

  private URI v2(String rest) {
    return endpoint.v2(path + "/" + rest);
  }

  /** The blob's size when the repository has it. */
  public Optional<Long> checkBlob(Digest digest) throws IOException {
    return transport.call(new CheckBlob(v2("blobs/" + digest), repository(), digest));
  }

  /** How a blob got into the repository. */
  public enum Pushed { UPLOADED, MOUNTED }

  /** POST, PATCH (streamed from the file), PUT ?digest=. */
  public void pushBlob(Digest digest, Path file, long size) throws IOException {
    pushBlob(digest, file, size, null, BlobProgress.NONE);
  }

  /**
   * Uploads a blob from a file, resuming after broken connections.
   *
   * <pre>
   * POST /v2/&lt;name&gt;/blobs/uploads/[?mount=&lt;digest&gt;&amp;from=&lt;mountFrom&gt;]   201: mounted, done
   * PATCH &lt;Location&gt;                        the file, from the offset the registry holds
   * PUT &lt;Location&gt;?digest=&lt;digest&gt;
   * on a broken connection: GET &lt;Location&gt; (Range: 0-&lt;last&gt;), then PATCH the rest
   * </pre>
   *
   * @param mountFrom a repository of the same registry that may hold the blob, or null
   */
  public Pushed pushBlob(Digest digest, Path file, long size, String mountFrom, BlobProgress progress) throws IOException {
    StartUpload.Answer started = start(digest, mountFrom, progress);
    if (started.mounted()) {
      progress.transferred(size);
      return Pushed.MOUNTED;
    }
    upload(digest, size, started.location(), progress, (location, offset) -> transport.once(
        new WriteUpload(location, repository(), digest, offset, size,
            () -> BlobBody.ofFile(file, offset, size - offset, sent -> progress.transferred(offset + sent)))));
    return Pushed.UPLOADED;
  }

  private StartUpload.Answer start(Digest digest, String mountFrom, BlobProgress progress) throws IOException {
    RegistryTransport.RetryNotice notice = progress::retrying;
    if (mountFrom != null && !mountFrom.equals(path)) {
      // the token must allow reading the source too, or the registry just opens a session
      RegistryTransport withSource = mountTransports.computeIfAbsent(mountFrom,
          from -> transport.withExtraScope("repository:" + from + ":pull"));
      return withSource.call(new StartUpload(v2("blobs/uploads/"), repository(), digest, mountFrom), notice);
    }
    return transport.call(new StartUpload(v2("blobs/uploads/"), repository(), digest, null), notice);
  }

  /** Sends the bytes of an upload from {@code offset} to {@code location}; answers the next Location. */
  private interface Sender {
    URI send(URI location, long offset) throws IOException;
  }

  private void upload(Digest digest, long size, URI location, BlobProgress progress, Sender sender) throws IOException {
    RetryPolicy policy = transport.options().retry();
    Retries retries = new Retries(policy, "push blob " + digest + " to " + repository());
    long offset = 0;
    for (int attempt = 1; ; attempt++) {
      boolean committing = false;
      try {
        if (offset < size) {
          location = sender.send(location, offset);
        }
        committing = true;
        transport.once(new CommitUpload(location, repository(), digest));
        return;
      } catch (IOException e) {
        if (committing && !(e instanceof RegistryException re && re.isAuthFailure()) && checkBlob(digest).isPresent()) {
          return; // the commit went through; only its answer was lost
        }
        if (e instanceof RegistryException re && re.status() == 416 && attempt < policy.maxAttempts()) {
          // the registry holds something else than it said: start the upload over
          location = start(digest, null, progress).location();
          offset = 0;
          continue;
        }
        if (!retries.again(e, attempt, progress::retrying)) {
          throw e;
        }
      }
      try {
        // GET <Location>: where does the upload stand?
        UploadStatus.Answer status = transport.call(new UploadStatus(location, repository(), digest), progress::retrying);
        location = status.location();
        offset = status.size() <= size ? status.size() : 0;
        if (status.size() > size) {
          location = start(digest, null, progress).location();
        }
      } catch (RegistryException gone) {
        if (gone.isAuthFailure()) {
          throw gone;
        }
        // the session is gone (purged, or the registry forgot it): start over
        location = start(digest, null, progress).location();
        offset = 0;
      }
      progress.transferred(offset);
    }
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

  /**
   * Streams a blob into the store, verifying digest and size as it is written; a body longer than
   * {@code size} (when not negative) fails at the first byte too many.
   */
  public StoredBlob pullBlob(Digest digest, long size, ImageStore store) throws IOException {
    return pullBlob(digest, size, store, BlobProgress.NONE);
  }

  /** As {@link #pullBlob(Digest, long, ImageStore)}, resuming with {@code Range} after a broken connection. */
  public StoredBlob pullBlob(Digest digest, long size, ImageStore store, BlobProgress progress) throws IOException {
    return pullBlob(new Descriptor(null, digest, size), store, progress);
  }

  /** As {@link #pullBlob(Digest, long, ImageStore, BlobProgress)}; the store measures a gzip layer as it arrives. */
  public StoredBlob pullBlob(Descriptor blob, ImageStore store, BlobProgress progress) throws IOException {
    Digest digest = blob.digest();
    long size = blob.size();
    Retries retries = new Retries(transport.options().retry(), "pull blob " + digest + " from " + repository());
    try (BlobWriter writer = store.newBlobWriter(digest, size, blob.mediaType())) {
      for (int attempt = 1; ; attempt++) {
        try {
          // GET /v2/<name>/blobs/<digest> [Range: bytes=<written>-]
          transport.once(new GetBlob<>(v2("blobs/" + digest), repository(), digest, size, writer.written(), (start, body) -> {
            if (start != writer.written()) {
              if (start != 0) {
                throw new IOException("Tried to pull blob " + digest + " from " + repository()
                    + " but failed because: asked for the bytes from " + writer.written() + " on, the registry sent them from " + start);
              }
              writer.restart();
            }
            copy(body, writer, progress, "pull blob " + digest + " from " + repository());
            return null;
          }));
          return writer.commit();
        } catch (StoreException e) {
          // the content is wrong, not the connection: never worth another try
          throw new StoreException("Tried to pull blob " + digest + " from " + repository() + " but failed because: " + e.getMessage());
        } catch (IOException e) {
          if (!retries.again(e, attempt, progress::retrying)) {
            throw e;
          }
        }
      }
    }
  }

  /** The socket reads up to 128 KiB at a time; below half a G1 region even with -Xmx256m. */
  private static final int COPY_BUFFER = 256 * 1024;

  private static void copy(InputStream body, BlobWriter writer, BlobProgress progress, String attempt) throws IOException {
    long reported = writer.written();
    byte[] buffer = new byte[COPY_BUFFER];
    int n;
    while ((n = body.read(buffer)) >= 0) {
      writer.write(buffer, 0, n); // hashed from the array, then staged for the disk
      if (writer.written() - reported >= 256 * 1024) {
        reported = writer.written();
        progress.transferred(reported);
      }
    }
    if (writer.expectedSize() >= 0 && writer.written() < writer.expectedSize()) {
      // the stream ended early without saying so (a connection cut inside the headers reads as an
      // empty 200): resume where it broke off rather than fail the blob as short
      throw new BrokenConnectionException("Tried to " + attempt + " but failed because: the response ended after "
          + writer.written() + " of " + writer.expectedSize() + " bytes", null);
    }
    progress.transferred(writer.written());
  }

  /** A small blob (a config) in memory, verified: not one byte more than {@code size}. */
  public byte[] readBlob(Digest digest, long size) throws IOException {
    return transport.call(new GetSmallBlob(v2("blobs/" + digest), repository(), digest, size));
  }

  /**
   * Copies a blob from another repository (any registry) into this one without keeping it
   * anywhere: the source's GET streams into this registry's PATCH. Hashed on the way when it goes
   * in one piece; after a resume the registry's own digest check on {@code PUT} is the proof.
   *
   * @param mountFrom a repository of this registry to mount from (when source and target share it), or null
   * @throws CopyException with side {@code SOURCE} when the source failed: its GET was refused, or
   *     its body broke off or was not the blob. Any other failure is this registry's own.
   */
  public Pushed copyBlob(RegistryClient source, Digest digest, long size, String mountFrom, BlobProgress progress)
      throws IOException {
    StartUpload.Answer started = start(digest, mountFrom, progress);
    if (started.mounted()) {
      progress.transferred(size);
      return Pushed.MOUNTED;
    }
    String pull = "pull blob " + digest + " from " + source.repository();
    // the upload's retries see the source's failures as they are (a source that broke off is
    // resumed like an upload that did); the one that ends the copy is then said to be the source's
    AtomicReference<IOException> sourceFailure = new AtomicReference<>();
    try {
      upload(digest, size, started.location(), progress, (location, offset) -> {
        Patched patched;
        try {
          // GET the source from the offset this registry holds, PATCH it on as it arrives
          patched = source.transport.once(new GetBlob<>(source.v2("blobs/" + digest), source.repository(), digest, size,
              offset, (start, body) -> {
                InputStream in = body;
                if (start != offset) {
                  if (start != 0) {
                    throw new IOException("Tried to " + pull + " but failed because: asked for the bytes from " + offset
                        + " on, the registry sent them from " + start);
                  }
                  in.skipNBytes(offset);
                }
                SourceBody sourceBody = new SourceBody(in, digest, offset, size, pull);
                try {
                  return new Patched(transport.once(new WriteUpload(location, repository(), digest, offset, size,
                      () -> BlobBody.ofStream(sourceBody, size - offset, sent -> progress.transferred(offset + sent)))), null);
                } catch (IOException e) {
                  // a source body that breaks off (or is not the blob) fails the PATCH too: that is what happened
                  if (sourceBody.failure() != null) {
                    throw sourceBody.failure();
                  }
                  return new Patched(null, e);
                }
              }));
        } catch (IOException e) {
          sourceFailure.set(e);
          throw e;
        }
        return patched.location();
      });
    } catch (IOException e) {
      throw e == sourceFailure.get() ? new CopyException(CopyException.Side.SOURCE, CopyException.Item.BLOB, e) : e;
    }
    return Pushed.UPLOADED;
  }

  /**
   * What a PATCH fed by the source's GET came to: the next Location, or this registry's failure,
   * carried out of the GET as a value so that whatever the GET throws is the source's.
   */
  private record Patched(URI next, IOException failure) {
    URI location() throws IOException {
      if (failure != null) {
        throw failure;
      }
      return next;
    }
  }

  /**
   * The source's body as the PATCH reads it, from byte {@code offset} of the blob. Hashed when it
   * is the whole blob, failing the last read when it is not the expected blob, so that a wrong
   * blob is never committed (after a resume the registry's digest check on {@code PUT} is the
   * proof); a body that ends short fails as a broken connection, to be resumed as a download is.
   * Keeps what reading it failed with: the PATCH reports that only as a failure of its own.
   */
  private static final class SourceBody extends FilterInputStream {
    private final Digest expected;
    private final long offset;
    private final long size;
    private final String attempt;
    private final MessageDigest hasher;
    private long seen;
    private volatile IOException failure;
    private volatile boolean closed;

    SourceBody(InputStream in, Digest expected, long offset, long size, String attempt) {
      super(in);
      this.expected = expected;
      this.offset = offset;
      this.size = size;
      this.attempt = attempt;
      this.hasher = expected.newHasher();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = in.read(b, off, len);
        if (n < 0 && offset + seen < size) {
          throw new BrokenConnectionException("Tried to " + attempt + " but failed because: the response ended after "
              + (offset + seen) + " of " + size + " bytes", null);
        }
        if (n > 0) {
          seen += n;
          if (offset == 0) {
            hasher.update(ByteBuffer.wrap(b, off, n));
            if (seen == size) {
              Digest actual = Digest.fromHash(expected.algorithm(), hasher.digest());
              if (!actual.equals(expected)) {
                // worded as a pull's: the source sent the wrong bytes
                throw new DigestMismatchException("Tried to " + attempt + " but failed because: digest mismatch: the content"
                    + " hashes to " + actual);
              }
            }
          }
        }
        return n;
      } catch (IOException e) {
        if (!closed) { // once closed, a read fails because the PATCH gave up, not the source
          failure = e;
        }
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }

    /** What reading the source failed with while the PATCH still wanted its bytes, or null. */
    IOException failure() {
      return failure;
    }
  }

  /** Every tag of the repository, following the registry's pagination ({@code Link: rel="next"}). */
  public List<String> listTags() throws IOException {
    return listTags(1000);
  }

  /** As {@link #listTags()}, asking for {@code pageSize} tags a page ({@code GET /v2/<name>/tags/list?n=}). */
  public List<String> listTags(int pageSize) throws IOException {
    List<String> all = new ArrayList<>();
    URI next = v2("tags/list?n=" + pageSize);
    for (int page = 0; next != null; page++) {
      if (page >= MAX_TAG_PAGES) {
        throw new IOException("Tried to list the tags of " + repository() + " but failed because: more than "
            + MAX_TAG_PAGES + " pages");
      }
      NamePage p = transport.call(new ListTags(next, repository()));
      all.addAll(p.names());
      // a page that names itself next, or an empty page, ends it: a registry cannot keep us paging
      next = p.next() != null && !p.next().equals(next) && !p.names().isEmpty() ? p.next() : null;
    }
    return all;
  }
}
