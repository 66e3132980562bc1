package dev.loupe.dimension.model.quality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether an answer is the JSON its request asked for, read with Jackson's streaming parser: one
 * JSON value and nothing after it; an object for {@code json_object}; for {@code json_schema} the
 * schema's top-level {@code type} and {@code required} keys (the rest of the schema is not checked).
 * When only the prompt asked for JSON, an answer that is one fenced block ({@code ```json … ```})
 * counts, as most clients strip the fence; an API's JSON mode promises bare JSON, so there a fence
 * fails.
 */
final class JsonAnswerCheck {
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final Pattern ONE_FENCED_BLOCK =
      Pattern.compile("\\A\\s*```[\\w+-]*[ \\t]*\\R(.*?)\\R?[ \\t]*```\\s*\\z", Pattern.DOTALL);

  private JsonAnswerCheck() {}

  private record Root(JsonToken kind, Set<String> keys) {}

  private record SchemaTop(String type, List<String> required) {}

  static Verdict check(String answer, RequestedFormat format) {
    if (answer == null || answer.isBlank()) return Verdict.invalid("empty answer");
    String text = answer.strip();
    if (!format.explicit()) {
      Matcher fenced = ONE_FENCED_BLOCK.matcher(text);
      if (fenced.matches()) text = fenced.group(1).strip();
    }
    Root root;
    try {
      root = readRoot(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return Verdict.invalid(at == null ? "not JSON"
          : "not JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
    } catch (IOException | RuntimeException e) {
      return Verdict.invalid("not JSON");
    }
    if (root == null) return Verdict.invalid("more than one JSON value");
    if (format.kind() == RequestedFormat.Kind.JSON_OBJECT && root.kind() != JsonToken.START_OBJECT) {
      return Verdict.invalid("not a JSON object");
    }
    if (format.kind() == RequestedFormat.Kind.JSON_SCHEMA) return againstSchema(root, format.schema());
    return Verdict.VALID;
  }

  /** The one root value's kind and, for an object, its keys; null if more values follow. */
  private static Root readRoot(String text) throws IOException {
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) throw new IOException("no value");
      Set<String> keys = new LinkedHashSet<>();
      if (first == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          keys.add(p.currentName());
          p.nextToken();
          p.skipChildren();
        }
      } else {
        p.skipChildren();
      }
      return p.nextToken() == null ? new Root(first, keys) : null;
    }
  }

  private static Verdict againstSchema(Root root, String schema) {
    SchemaTop top = schema == null ? null : schemaTop(schema);
    String type = top == null || top.type() == null ? "object" : top.type();
    if (type.equals("object") && root.kind() != JsonToken.START_OBJECT) return Verdict.invalid("not a JSON object");
    if (type.equals("array") && root.kind() != JsonToken.START_ARRAY) return Verdict.invalid("not a JSON array");
    if (top != null) {
      for (String key : top.required()) {
        if (!root.keys().contains(key)) return Verdict.invalid("required key missing: " + key);
      }
    }
    return Verdict.VALID;
  }

  /** The schema's top-level type and required keys, looking inside OpenAI's json_schema wrapper; null if unreadable. */
  private static SchemaTop schemaTop(String schema) {
    try (JsonParser p = JSON.createParser(schema)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      return readSchemaObject(p);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static SchemaTop readSchemaObject(JsonParser p) throws IOException {
    String type = null;
    List<String> required = new ArrayList<>();
    SchemaTop inner = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("type") && value == JsonToken.VALUE_STRING) {
        type = p.getText();
      } else if (name.equals("required") && value == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() == JsonToken.VALUE_STRING) required.add(p.getText());
          else p.skipChildren();
        }
      } else if ((name.equals("schema") || name.equals("json_schema")) && value == JsonToken.START_OBJECT) {
        inner = readSchemaObject(p);
      } else {
        p.skipChildren();
      }
    }
    // OpenAI's wrapper {"type": "json_schema", "json_schema": {"name", "schema": {...}}}: the inner schema counts.
    if (inner != null && (type == null || type.equals("json_schema") || required.isEmpty())) return inner;
    return new SchemaTop(type, required);
  }
}
