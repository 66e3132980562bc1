package dev.loupe.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.ingest.prometheus.remote.proto.TimeSeries;
import dev.loupe.ingest.prometheus.remote.proto.WriteRequest;
import dev.loupe.store.duckdb.CommitHold;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

class RemoteWriteApiTest {
  static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
  static final String[] HEADERS = {
    "Content-Type", "application/x-protobuf", "Content-Encoding", "snappy",
    "X-Prometheus-Remote-Write-Version", "0.1.0"
  };
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(NOW);

  static TimeSeries gpuUtil(String gpu, long ts, double v) {
    return RemoteWrite.series("DCGM_FI_DEV_GPU_UTIL", java.util.Map.of("gpu", gpu, "Hostname", "gpu-node-1"), ts, v);
  }

  static byte[] body(TimeSeries... ts) throws Exception {
    WriteRequest.Builder w = WriteRequest.newBuilder();
    for (TimeSeries t : ts) w.addTimeseries(t);
    return Snappy.compress(w.build().toByteArray());
  }

  @Test
  void acceptedSamplesAreDurableAndQueryable() throws Exception {
    long t = NOW.toEpochMilli();
    try (TestServer loupe = TestServer.start(dir, clock)) {
      TestServer.Answer a = loupe.post("api/v1/write",
          body(gpuUtil("0", t - 60_000, 40), gpuUtil("0", t - 30_000, 55), gpuUtil("1", t - 30_000, 7)), HEADERS);
      assertThat(a.status()).isEqualTo(204);
    }
    try (TestServer again = TestServer.start(dir, clock)) {
      TestServer.Answer q = again.get("api/v1/signals/query_range?query="
          + URLEncoder.encode("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\"}", StandardCharsets.UTF_8)
          + "&start=" + (t / 1000 - 60) + "&end=" + (t / 1000) + "&step=30");
      assertThat(q.status()).isEqualTo(200);
      JsonNode result = q.json().at("/data/result");
      assertThat(result.size()).isEqualTo(1);
      assertThat(result.get(0).at("/metric/Hostname").asText()).isEqualTo("gpu-node-1");
      assertThat(result.get(0).at("/metric/__name__").asText()).isEqualTo("DCGM_FI_DEV_GPU_UTIL");
      JsonNode values = result.get(0).get("values");
      assertThat(values.size()).isEqualTo(3);
      assertThat(values.get(0).get(1).asText()).isEqualTo("40");
      assertThat(values.get(2).get(1).asText()).as("last value within the 5 m lookback").isEqualTo("55");
    }
  }

  @Test
  void answersThePrometheusSenderCanActOn() throws Exception {
    long t = NOW.toEpochMilli();
    try (TestServer loupe = TestServer.start(dir, clock)) {
      TestServer.Answer garbage = loupe.post("api/v1/write", "not snappy".getBytes(), HEADERS);
      assertThat(garbage.status()).as("not retryable").isEqualTo(400);
      assertThat(garbage.body()).contains("snappy");

      TestServer.Answer partial = loupe.post("api/v1/write",
          body(gpuUtil("0", t, 50), gpuUtil("1", t + 3_600_000, 9)), HEADERS);
      assertThat(partial.status()).isEqualTo(400);
      assertThat(partial.body()).contains("kept 1 of 2").contains("timeseries[1]").contains("future");
      assertThat(loupe.server().config()).isNotNull();

      TestServer.Answer v2 = loupe.post("api/v1/write", body(gpuUtil("0", t, 1)),
          "Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request", "Content-Encoding", "snappy");
      assertThat(v2.status()).isEqualTo(415);

      TestServer.Answer q = loupe.get("api/v1/signals/query_range?query=DCGM_FI_DEV_GPU_UTIL&start="
          + (t / 1000) + "&end=" + (t / 1000) + "&step=15");
      assertThat(q.json().at("/data/result").size()).as("the valid series of the partial batch was kept").isEqualTo(1);
    }
  }

  @Test
  void anOversizedBodyIs413AndTheServerGoesOn() throws Exception {
    long t = NOW.toEpochMilli();
    try (TestServer loupe = TestServer.start(dir, clock, "ingest:\n  max_body_bytes: 1024\n")) {
      TimeSeries[] many = new TimeSeries[200];
      for (int i = 0; i < many.length; i++) many[i] = gpuUtil(Integer.toString(i), t, i);
      byte[] big = body(many);
      assertThat(big.length).isGreaterThan(1024);
      TestServer.Answer a = loupe.post("api/v1/write", big, HEADERS);
      assertThat(a.status()).isEqualTo(413);
      assertThat(a.body()).contains("max_body_bytes");
      assertThat(loupe.post("api/v1/write", body(gpuUtil("0", t, 1)), HEADERS).status()).isEqualTo(204);
    }
  }

  @Test
  void aFullIngestGateIs429WithRetryAfterUntilTheHeldWriteIsDurable() throws Exception {
    long t = NOW.toEpochMilli();
    try (TestServer loupe = TestServer.start(dir, clock, "ingest:\n  max_in_flight_requests: 1\n");
        CommitHold hold = CommitHold.on(loupe.server().store())) {
      byte[] first = body(gpuUtil("0", t, 1));
      CompletableFuture<TestServer.Answer> held =
          CompletableFuture.supplyAsync(() -> loupe.post("api/v1/write", first, HEADERS));
      hold.awaitHeld();
      TestServer.Answer busy = loupe.post("api/v1/write", body(gpuUtil("1", t, 2)), HEADERS);
      assertThat(busy.status()).as("Prometheus retries a 429").isEqualTo(429);
      assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(busy.body()).contains("ingest.max_in_flight_requests");
      hold.release();
      assertThat(held.get(30, TimeUnit.SECONDS).status()).isEqualTo(204);
      assertThat(loupe.post("api/v1/write", body(gpuUtil("1", t, 2)), HEADERS).status()).isEqualTo(204);
    }
  }
}
