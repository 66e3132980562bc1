package dev.loupe.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The OTLP JSON mapping read into protobuf messages. It is protobuf's JSON mapping except that
 * trace and span ids are hex, not base64, so they are converted before protobuf's parser reads
 * the tree.
 */
final class OtlpJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final HexFormat HEX = HexFormat.of();
  private static final Set<String> IDS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");

  private OtlpJson() {}

  static void merge(byte[] body, Message.Builder into) throws MalformedOtlp {
    try {
      JsonNode tree = JSON.readTree(body);
      if (tree == null || !tree.isObject()) throw new MalformedOtlp("the body is not a JSON object");
      hexIdsToBase64(tree);
      PARSER.merge(JSON.writeValueAsString(tree), into);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var l = e.getLocation();
      throw new MalformedOtlp("malformed JSON" + (l == null ? "" : " at line " + l.getLineNr()
          + ", column " + l.getColumnNr()) + ": " + e.getOriginalMessage());
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedOtlp(
          "the JSON is not an OTLP " + into.getDescriptorForType().getName() + ": " + e.getMessage());
    }
  }

  private static void hexIdsToBase64(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (IDS.contains(e.getKey()) && e.getValue().isTextual()) {
          String hex = e.getValue().asText();
          try {
            e.setValue(JSON.getNodeFactory().textNode(Base64.getEncoder().encodeToString(HEX.parseHex(hex))));
          } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(e.getKey() + " '" + hex + "' is not hex");
          }
        } else {
          hexIdsToBase64(e.getValue());
        }
      }
    } else if (node.isArray()) {
      for (JsonNode n : node) hexIdsToBase64(n);
    }
  }
}
