package dev.loupe.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.server.ConfigLoader;
import dev.loupe.server.LoupeConfig;
import dev.loupe.server.LoupeServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;

/** A real Loupe on a free loopback port with its data in a test's temp dir, and a small client. */
public final class TestServer implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();

  /** An HTTP answer: status, body text, and the body as JSON when it is JSON. */
  public record Answer(int status, String body, java.net.http.HttpHeaders headers) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }
  }

  private final LoupeServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestServer(LoupeServer server) {
    this.server = server;
  }

  public static TestServer start(Path dataDir, Clock clock) {
    return start(dataDir, clock, "");
  }

  /** Starts with extra YAML config (server settings are overridden for the test). */
  public static TestServer start(Path dataDir, Clock clock, String yaml) {
    LoupeConfig c = ConfigLoader.parse(yaml, "test.yml");
    // Host, ports and data dir are the test's; TLS and auth stay as the YAML says.
    c = c.withServer(c.server().withHost("127.0.0.1").withPort(0).withDataDir(dataDir.toString()))
        .withOtlp(c.otlp().withPorts(0, 0));
    return new TestServer(LoupeServer.start(c, clock));
  }

  public LoupeServer server() {
    return server;
  }

  public URI uri(String path) {
    return server.baseUri().resolve(path);
  }

  public Answer post(String path, String body) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Answer post(String path, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) b.headers(headers);
    return send(b.build());
  }

  public Answer get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build());
  }

  public Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
