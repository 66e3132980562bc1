package dev.loupe.ingest.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OTLP attribute values as the typed values a {@link dev.loupe.model.Span} keeps, and as the text
 * Loupe keeps in log attributes and labels and reads names and numbers from.
 */
final class AnyValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AnyValues() {}

  /** Attribute values flattened to text: arrays and maps in a JSON-like form. */
  static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE -> {
        List<String> parts = new ArrayList<>();
        for (AnyValue e : v.getArrayValue().getValuesList()) parts.add(quoted(e));
        yield "[" + String.join(",", parts) + "]";
      }
      case KVLIST_VALUE -> {
        List<String> parts = new ArrayList<>();
        for (KeyValue e : v.getKvlistValue().getValuesList()) parts.add(quote(e.getKey()) + ":" + quoted(e.getValue()));
        yield "{" + String.join(",", parts) + "}";
      }
      default -> "";
    };
  }

  /**
   * An attribute value with its OTLP type, the way OTLP/JSON carries it: a string, boolean, long,
   * double, list (array) or ordered map (kvlist); bytes as base64 text; an empty value as "".
   */
  static Object value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE -> {
        List<Object> values = new ArrayList<>();
        for (AnyValue e : v.getArrayValue().getValuesList()) values.add(value(e));
        yield Collections.unmodifiableList(values);
      }
      case KVLIST_VALUE -> {
        Map<String, Object> values = new LinkedHashMap<>();
        for (KeyValue e : v.getKvlistValue().getValuesList()) values.put(e.getKey(), value(e.getValue()));
        yield Collections.unmodifiableMap(values);
      }
      default -> "";
    };
  }

  /** A typed value (see {@link #value}) as text: scalars as written, arrays and maps as JSON. */
  static String text(Object v) {
    if (v == null || v instanceof String) return (String) v;
    if (v instanceof List<?> || v instanceof Map<?, ?>) {
      try {
        return JSON.writeValueAsString(v);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return v.toString();
  }

  private static String quoted(AnyValue v) {
    return v.getValueCase() == AnyValue.ValueCase.STRING_VALUE ? quote(v.getStringValue()) : text(v);
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
