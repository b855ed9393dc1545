package dev.berth.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Jib ({@code jib-maven-plugin}) building and pushing a one-class Java image, as a Java team would
 * with {@code mvn jib:build}: a real Maven (this project's wrapper) runs the real plugin from Maven
 * Central, and Jib finds credentials the way it does for its users (docker's config.json, its
 * {@code credHelpers} and {@code credsStore}, {@code docker-credential-*} programs on PATH).
 *
 * <p>Plain HTTP to a loopback registry needs {@code -Djib.allowInsecureRegistries=true}, and Jib
 * sends credentials over HTTP only with {@code -DsendCredentialsOverHttp=true}; both are set. The
 * base image is {@code scratch}, so nothing is pulled from the internet. Maven keeps using the
 * user's repository ({@code ~/.m2}) even when the test gives Jib another HOME; once the plugin is
 * there, nothing is downloaded again.
 *
 * <pre>{@code
 * Exec.Result r = JibBuild.in(dir.resolve("jib")).push("127.0.0.1:5000/team/app:1", env);
 * }</pre>
 */
public final class JibBuild {
  public static final String PLUGIN = "com.google.cloud.tools:jib-maven-plugin:3.5.2";
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final Path project;

  private JibBuild(Path project) {
    this.project = project;
  }

  /** A tiny Maven project (one main class) in {@code dir}. */
  public static JibBuild in(Path dir) {
    try {
      Files.createDirectories(dir.resolve("src/main/java/hello"));
      Files.writeString(dir.resolve("pom.xml"), """
          <project xmlns="http://maven.apache.org/POM/4.0.0">
            <modelVersion>4.0.0</modelVersion>
            <groupId>dev.berth.test</groupId>
            <artifactId>jib-hello</artifactId>
            <version>1</version>
            <properties>
              <maven.compiler.release>21</maven.compiler.release>
              <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
            </properties>
            <build>
              <pluginManagement>
                <plugins>
                  <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
                  <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                </plugins>
              </pluginManagement>
            </build>
          </project>
          """);
      Files.writeString(dir.resolve("src/main/java/hello/Hello.java"),
          "package hello;\npublic class Hello { public static void main(String[] a) { System.out.println(\"hello from jib\"); } }\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Jib project in " + dir, e);
    }
    return new JibBuild(dir);
  }

  /**
   * {@code mvn compile jib:build -Djib.to.image=IMAGE}, with {@code env} (PATH with the credential
   * helpers, DOCKER_CONFIG, HOME) for Maven and so for Jib. Returns Maven's output; any exit code.
   */
  public Exec.Result push(String image, Map<String, String> env) {
    Path userM2 = Path.of(System.getProperty("user.home"), ".m2");
    List<String> command = new ArrayList<>(List.of(mavenWrapper().toString(), "-B",
        "-Dmaven.repo.local=" + userM2.resolve("repository")));
    // not -o: Jib refuses to push in offline mode; plugins already in ~/.m2 are not fetched again
    command.addAll(List.of("compile", PLUGIN + ":build", "-Djib.to.image=" + image, "-Djib.from.image=scratch",
        "-Djib.container.entrypoint=INHERIT", "-Djib.allowInsecureRegistries=true", "-DsendCredentialsOverHttp=true"));
    Map<String, String> all = new HashMap<>(env);
    all.put("MAVEN_USER_HOME", userM2.toString()); // the wrapper's Maven distribution
    all.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
    Exec exec = Exec.command(command).directory(project).env(all).timeout(TIMEOUT);
    for (String name : System.getenv().keySet()) {
      if (!all.containsKey(name) && (name.startsWith("DOCKER_") || name.startsWith("MAVEN_") || name.startsWith("JIB"))) {
        exec.env(name, null);
      }
    }
    return exec.run();
  }

  /** This project's {@code mvnw}, found from the working directory upwards. */
  static Path mavenWrapper() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path wrapper = dir.resolve("mvnw");
      if (Files.isExecutable(wrapper) && Files.isDirectory(dir.resolve(".mvn"))) {
        return wrapper;
      }
    }
    throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
  }
}
