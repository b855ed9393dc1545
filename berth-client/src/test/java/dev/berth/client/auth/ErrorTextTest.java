package dev.berth.client.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorTextTest {
  static String of(int status, String body) {
    return ErrorText.of(status, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void distributionErrorsReadAsDockerPrintsThem() {
    assertThat(of(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":[{\"Type\":\"repository\"}]}]}"))
        .isEqualTo("unauthorized: authentication required");
    assertThat(of(403, "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"},"
        + "{\"code\":\"TOO_MANY_REQUESTS\"}]}"))
        .isEqualTo("denied: requested access to the resource is denied; too many requests");
  }

  @Test
  void tokenServerBodies() {
    assertThat(of(401, "{\"details\":\"incorrect username or password\"}")).isEqualTo("incorrect username or password");
    assertThat(of(400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token expired\"}"))
        .isEqualTo("invalid_grant: refresh token expired");
  }

  @Test
  void statusWhenTheBodySaysNothingUseful() {
    assertThat(of(401, "")).isEqualTo("HTTP 401 Unauthorized");
    assertThat(of(502, "<html>bad gateway</html>")).isEqualTo("HTTP 502 Bad Gateway");
    assertThat(of(418, "{\"other\":1}")).isEqualTo("HTTP 418");
    assertThat(of(401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"line one\\nline two\"}]}"))
        .isEqualTo("unauthorized: line one line two");
  }
}
