package dev.loupe.api;

import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Where a Javalin app listens: one connector on {@code host:port}, over TLS when {@code tls} is set. */
public record HttpListener(String host, int port, SSLContext tls) {
  void bind(JavalinConfig config) {
    config.jetty.addConnector((server, http) -> {
      ServerConnector c;
      if (tls == null) {
        c = new ServerConnector(server, new HttpConnectionFactory(http));
      } else {
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients reach Loupe by IP as often as by name; the certificate is the client's to check.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
      }
      c.setHost(host);
      c.setPort(port);
      return c;
    });
  }

  /** The address the started app's connector is bound to. */
  public static InetSocketAddress boundAddress(io.javalin.Javalin app) {
    ServerConnector c = (ServerConnector) app.jettyServer().server().getConnectors()[0];
    try {
      return (InetSocketAddress) ((ServerSocketChannel) c.getTransport()).getLocalAddress();
    } catch (IOException e) {
      return new InetSocketAddress(c.getHost(), c.getLocalPort());
    }
  }
}
