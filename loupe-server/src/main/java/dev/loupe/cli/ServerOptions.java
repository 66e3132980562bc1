package dev.loupe.cli;

import dev.loupe.server.ConfigLoader;
import dev.loupe.server.LoupeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options {@code serve} and {@code demo} share; flags override the config file. */
final class ServerOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "Config file (YAML). Default: none, every setting defaulted.")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the store and its files live. Default: ./loupe-data")
  String dataDir;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port for the API, the page and /metrics. Default: 9710")
  Integer port;

  @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (HTTP and both OTLP ports). Default: 127.0.0.1 without auth tokens, 0.0.0.0 with them")
  String host;

  LoupeConfig load(String defaultDataDir) {
    LoupeConfig c = config == null ? LoupeConfig.DEFAULTS : ConfigLoader.load(config);
    LoupeConfig.Server s = c.server();
    if (dataDir != null) {
      s = s.withDataDir(dataDir);
    } else if (defaultDataDir != null && s.dataDir().equals(LoupeConfig.DEFAULTS.server().dataDir())) {
      // The config file left data_dir unset (or at its default): the caller's default applies.
      s = s.withDataDir(defaultDataDir);
    }
    if (port != null) s = s.withPort(port);
    if (host != null) s = s.withHost(host);
    return c.withServer(s);
  }
}
