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
    // Rule and price files are named relative to the config, as in Prometheus, and checked now.
    config = config.withRules(config.rules().resolvedAgainst(file.toAbsolutePath().getParent()));
    config = config.withPrices(config.prices().resolvedAgainst(file.toAbsolutePath().getParent()));
    try {
      PriceCatalogFile.load(config.prices());
    } catch (ConfigException e) {
      // A file that cannot be read at all is pointed at where the config names it.
      int i = config.prices().files().indexOf(e.source());
      if (i < 0 || e.line() > 0) throw e;
      String key = "prices.files[" + i + "]";
      JsonLocation where = locate(text, key, true, null);
      throw new ConfigException(file.toString(), line(where), column(where), key, e.reason() + " " + e.source());
    }
    try {
      RuleFiles.load(config.rules());
    } catch (ConfigException e) {
      // A problem of the config itself (an override of a built-in rule, say) found after binding:
      // pointed at in the file by its key.
      if (!e.source().equals("config")) throw e;
      JsonLocation where = locate(text, e.keyPath(), false, null);
      throw new ConfigException(file.toString(), line(where), column(where), e.keyPath(), e.reason());
    }
    return config;
  }

  public static LoupeConfig parse(String yaml, String source) {
    return read(yaml, source, LoupeConfig.class, LoupeConfig.DEFAULTS);
  }

  /** Binds YAML text to a config type ({@code empty} for an empty text), with the errors of {@link #parse}. */
  static <T> T read(String yaml, String source, Class<T> type, T empty) {
    JsonNode tree = null;
    try {
      tree = YAML.readTree(yaml);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return empty;
      }
      T config = YAML.treeToValue(tree, type);
      return config == null ? empty : config;
    } catch (UnrecognizedPropertyException e) {
      String suggestion = nearest(e.getPropertyName(), e.getKnownPropertyIds());
      String path = path(e);
      JsonLocation where = locate(yaml, path, false, e.getLocation());
      throw new ConfigException(
          source, line(where), column(where), path,
          "unknown key"
              + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?")
              + " (valid here: " + known(e.getKnownPropertyIds()) + ")");
    } catch (JsonMappingException e) {
      // Binding works on the tree, whose errors carry no position: the key is found again in the text.
      ConfigProblem problem = ConfigProblem.ofBinding(e, path(e), tree);
      JsonLocation where = locate(yaml, problem.keyPath(), true, null);
      // A required key left out is not in the text: point at the entry that lacks it.
      for (String p = parent(problem.keyPath()); where == null && p != null; p = parent(p)) {
        where = locate(yaml, p, false, null);
      }
      throw new ConfigException(source, line(where), column(where), problem.keyPath(), problem.reason());
    } catch (JsonProcessingException e) {
      ConfigProblem problem = ConfigProblem.ofSyntax(e, keyBefore(yaml));
      throw new ConfigException(source, problem.line(), problem.column(), problem.keyPath(), problem.reason());
    } catch (IOException e) {
      throw new ConfigException(source, 0, 0, "", firstLine(e.getMessage()));
    }
  }

  /**
   * Where a key path ({@code a.b[2].c}) is written in the file, found with the YAML parser's own
   * token locations: the key itself, or with {@code value} the value after it.
   */
  static JsonLocation locate(String yaml, String path, boolean value, JsonLocation fallback) {
    if (path.isEmpty()) return fallback;
    try (JsonParser p = YAML.getFactory().createParser(yaml)) {
      KeyPath at = new KeyPath();
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          if (at.field(p.currentName()).equals(path)) {
            JsonLocation key = p.currentTokenLocation();
            // A value written on its key's line is pointed at; a block map or list below it, at the key.
            if (value && p.nextToken() != null && p.currentTokenLocation().getLineNr() == key.getLineNr()) {
              return p.currentTokenLocation();
            }
            return key;
          }
        } else if (t.isStructEnd()) {
          at.leave();
        } else {
          if (at.element().equals(path)) return p.currentTokenLocation();
          if (t.isStructStart()) at.enter(t == JsonToken.START_ARRAY);
        }
      }
    } catch (IOException e) {
      return fallback;
    }
    return fallback;
  }

  /**
   * The innermost key read before the text stops being YAML, for a syntax error: the parser is
   * run up to the error, following the key path as it goes.
   */
  private static String keyBefore(String yaml) {
    KeyPath at = new KeyPath();
    String last = "";
    try (JsonParser p = YAML.getFactory().createParser(yaml)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          last = at.field(p.currentName());
        } else if (t.isStructEnd()) {
          at.leave();
        } else {
          at.element();
          if (t.isStructStart()) at.enter(t == JsonToken.START_ARRAY);
        }
      }
    } catch (IOException e) {
      return last;
    }
    return last;
  }

  /** The key path at a parser's position, as {@code scrape_configs[0].static_configs[1].targets}. */
  private static final class KeyPath {
    /** One open map (its current key) or list (its current index). */
    private static final class Level {
      final boolean list;
      String key;
      int index = -1;

      Level(boolean list) {
        this.list = list;
      }
    }

    private final java.util.ArrayDeque<Level> levels = new java.util.ArrayDeque<>();

    /** A key of the innermost map; returns its path. */
    String field(String name) {
      if (!levels.isEmpty()) levels.peekLast().key = name;
      return text();
    }

    /** A value starts: in a list it is the next element. Returns the value's path. */
    String element() {
      if (!levels.isEmpty() && levels.peekLast().list) levels.peekLast().index++;
      return text();
    }

    void enter(boolean list) {
      levels.addLast(new Level(list));
    }

    void leave() {
      if (!levels.isEmpty()) levels.removeLast();
    }

    private String text() {
      StringBuilder b = new StringBuilder();
      for (Level l : levels) {
        if (l.list) {
          if (l.index >= 0) b.append('[').append(l.index).append(']');
        } else if (l.key != null) {
          if (b.length() > 0) b.append('.');
          b.append(l.key);
        }
      }
      return b.toString();
    }
  }

  /** {@code a.b[2]} for {@code a.b[2].c}, {@code a.b} for {@code a.b[2]}; null at the top. */
  static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? null : path.substring(0, cut);
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
