package dev.loupe.ingest.events;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits a request body into JSON objects, each with the line it starts on. Accepts a JSON array
 * of objects, a single object, or NDJSON (one object per line). In NDJSON a line that is not JSON
 * is rejected alone, naming its line and column, and the other lines are kept; a JSON array that
 * does not parse is refused whole with {@link MalformedJsonException}, since nothing after the
 * error can be trusted.
 */
public final class JsonRecords {
  static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

  /** One object of the body and where it started. */
  public record Item(int line, Map<String, Object> fields) {}

  /** The objects read and the lines that were not JSON. */
  public record Split(List<Item> items, List<Rejection> rejections) {}

  private JsonRecords() {}

  public static Split split(byte[] body) {
    int first = firstNonSpace(body);
    if (first < 0) {
      throw new MalformedJsonException(1, 1, "the body is empty");
    }
    return body[first] == '[' ? array(body) : lines(body);
  }

  private static Split array(byte[] body) {
    List<Item> items = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    try (JsonParser p = MAPPER.createParser(body)) {
      p.nextToken(); // START_ARRAY
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t == null) {
          throw malformed(p.currentLocation(), "the array is not closed");
        }
        int line = p.currentTokenLocation().getLineNr();
        if (t != JsonToken.START_OBJECT) {
          rejections.add(new Rejection(line, p.currentTokenLocation().getColumnNr(), null,
              "expected a JSON object, got " + describe(t)));
          p.skipChildren();
          continue;
        }
        items.add(new Item(line, readObject(p)));
      }
      if (p.nextToken() != null) {
        throw malformed(p.currentTokenLocation(), "unexpected content after the array");
      }
    } catch (JsonProcessingException e) {
      throw malformed(e.getLocation(), e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedJsonException(1, 1, e.getMessage());
    }
    return new Split(items, rejections);
  }

  /**
   * NDJSON: first one parser over the whole body (the common, all-valid case, without a parser per
   * line); at the first problem, the slow path below reads line by line so that only the bad
   * lines are rejected.
   */
  private static Split lines(byte[] body) {
    Split fast = linesInOnePass(body);
    return fast != null ? fast : linesOneByOne(body);
  }

  /** Null when the body is not plain NDJSON of objects, one per line. */
  private static Split linesInOnePass(byte[] body) {
    List<Item> items = new ArrayList<>();
    try (JsonParser p = MAPPER.createParser(body)) {
      int lastEndLine = 0;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        int line = p.currentTokenLocation().getLineNr();
        if (t != JsonToken.START_OBJECT || line <= lastEndLine) {
          return null;
        }
        items.add(new Item(line, readObject(p)));
        lastEndLine = p.currentLocation().getLineNr();
      }
    } catch (IOException e) {
      return null;
    }
    return new Split(items, List.of());
  }

  private static Split linesOneByOne(byte[] body) {
    List<Item> items = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    int line = 1;
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        if (!isBlank(body, start, i)) {
          readLine(body, start, i, line, items, rejections);
        }
        line++;
        start = i + 1;
      }
    }
    return new Split(items, rejections);
  }

  private static void readLine(
      byte[] body, int start, int end, int line, List<Item> items, List<Rejection> rejections) {
    try (JsonParser p = MAPPER.createParser(body, start, end - start)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        rejections.add(new Rejection(line, p.currentTokenLocation().getColumnNr(), null,
            "expected a JSON object, got " + describe(t)));
        return;
      }
      Map<String, Object> fields = readObject(p);
      JsonToken after = p.nextToken();
      if (after != null) {
        rejections.add(new Rejection(line, p.currentTokenLocation().getColumnNr(), null,
            "unexpected content after the object (one object per line in NDJSON)"));
        return;
      }
      items.add(new Item(line, fields));
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      rejections.add(new Rejection(line, l == null ? 0 : l.getColumnNr(), null,
          "malformed JSON: " + e.getOriginalMessage().lines().findFirst().orElse("")));
    } catch (IOException e) {
      rejections.add(new Rejection(line, 0, null, "malformed JSON: " + e.getMessage()));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readObject(JsonParser p) throws IOException {
    return MAPPER.readValue(p, Map.class);
  }

  private static MalformedJsonException malformed(JsonLocation l, String reason) {
    String first = reason == null ? "" : reason.lines().findFirst().orElse("");
    return new MalformedJsonException(l == null ? 1 : l.getLineNr(), l == null ? 1 : l.getColumnNr(), first);
  }

  private static String describe(JsonToken t) {
    if (t == null) return "nothing";
    switch (t) {
      case START_ARRAY: return "an array";
      case VALUE_STRING: return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT: return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE: return "a boolean";
      case VALUE_NULL: return "null";
      default: return t.asString() == null ? t.name() : "'" + t.asString() + "'";
    }
  }

  private static int firstNonSpace(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (!Character.isWhitespace(b[i]) && b[i] != (byte) 0xEF && b[i] != (byte) 0xBB && b[i] != (byte) 0xBF) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isWhitespace(b[i])) return false;
    }
    return true;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
