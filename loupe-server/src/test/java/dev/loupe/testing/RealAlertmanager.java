package dev.loupe.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Debian's real Alertmanager on a free loopback port, routing everything to a receiver that drops it. */
public final class RealAlertmanager {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RealAlertmanager() {}

  /** Starts it with its config and storage under {@code dir}; ready when this returns. */
  public static ExternalServer start(Path dir) throws IOException {
    Path binary = ExternalServer.binary("prometheus-alertmanager", "prometheus-alertmanager");
    Path amDir = Files.createDirectories(dir.resolve("am"));
    Files.writeString(amDir.resolve("am.yml"), "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
    int port = ExternalServer.freePort();
    return ExternalServer.start(binary, List.of(
            "--config.file=" + amDir.resolve("am.yml"), "--storage.path=" + amDir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="),
        amDir, port, "/-/ready");
  }

  /** The alerts Alertmanager holds as active ({@code GET /api/v2/alerts?active=true}). */
  public static List<JsonNode> active(ExternalServer am) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(am.uri("/api/v2/alerts?active=true")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new AssertionError("Alertmanager answered " + r.statusCode() + ": " + r.body());
      List<JsonNode> out = new ArrayList<>();
      JSON.readTree(r.body()).forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
