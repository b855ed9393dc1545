package dev.berth.server.http.handlers;

import dev.berth.model.Digest;
import dev.berth.model.Names;
import dev.berth.server.auth.Action;
import dev.berth.server.http.Exchange;
import dev.berth.server.http.RegistryHandler;
import dev.berth.server.storage.UploadStore;

/**
 * {@code POST /v2/<name>/blobs/uploads/} (end-4a/4b/11):
 * <ul>
 *   <li>{@code ?mount=<digest>&from=<repo>}: link the blob if the caller may pull {@code from} and
 *       it holds the blob (201); otherwise fall through to a plain session, revealing nothing;
 *   <li>{@code ?digest=<digest>} with a body: the whole blob in one request (201);
 *   <li>otherwise: a new session (202) whose URL the client PATCHes / PUTs.
 * </ul>
 */
public final class StartBlobUpload implements RegistryHandler {
  @Override
  public void handle(Exchange ex) {
    String repository = ex.repository();
    String mount = ex.request().getParam("mount");
    String from = ex.request().getParam("from");
    String monolithic = ex.request().getParam("digest");
    Digest digest = monolithic == null ? null : Exchange.parseDigest(monolithic);
    UploadStore uploads = ex.storage().uploads();
    if (mount != null && from != null && Digest.isValid(mount) && Names.isRepository(from)
        && ex.grant().allows(from, Action.PULL)) {
      Digest mounted = Digest.parse(mount);
      ex.blocking(() -> ex.storage().blobs().mount(repository, mounted, from)).onComplete(ar -> {
        if (ar.succeeded() && ar.result()) {
          BlobCreated.send(ex, mounted);
        } else {
          startSession(ex, uploads, repository, null);
        }
      });
      return;
    }
    startSession(ex, uploads, repository, digest);
  }

  private static void startSession(Exchange ex, UploadStore uploads, String repository, Digest digest) {
    // Sessions are capped per user (429 TOOMANYREQUESTS past the cap); no auth means one user.
    String user = ex.grant().subject() == null ? "anonymous" : ex.grant().subject();
    ex.blocking(() -> uploads.create(repository, user)).onComplete(created -> {
      if (created.failed()) {
        ex.fail(created.cause());
        return;
      }
      String id = created.result();
      if (digest == null) {
        ex.response().setStatusCode(202)
            .putHeader("Location", ex.uploadLocation(id))
            .putHeader("Docker-Upload-UUID", id)
            .putHeader("Range", Exchange.uploadRange(0))
            .putHeader("Content-Length", "0")
            .end();
        return;
      }
      UploadCompletion.receiveAndComplete(ex, id, null, digest);
    });
  }
}
