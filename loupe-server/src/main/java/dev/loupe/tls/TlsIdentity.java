package dev.loupe.tls;

import io.grpc.util.AdvancedTlsX509KeyManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The server's certificate chain and private key (PEM files, key in PKCS#8), shared by the HTTP
 * and both OTLP listeners. The files are checked every {@code refresh} and a replaced pair is
 * served to new connections without a restart (grpc-util's reloading key manager, which both
 * Jetty's and grpc-java's TLS consult on every handshake).
 */
public final class TlsIdentity implements AutoCloseable {
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final ScheduledExecutorService watcher;
  private final AdvancedTlsX509KeyManager.Closeable watch;
  private final SSLContext sslContext;

  private TlsIdentity(Path certFile, Path keyFile, Duration refresh) {
    for (var e : java.util.Map.of("server.tls.cert_file", certFile, "server.tls.key_file", keyFile).entrySet()) {
      if (!Files.isReadable(e.getValue())) {
        throw new IllegalArgumentException(e.getKey() + ": cannot read " + e.getValue().toAbsolutePath());
      }
    }
    watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loupe-tls-reload");
      t.setDaemon(true);
      return t;
    });
    try {
      watch = keyManager.updateIdentityCredentials(certFile.toFile(), keyFile.toFile(), refresh.toMillis(),
          TimeUnit.MILLISECONDS, watcher);
      sslContext = SSLContext.getInstance("TLS");
      sslContext.init(new KeyManager[] {keyManager}, null, null);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      watcher.shutdownNow();
      throw new IllegalArgumentException("server.tls: cannot use cert_file " + certFile + " with key_file " + keyFile
          + " (PEM certificate chain and PKCS#8 PEM key expected): " + e.getMessage(), e);
    }
  }

  /** Loads the pair now (failing with a message naming the keys) and re-reads it when the files change. */
  public static TlsIdentity load(Path certFile, Path keyFile, Duration refresh) {
    return new TlsIdentity(certFile, keyFile, refresh);
  }

  /** For grpc-java's {@code TlsServerCredentials}. */
  public KeyManager keyManager() {
    return keyManager;
  }

  /** For Jetty: a TLS context over the reloading key manager. */
  public SSLContext sslContext() {
    return sslContext;
  }

  @Override
  public void close() {
    watch.close();
    watcher.shutdownNow();
  }
}
