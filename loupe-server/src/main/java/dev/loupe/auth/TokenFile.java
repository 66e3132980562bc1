package dev.loupe.auth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auth.tokens_file}: a YAML file {@code tokens: [{name, token | token_sha256, scopes, tenant}]},
 * re-read when its modification time or size changes. A file that cannot be read at start fails
 * the start; a bad edit later is logged and the tokens read before stay in force.
 */
final class TokenFile {
  private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The file's shape. */
  record Content(List<TokenConfig> tokens) {
    Content {
      tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }
  }

  private record Stamp(long modifiedNanos, long size) {}

  private final Path path;
  private final List<TokenConfig> inline;
  private volatile Stamp stamp;
  private volatile TokenTable table;

  TokenFile(Path path, List<TokenConfig> inline) {
    this.path = path;
    this.inline = inline;
    Stamp s = stamp(path);
    try {
      this.table = read(path, inline);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("auth.tokens_file " + path + ": " + reason(e), e);
    }
    this.stamp = s;
  }

  /** The tokens now in force, re-reading the file first if it changed. */
  TokenTable table() {
    Stamp now;
    try {
      now = stamp(path);
    } catch (IllegalArgumentException e) {
      return table;
    }
    if (!now.equals(stamp)) {
      synchronized (this) {
        if (!now.equals(stamp)) {
          try {
            table = read(path, inline);
            LOG.info("re-read auth.tokens_file {}: {} tokens", path, table.size());
          } catch (IOException | IllegalArgumentException e) {
            LOG.error("auth.tokens_file {} changed but cannot be used ({}); the tokens read before stay in force",
                path, reason(e));
          }
          stamp = now;
        }
      }
    }
    return table;
  }

  private static TokenTable read(Path path, List<TokenConfig> inline) throws IOException {
    Content c = YAML.readValue(Files.readString(path), Content.class);
    List<TokenConfig> all = new java.util.ArrayList<>(inline);
    if (c != null) all.addAll(c.tokens());
    return new TokenTable(all);
  }

  private static Stamp stamp(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size());
    } catch (IOException e) {
      throw new IllegalArgumentException("auth.tokens_file " + path + " cannot be read: " + e, e);
    }
  }

  /** Jackson's own message without its source excerpt, which could quote a token. */
  private static String reason(Exception e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
      String where = j.getLocation() == null ? "" : " (line " + j.getLocation().getLineNr() + ")";
      Throwable cause = j.getCause() instanceof IllegalArgumentException ? j.getCause() : null;
      return firstLine(cause != null ? cause.getMessage() : j.getOriginalMessage()) + where;
    }
    return firstLine(e.getMessage());
  }

  private static String firstLine(String s) {
    if (s == null) return "invalid";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
