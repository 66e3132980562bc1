package dev.loupe.ingest.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** OTLP attribute values as the text Loupe keeps in attribute maps and labels. */
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
