package dev.loupe.server;

import dev.loupe.auth.AuthConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The one address the HTTP and both OTLP listeners bind, from {@code server.host} and the auth
 * settings: unset means loopback without tokens and every interface with them; a non-loopback
 * address without tokens is refused unless {@code auth.allow_anonymous} is true, because Loupe
 * holds prompts, usage per key and cost.
 */
final class ListenAddress {
  private ListenAddress() {}

  static String host(LoupeConfig.Server server, AuthConfig auth) {
    String host = server.host();
    if (host == null) return auth.enabled() ? "0.0.0.0" : "127.0.0.1";
    if (auth.enabled() || auth.allowAnonymous()) return host;
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException("config", 0, 0, "server.host", "cannot resolve '" + host + "'");
    }
    if (!loopback) {
      throw new ConfigException("config", 0, 0, "server.host",
          "is '" + host + "', not a loopback address, and no auth.tokens or auth.tokens_file is set, so anyone who"
              + " can reach it could read prompts, usage and cost. Configure auth.tokens (or auth.tokens_file),"
              + " listen on 127.0.0.1, or set auth.allow_anonymous: true to serve it without tokens anyway");
    }
    return host;
  }
}
