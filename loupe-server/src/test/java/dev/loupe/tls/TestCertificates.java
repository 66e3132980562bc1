package dev.loupe.tls;

import dev.loupe.testing.ExternalServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A test CA and server certificates for 127.0.0.1 it signs, made with the machine's openssl. */
final class TestCertificates {
  private final Path dir;
  final Path caPem;

  private TestCertificates(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    this.caPem = dir.resolve("ca.pem");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=Loupe Test CA");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  }

  static TestCertificates in(Path dir) throws IOException, InterruptedException {
    return new TestCertificates(dir);
  }

  /** A server certificate with common name {@code cn}, written to {@code cert} and {@code key} in one move each. */
  void issue(String cn, Path cert, Path key) throws IOException, InterruptedException {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", cn + ".key", "-out", cn + ".csr", "-subj", "/CN=" + cn);
    openssl("x509", "-req", "-in", cn + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", cn + ".pem", "-days", "1", "-extfile", "server.ext");
    Files.move(dir.resolve(cn + ".key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(dir.resolve(cn + ".pem"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** A client TLS context that trusts only the test CA. */
  SSLContext clientContext() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ExternalServer.binary("openssl", "openssl").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }
}
