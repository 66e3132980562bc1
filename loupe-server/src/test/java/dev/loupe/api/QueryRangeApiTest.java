package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loupe.ingest.prometheus.remote.proto.Label;
import dev.loupe.ingest.prometheus.remote.proto.Sample;
import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.ingest.prometheus.remote.proto.WriteRequest;
import dev.loupe.testing.ExternalServer;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * {@code query_range} answers in Prometheus's own JSON, number for number: the same samples are
 * remote-written into Debian's real Prometheus and into Loupe, and both are asked the same query.
 */
class QueryRangeApiTest {
  /** Numbers kept as written (scale and all), so {@code 1.5E9} and {@code 1500000000} differ. */
  static final ObjectMapper EXACT = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  static final double[] VALUES = {0.1, 1e-7, 1e21, 42, 2.5, -3.25, 1.0 / 3, 0, 123456.789};

  @TempDir Path dir;

  @Test
  void theAnswerIsTheJsonRealPrometheusGivesForTheSameSamples() throws Exception {
    Path binary = ExternalServer.binary("prometheus", "prometheus");
    Files.createDirectories(dir.resolve("loupe"));
    Files.createDirectories(dir.resolve("prom"));
    Files.writeString(dir.resolve("prom/prometheus.yml"), "global:\n  scrape_interval: 1m\n");
    // Prometheus's head takes samples near its wall clock, so both run on it.
    long first = (System.currentTimeMillis() / 1000 - 600) * 1000 + 123;
    TimeSeries.Builder series = TimeSeries.newBuilder()
        .addLabels(Label.newBuilder().setName("__name__").setValue("loupe_test_ratio"))
        .addLabels(Label.newBuilder().setName("instance").setValue("gpu-node-1:9400"))
        .addLabels(Label.newBuilder().setName("job").setValue("dcgm"));
    for (int i = 0; i < VALUES.length; i++) {
      series.addSamples(Sample.newBuilder().setTimestamp(first + i * 15_000L).setValue(VALUES[i]));
    }
    byte[] body = Snappy.compress(WriteRequest.newBuilder().addTimeseries(series).build().toByteArray());
    int promPort = ExternalServer.freePort();
    try (TestServer loupe = TestServer.start(dir.resolve("loupe"), Clock.systemUTC());
        ExternalServer prometheus = ExternalServer.start(binary, List.of("--config.file=prometheus.yml",
            "--storage.tsdb.path=data", "--web.enable-remote-write-receiver",
            "--web.listen-address=127.0.0.1:" + promPort), dir.resolve("prom"), promPort, "/-/ready")) {
      HttpClient http = HttpClient.newHttpClient();
      for (String base : List.of(loupe.uri("/").toString(), prometheus.uri("/").toString())) {
        HttpResponse<String> written = http.send(HttpRequest.newBuilder(java.net.URI.create(base + "api/v1/write"))
            .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(written.statusCode()).as(base + ": " + written.body()).isEqualTo(204);
      }
      String query = "query=" + URLEncoder.encode("loupe_test_ratio{job=\"dcgm\"}", StandardCharsets.UTF_8);
      long lastSecond = (first + (VALUES.length - 1) * 15_000L) / 1000;
      List<String> ranges = List.of(
          // fractional start: every step has milliseconds
          "&start=" + first / 1000 + ".123&end=" + lastSecond + "&step=15",
          // whole seconds as RFC 3339, a step of 7.5 s: whole and half seconds alternate
          "&start=" + Instant.ofEpochSecond(first / 1000 + 1) + "&end=" + Instant.ofEpochSecond(lastSecond)
              + "&step=7.5",
          // a step in Prometheus's duration form
          "&start=" + (first / 1000) + "&end=" + lastSecond + "&step=30s");
      for (String range : ranges) {
        String fromPrometheus = get(http, prometheus.uri("/api/v1/query_range?" + query + range).toString());
        String fromLoupe = loupe.get("api/v1/signals/query_range?" + query + range).body();
        assertThat(EXACT.readTree(fromLoupe)).as("Loupe: %s%nPrometheus: %s", fromLoupe, fromPrometheus)
            .isEqualTo(EXACT.readTree(fromPrometheus));
        assertThat(EXACT.readTree(fromPrometheus).at("/data/result/0/values").size()).as(fromPrometheus)
            .isGreaterThanOrEqualTo(4);
      }
      String prometheusError = get(http, prometheus.uri("/api/v1/query_range?" + query
          + "&start=soon&end=" + lastSecond + "&step=15").toString());
      String loupeError = loupe.get("api/v1/signals/query_range?" + query + "&start=soon&end=" + lastSecond
          + "&step=15").body();
      assertThat(fieldNames(EXACT.readTree(loupeError))).isEqualTo(fieldNames(EXACT.readTree(prometheusError)));
      assertThat(EXACT.readTree(loupeError).get("errorType")).isEqualTo(EXACT.readTree(prometheusError).get("errorType"));
    }
  }

  @Test
  void timesAndLimitsThatCannotBeMeantAreRejectedSayingWhy() {
    try (TestServer loupe = TestServer.start(dir, new MutableClock(Instant.parse("2026-11-28T10:30:00Z")))) {
      String q = "api/v1/signals/query_range?query=loupe_model_requests_per_second&step=60";
      assertThat(error(loupe, q + "&start=1796199071123&end=1796199671123", 400)).isEqualTo(
          "parameter 'start': 1796199071123 as Unix seconds is after the year 5000; it looks like"
              + " milliseconds: give seconds (1796199071.123) or RFC 3339 (2026-12-02T08:11:11.123Z)");
      assertThat(error(loupe, q + "&start=NaN&end=1796199671", 400))
          .isEqualTo("parameter 'start': NaN is not a time; give RFC 3339 or Unix seconds");
      assertThat(error(loupe, q + "&start=1796199071&end=Infinity", 400))
          .isEqualTo("parameter 'end': Infinity is not a time; give RFC 3339 or Unix seconds");
      assertThat(error(loupe, q + "&start=10d&end=1796199671", 400)).isEqualTo(
          "parameter 'start': cannot parse \"10d\" as RFC 3339 (2026-11-28T10:00:00Z) or Unix seconds (1796199071.123)");
      assertThat(loupe.get(q + "&start=1796199071.5&end=2026-12-02T08:21:11Z").status()).isEqualTo(200);
      assertThat(loupe.get(q + "&start=1796199071.5&end=1.7961996711e9").status()).as("Go's ParseFloat takes exponents")
          .isEqualTo(200);
      assertThat(error(loupe, "api/v1/inferences?limit=999999999999", 400))
          .isEqualTo("parameter 'limit' must be between 1 and 100000, got 999999999999");
      assertThat(error(loupe, "api/v1/traces?limit=0", 400))
          .isEqualTo("parameter 'limit' must be between 1 and 1000, got 0");
      assertThat(error(loupe, "api/v1/traces?limit=ten", 400))
          .isEqualTo("parameter 'limit' must be a whole number between 1 and 1000, got \"ten\"");
      assertThat(error(loupe, "api/v1/inferences?start=1796199071123", 400)).as("every endpoint's times")
          .startsWith("parameter 'start': 1796199071123 as Unix seconds is after the year 5000");
    }
  }

  private static String error(TestServer loupe, String pathAndQuery, int status) {
    TestServer.Answer a = loupe.get(pathAndQuery);
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    return a.json().get("error").asText();
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names.stream().sorted().toList();
  }

  private static String get(HttpClient http, String uri) throws Exception {
    return http.send(HttpRequest.newBuilder(java.net.URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
