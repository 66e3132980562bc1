package dev.loupe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.store.RecordType;
import dev.loupe.testing.Polling;
import dev.loupe.testing.TestServer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.tls}: the HTTP port and both OTLP ports serve the configured certificate to
 * clients that trust the test CA (an HTTPS client and the OTel SDK's OTLP exporters), and a
 * certificate replaced on disk is served to new connections without a restart.
 */
class TlsListenersTest {
  @TempDir Path dir;

  @Test
  void everyListenerServesTheCertificateAndPicksUpAReplacedOne() throws Exception {
    TestCertificates certs = TestCertificates.in(Files.createDirectories(dir.resolve("pki")));
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    certs.issue("loupe-1", cert, key);
    String yaml = "server:\n  tls: {cert_file: " + cert + ", key_file: " + key + "}\n";
    try (TestServer loupe = TestServer.start(dir.resolve("data"), Clock.systemUTC(), yaml)) {
      SSLContext trustCa = certs.clientContext();
      assertThat(loupe.server().baseUri().getScheme()).isEqualTo("https");
      HttpClient https = HttpClient.newBuilder().sslContext(trustCa).build();
      HttpResponse<String> health = https.send(HttpRequest.newBuilder(loupe.uri("api/v1/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(commonName((X509Certificate) health.sslSession().orElseThrow().getPeerCertificates()[0]))
          .isEqualTo("loupe-1");

      byte[] ca = Files.readAllBytes(certs.caPem);
      export(OtlpHttpSpanExporter.builder().setTrustedCertificates(ca)
          .setEndpoint("https://127.0.0.1:" + loupe.server().otlpHttpPort() + "/v1/traces").build());
      export(OtlpGrpcSpanExporter.builder().setTrustedCertificates(ca)
          .setEndpoint("https://127.0.0.1:" + loupe.server().otlpGrpcPort()).build());
      assertThat(loupe.server().store().count(RecordType.SPAN)).isEqualTo(2);

      int[] ports = {loupe.server().port(), loupe.server().otlpHttpPort(), loupe.server().otlpGrpcPort()};
      for (int port : ports) assertThat(servedName(certs, port)).isEqualTo("loupe-1");
      certs.issue("loupe-2", cert, key);
      for (int port : ports) {
        Polling.until(Duration.ofSeconds(30), () -> servedName(certs, port).equals("loupe-2"),
            () -> "port " + port + " still serves " + servedName(certs, port));
      }
    }
  }

  private static void export(SpanExporter exporter) {
    TlsSpanCounter counter = new TlsSpanCounter(exporter);
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(counter)).build();
    provider.get("loupe-test").spanBuilder("over-tls").startSpan().end();
    provider.shutdown().join(20, TimeUnit.SECONDS);
    assertThat(counter.last.join(20, TimeUnit.SECONDS).isSuccess()).as("export over TLS").isTrue();
  }

  /**
   * The common name of the certificate a fresh TLS connection to {@code port} is given; a new
   * client context each time, so no resumed session hides what the server now sends.
   */
  private static String servedName(TestCertificates certs, int port) {
    try (SSLSocket s = (SSLSocket) certs.clientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
      SSLParameters p = s.getSSLParameters();
      p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
      s.setSSLParameters(p);
      s.setSoTimeout(10_000);
      s.startHandshake();
      return commonName((X509Certificate) s.getSession().getPeerCertificates()[0]);
    } catch (Exception e) {
      return "(no handshake: " + e + ")";
    }
  }

  private static String commonName(X509Certificate c) {
    return c.getSubjectX500Principal().getName().replaceAll("^.*CN=([^,]+).*$", "$1");
  }

  /** Keeps the result of the last export. */
  private static final class TlsSpanCounter implements SpanExporter {
    private final SpanExporter delegate;
    volatile io.opentelemetry.sdk.common.CompletableResultCode last;

    TlsSpanCounter(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public io.opentelemetry.sdk.common.CompletableResultCode export(java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
      last = delegate.export(spans);
      return last;
    }

    @Override
    public io.opentelemetry.sdk.common.CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}
