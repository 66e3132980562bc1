package dev.loupe.tls;

import io.grpc.util.AdvancedTlsX509KeyManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's certificate chain and private key (PEM files, key in PKCS#8), shared by the HTTP
 * and both OTLP listeners. The files are checked every {@code refresh} and a replaced pair is
 * served to new connections without a restart: grpc-util's key manager, which both Jetty's and
 * grpc-java's TLS consult on every handshake, is given the new pair. (Its own file watch polls at
 * most once a minute, hence this one.) A pair that cannot be read is logged and the one before
 * stays in use.
 */
public final class TlsIdentity implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TlsIdentity.class);

  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final Path certFile;
  private final Path keyFile;
  private final ScheduledExecutorService watcher;
  private final SSLContext sslContext;
  private List<Object> loaded;

  private TlsIdentity(Path certFile, Path keyFile, Duration refresh) {
    this.certFile = certFile;
    this.keyFile = keyFile;
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
      loaded = stamp();
      keyManager.updateIdentityCredentials(certFile.toFile(), keyFile.toFile());
      sslContext = SSLContext.getInstance("TLS");
      sslContext.init(new KeyManager[] {keyManager}, null, null);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      watcher.shutdownNow();
      throw new IllegalArgumentException("server.tls: cannot use cert_file " + certFile + " with key_file " + keyFile
          + " (PEM certificate chain and PKCS#8 PEM key expected): " + e.getMessage(), e);
    }
    watcher.scheduleWithFixedDelay(this::reloadIfChanged, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void reloadIfChanged() {
    try {
      List<Object> now = stamp();
      if (now.equals(loaded)) return;
      keyManager.updateIdentityCredentials(certFile.toFile(), keyFile.toFile());
      loaded = now;
      LOG.info("server.tls: serving the new certificate from {}", certFile);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // Half-written files are read again on the next check, since the stamp was not taken.
      LOG.error("server.tls: {} or {} changed but cannot be used ({}); the certificate before stays in use",
          certFile, keyFile, e.toString());
    }
  }

  /** Modification times and sizes of both files: a change in any means a new pair. */
  private List<Object> stamp() throws IOException {
    return List.of(Files.getLastModifiedTime(certFile), Files.size(certFile),
        Files.getLastModifiedTime(keyFile), Files.size(keyFile));
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
    watcher.shutdownNow();
  }
}
