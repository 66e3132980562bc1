package dev.loupe.ingest.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.model.InferenceContext;
import dev.loupe.model.InvalidRecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The optional fields of an inference event that the quality evaluators read and Loupe never
 * stores: {@code retrieved_context} (the RAG documents: a string, or an array of strings or of
 * objects with {@code text}, {@code content} or {@code page_content}), {@code response_format}
 * (OpenAI's shape: a type such as {@code "json_object"}, or {@code {"type": "json_schema",
 * "json_schema": {...}}}) and {@code summary_source} (the text a summary should cover).
 */
final class InferenceContextJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InferenceContextJson() {}

  static InferenceContext read(FieldReader f) {
    List<String> documents = documents(f.fields().get("retrieved_context"));
    String type = null;
    String schema = null;
    Object format = f.fields().get("response_format");
    if (format instanceof String s) {
      type = s;
    } else if (format instanceof Map<?, ?> m) {
      Object t = m.get("type");
      if (t != null && !(t instanceof String)) throw new InvalidRecordException("response_format", "type must be a string");
      type = (String) t;
      Object s = m.containsKey("json_schema") ? m.get("json_schema") : m.get("schema");
      if (s != null) schema = text(s);
    } else if (format != null) {
      throw new InvalidRecordException("response_format", "must be a string or an object with a type, got " + FieldReader.kind(format));
    }
    return new InferenceContext(documents, type, schema, f.string("summary_source"));
  }

  private static List<String> documents(Object v) {
    if (v == null) return List.of();
    if (v instanceof String s) return List.of(s);
    if (!(v instanceof List<?> list)) {
      throw new InvalidRecordException("retrieved_context", "must be a string or an array, got " + FieldReader.kind(v));
    }
    List<String> out = new ArrayList<>();
    for (Object item : list) {
      if (item instanceof String s) {
        out.add(s);
      } else if (item instanceof Map<?, ?> m) {
        Object text = m.get("text") != null ? m.get("text") : m.get("content") != null ? m.get("content") : m.get("page_content");
        if (text instanceof String s) out.add(s);
        else throw new InvalidRecordException("retrieved_context", "an object needs a text, content or page_content string");
      } else if (item != null) {
        throw new InvalidRecordException("retrieved_context", "must hold strings or objects, got " + FieldReader.kind(item));
      }
    }
    return out;
  }

  private static String text(Object schema) {
    if (schema instanceof String s) return s;
    try {
      return JSON.writeValueAsString(schema);
    } catch (JsonProcessingException e) {
      throw new InvalidRecordException("response_format", "json_schema cannot be read: " + e.getOriginalMessage());
    }
  }
}
