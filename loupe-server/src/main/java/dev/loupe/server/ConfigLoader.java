package dev.loupe.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Reads {@code loupe.yml} into a {@link LoupeConfig}. Fails fast with a {@link ConfigException}
 * naming the line, column and key path of the problem, and for an unknown key the nearest valid
 * one.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer()));

  private ConfigLoader() {}

  public static LoupeConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "no such file");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "cannot read: " + e.getMessage());
    }
    LoupeConfig config = parse(text, file.toString());
    // Rule files are named relative to the config, as in Prometheus, and checked now.
    config = config.withRules(config.rules().resolvedAgainst(file.toAbsolutePath().getParent()));
    RuleFiles.load(config.rules());
    return config;
  }

  public static LoupeConfig parse(String yaml, String source) {
    return read(yaml, source, LoupeConfig.class, LoupeConfig.DEFAULTS);
  }

  /** Binds YAML text to a config type ({@code empty} for an empty text), with the errors of {@link #parse}. */
  static <T> T read(String yaml, String source, Class<T> type, T empty) {
    try {
      JsonNode tree = YAML.readTree(yaml);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return empty;
      }
      T config = YAML.treeToValue(tree, type);
      return config == null ? empty : config;
    } catch (UnrecognizedPropertyException e) {
      String suggestion = nearest(e.getPropertyName(), e.getKnownPropertyIds());
      String path = path(e);
      JsonLocation where = locate(yaml, path, e.getLocation());
      throw new ConfigException(
          source, line(where), column(where), path,
          "unknown key"
              + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?")
              + " (valid here: " + known(e.getKnownPropertyIds()) + ")");
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      String reason = cause == e ? e.getOriginalMessage() : cause.getMessage();
      String path = path(e);
      if (cause instanceof ConfigValueException v) path = path.isEmpty() ? v.key() : path + "." + v.key();
      JsonLocation where = locate(yaml, path, e.getLocation());
      throw new ConfigException(source, line(where), column(where), path, firstLine(reason));
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          source, line(e.getLocation()), column(e.getLocation()), "", firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException(source, 0, 0, "", firstLine(e.getMessage()));
    }
  }

  /**
   * Where a key path is written in the file. Binding works on a tree, which has no positions, so
   * the key is found again with the YAML parser's own token locations.
   */
  static JsonLocation locate(String yaml, String path, JsonLocation fallback) {
    if (path.isEmpty()) return fallback;
    try (JsonParser p = YAML.getFactory().createParser(yaml)) {
      // One frame per open object (its current key) or array (its current index).
      java.util.ArrayList<Object[]> frames = new java.util.ArrayList<>();
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        Object[] top = frames.isEmpty() ? null : frames.get(frames.size() - 1);
        if (top != null && top[0] == null && t != JsonToken.END_ARRAY) {
          top[1] = (Integer) top[1] + 1;
          if (keyPath(frames).equals(path)) return p.currentTokenLocation();
        }
        switch (t) {
          case FIELD_NAME -> {
            top[1] = p.currentName();
            if (keyPath(frames).equals(path)) return p.currentTokenLocation();
          }
          case START_OBJECT -> frames.add(new Object[] {"object", null});
          case START_ARRAY -> frames.add(new Object[] {null, -1});
          case END_OBJECT, END_ARRAY -> frames.remove(frames.size() - 1);
          default -> { }
        }
      }
    } catch (IOException e) {
      return fallback;
    }
    return fallback;
  }

  /** {@code a.b[0].c} from the open frames, as {@link #path(JsonMappingException)} writes it. */
  private static String keyPath(java.util.List<Object[]> frames) {
    StringBuilder out = new StringBuilder();
    for (Object[] f : frames) {
      if (f[0] == null) {
        out.append('[').append(f[1]).append(']');
      } else if (f[1] != null) {
        if (out.length() > 0) out.append('.');
        out.append(f[1]);
      }
    }
    return out.toString();
  }

  private static String path(JsonMappingException e) {
    String p =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return p.replace(".[", "[");
  }

  private static int line(JsonLocation l) {
    return l == null ? 0 : l.getLineNr();
  }

  private static int column(JsonLocation l) {
    return l == null ? 0 : l.getColumnNr();
  }

  private static String firstLine(String s) {
    if (s == null) return "invalid value";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String known(Collection<Object> ids) {
    return ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  /** The valid key closest in edit distance, if it is close enough to be a likely typo. */
  static String nearest(String key, Collection<Object> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Object o : known) {
      String candidate = String.valueOf(o);
      int d = editDistance(key.toLowerCase(), candidate.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Reads {@code 30d}-style text (or a number of seconds). */
  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken().isNumeric()) {
        return Duration.ofMillis(Math.round(p.getDoubleValue() * 1000));
      }
      try {
        return DurationText.parse(p.getValueAsString());
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }
}
