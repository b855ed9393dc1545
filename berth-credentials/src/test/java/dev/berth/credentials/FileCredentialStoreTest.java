package dev.berth.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCredentialStoreTest {
  @TempDir Path dir;

  FileCredentialStore store() {
    return new FileCredentialStore(DockerConfigFile.inDirectory(dir));
  }

  @Test
  void storesDockersAuthFormat() throws Exception {
    store().store("localhost:5000", new Credentials("alice", "pa:ss wörd"));
    Map<String, Object> root = JSON.std.mapFrom(Files.readString(dir.resolve("config.json")));
    assertThat(root).isEqualTo(Map.of("auths", Map.of("localhost:5000",
        Map.of("auth", java.util.Base64.getEncoder().encodeToString("alice:pa:ss wörd".getBytes(java.nio.charset.StandardCharsets.UTF_8))))));
    assertThat(store().get("localhost:5000")).contains(new Credentials("alice", "pa:ss wörd"));
  }

  @Test
  void findsAndErasesLegacyUrlForms() throws Exception {
    Files.writeString(dir.resolve("config.json"), """
        {"auths": {"https://host:5000/v1/": {"auth": "dTpw"}, "http://host:5000": {"auth": "dTpw"},
                   "keep:1": {"auth": "azpwdw=="}}}
        """);
    assertThat(store().get("host:5000")).contains(new Credentials("u", "p"));
    assertThat(store().erase("host:5000")).isTrue();
    assertThat(store().get("host:5000")).isEmpty();
    assertThat(store().erase("host:5000")).isFalse();
    assertThat(store().get("keep:1")).contains(new Credentials("k", "pw"));
  }

  @Test
  void keepsOtherEntryFieldsAndSkipsNeedlessWrites() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"auths\": {\"h:1\": {\"auth\": \"dTpw\", \"email\": \"u@example.com\"}}}");
    store().store("h:1", new Credentials("u", "p"));
    assertThat(Files.readString(file)).isEqualTo("{\"auths\": {\"h:1\": {\"auth\": \"dTpw\", \"email\": \"u@example.com\"}}}");
    store().store("h:1", new Credentials("u", "q"));
    assertThat(Files.readString(file)).contains("email").contains("\"dTpx\"");
  }

  @Test
  void identityTokensAsDockerKeepsThem() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"auths\": {\"h:1\": {\"auth\": \"dTo=\", \"identitytoken\": \"refresh-1\"}}}");
    assertThat(store().get("h:1")).contains(new Credentials("<token>", "refresh-1"));
    store().store("h:2", new Credentials("<token>", "refresh-2"));
    assertThat(Files.readString(dir.resolve("config.json"))).contains("\"identitytoken\": \"refresh-2\"");
    assertThat(store().get("h:2")).contains(new Credentials("<token>", "refresh-2"));
  }

  @Test
  void entriesWithoutSecretsAreNotCredentials() throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"auths\": {\"h:1\": {}}, \"credsStore\": \"pass\"}");
    assertThat(store().get("h:1")).isEmpty();
    assertThat(store().get("h:2")).isEmpty();
  }
}
