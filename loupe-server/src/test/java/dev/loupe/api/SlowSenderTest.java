package dev.loupe.api;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loupe.ingest.prometheus.remote.proto.WriteRequest;
import dev.loupe.loadgen.OtlpTraceBodies;
import dev.loupe.testing.MutableClock;
import dev.loupe.testing.Polling;
import dev.loupe.testing.RemoteWrite;
import dev.loupe.testing.TestServer;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Senders that send their headers and then trickle the body, over real sockets: they must not take
 * the places of the ingest gate (a normal client is still answered 2xx at once on every push
 * endpoint), and each is answered 408 and closed once {@code ingest.body_read_timeout} has passed.
 */
class SlowSenderTest {
  static final Instant NOW = Instant.now();
  static final int MAX_IN_FLIGHT = 2;
  static final String PROTOBUF = "application/x-protobuf";

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(NOW);
  final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
  final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    trickle.shutdownNow();
    for (Socket s : sockets) s.close();
  }

  /** A connection that sent its headers, declaring {@code length} bytes, and sends one byte every 200 ms. */
  Socket slowSender(int port, String path, String contentType, int length) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    sockets.add(s);
    s.setSoTimeout(20_000);
    OutputStream out = s.getOutputStream();
    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(US_ASCII));
    out.flush();
    trickle.scheduleWithFixedDelay(() -> {
      try {
        if (!s.isClosed()) {
          out.write(' ');
          out.flush();
        }
      } catch (IOException closedByServer) {
        // the server answered and closed: what the test waits for
      }
    }, 0, 200, TimeUnit.MILLISECONDS);
    return s;
  }

  /** Server threads reading a request body now. */
  static long threadsReadingBodies() {
    return Thread.getAllStackTraces().values().stream()
        .filter(stack -> java.util.Arrays.stream(stack).anyMatch(f -> f.getClassName().equals(BodyReader.class.getName())))
        .count();
  }

  /** All the socket receives until the server closes it. */
  static String answerUntilClosed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    int n;
    while ((n = in.read(buf)) >= 0) got.write(buf, 0, n);
    return got.toString(US_ASCII);
  }

  static String inference(String requestId) {
    return "[{\"timestamp\":\"" + NOW + "\",\"service\":\"chat-api\",\"deployment\":\"chat-prod\","
        + "\"model\":\"gpt-4o\",\"request_id\":\"" + requestId + "\",\"input_tokens\":8,\"output_tokens\":4}]";
  }

  static byte[] remoteWrite() throws IOException {
    return Snappy.compress(WriteRequest.newBuilder()
        .addTimeseries(RemoteWrite.series("DCGM_FI_DEV_GPU_UTIL", Map.of("gpu", "0"), NOW.toEpochMilli(), 50))
        .build().toByteArray());
  }

  @Test
  void slowSendersTakeNoPlaceInTheGateAndAre408AfterTheBodyReadTimeout() throws Exception {
    String config = "ingest:\n  max_in_flight_requests: " + MAX_IN_FLIGHT + "\n  body_read_timeout: 3s\n";
    try (TestServer loupe = TestServer.start(dir, clock, config)) {
      int http = loupe.server().port();
      int otlp = loupe.server().otlpHttpPort();
      List<Socket> slow = new ArrayList<>();
      for (int i = 0; i < MAX_IN_FLIGHT; i++) {
        slow.add(slowSender(http, "/api/v1/inferences", "application/json", 100_000));
        slow.add(slowSender(http, "/api/v1/write", PROTOBUF, 100_000));
        slow.add(slowSender(otlp, "/v1/traces", PROTOBUF, 100_000));
      }
      Polling.until(Duration.ofSeconds(10), () -> threadsReadingBodies() >= MAX_IN_FLIGHT,
          () -> "slow senders being read: " + threadsReadingBodies());

      TestServer.Answer json = loupe.post("api/v1/inferences", inference("r-1"));
      assertThat(json.status()).as(json.body()).isEqualTo(200);
      TestServer.Answer write = loupe.post("api/v1/write", remoteWrite(),
          "Content-Type", PROTOBUF, "Content-Encoding", "snappy");
      assertThat(write.status()).as(write.body()).isEqualTo(204);
      TestServer.Answer traces = loupe.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlp + "/v1/traces"))
          .header("Content-Type", PROTOBUF)
          .POST(HttpRequest.BodyPublishers.ofByteArray(OtlpTraceBodies.build(1, 5, NOW.toEpochMilli()).get(0)))
          .build());
      assertThat(traces.status()).as(traces.body()).isEqualTo(200);
      assertThat(threadsReadingBodies()).as("the slow senders were still being read meanwhile")
          .isGreaterThanOrEqualTo(MAX_IN_FLIGHT);

      for (Socket s : slow) {
        String answer = answerUntilClosed(s);
        assertThat(answer).as("answer to a slow sender, then closed").startsWith("HTTP/1.1 408");
        assertThat(answer).contains("ingest.body_read_timeout");
      }
      assertThat(loupe.get("metrics").body())
          .contains("endpoint=\"/api/v1/inferences\",reason=\"body_read_timeout\"");
    }
  }

  @Test
  void bodyBytesHeldTogetherAreBoundedByTheBodyBudgetOverHttpAndGrpc() throws Exception {
    String config = "ingest:\n  max_body_bytes: 65536\n  max_in_flight_body_bytes: 65536\n  body_read_timeout: 30s\n";
    try (TestServer loupe = TestServer.start(dir, clock, config)) {
      Socket s = new Socket("127.0.0.1", loupe.server().port());
      sockets.add(s);
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/v1/inferences HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: 65536\r\n\r\n").getBytes(US_ASCII));
      out.write(" ".repeat(40_000).getBytes(US_ASCII));
      out.flush();
      Polling.until(Duration.ofSeconds(10), () -> loupe.get("metrics").status() == 200
              && threadsReadingBodies() >= 1 && heldBytes(loupe) >= 40_000,
          () -> "the half-sent body is held: " + threadsReadingBodies());

      String big = "[" + String.join(",", java.util.Collections.nCopies(200, inference("r-x").substring(1,
          inference("r-x").length() - 1))) + "]";
      assertThat(big.length()).isGreaterThan(65536 - 40_000).isLessThan(65536);
      TestServer.Answer refused = loupe.post("api/v1/inferences", big);
      assertThat(refused.status()).as(refused.body()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body()).contains("ingest.max_in_flight_body_bytes");
      assertThat(loupe.post("api/v1/inferences", inference("r-small")).status()).as("a small body still fits").isEqualTo(200);

      // OTLP/gRPC messages are held in the same budget once grpc-java has them whole.
      byte[] export = null;
      for (int spans = 10; export == null || export.length < 65536 - 40_000; spans += 10) {
        export = OtlpTraceBodies.build(1, spans, NOW.toEpochMilli()).get(0);
      }
      assertThat(export.length).isLessThan(65536);
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", loupe.server().otlpGrpcPort()).usePlaintext().build();
      try {
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(export);
        assertThatThrownBy(() -> TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(request))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).contains("ingest.max_in_flight_body_bytes");
            });
      } finally {
        channel.shutdownNow();
      }
    }
  }

  static long heldBytes(TestServer loupe) {
    String metrics = loupe.get("metrics").body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("loupe_ingest_held_body_bytes ")) return (long) Double.parseDouble(line.split(" ")[1]);
    }
    return -1;
  }

  /**
   * grpc-java calls the export service only once the whole message is in, so calls whose message
   * never comes hold no place in the gate: a normal export is answered while they wait.
   */
  @Test
  void grpcCallsWithoutTheirMessageTakeNoPlaceInTheGate() throws Exception {
    String config = "ingest:\n  max_in_flight_requests: " + MAX_IN_FLIGHT + "\n";
    try (TestServer loupe = TestServer.start(dir, clock, config)) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", loupe.server().otlpGrpcPort()).usePlaintext().build();
      try {
        List<ClientCall<ExportTraceServiceRequest, ExportTraceServiceResponse>> waiting = new ArrayList<>();
        for (int i = 0; i < 3 * MAX_IN_FLIGHT; i++) {
          ClientCall<ExportTraceServiceRequest, ExportTraceServiceResponse> call =
              channel.newCall(TraceServiceGrpc.getExportMethod(), CallOptions.DEFAULT);
          call.start(new ClientCall.Listener<>() { }, new Metadata());
          call.request(1);
          waiting.add(call);
        }
        ExportTraceServiceResponse answer = TraceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(ExportTraceServiceRequest.parseFrom(OtlpTraceBodies.build(1, 5, NOW.toEpochMilli()).get(0)));
        assertThat(answer.getPartialSuccess().getRejectedSpans()).isZero();
        waiting.forEach(c -> c.cancel("test over", null));
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
