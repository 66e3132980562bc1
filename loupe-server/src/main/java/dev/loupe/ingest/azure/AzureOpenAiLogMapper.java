package dev.loupe.ingest.azure;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.ingest.events.FieldReader;
import dev.loupe.model.Inference;
import dev.loupe.model.InvalidRecordException;
import dev.loupe.model.Outcome;
import dev.loupe.model.SeriesKey;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps one Azure Monitor record of an Azure OpenAI resource to an {@link Inference}: the
 * {@code RequestResponse} diagnostic log (as Event Hubs and storage deliver it, with
 * {@code properties}, or as a Log Analytics {@code AzureDiagnostics} row, with {@code properties_s}),
 * and the API Management gateway's {@code ApiManagementGatewayLlmLog} (token counts per call).
 * Field names are matched without regard to case, since the two shapes differ only in that.
 */
public final class AzureOpenAiLogMapper {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private AzureOpenAiLogMapper() {}

  /** The inference a record describes; records of other categories are rejected with a reason. */
  public static Inference map(Map<String, Object> record) {
    FieldReader f = new FieldReader(lowerCased(record));
    String time = f.firstPresent("time", "timegenerated");
    if (time == null) throw new InvalidRecordException("time", "is required (time or TimeGenerated)");
    long ts = f.requiredTimestamp(time);
    String category = f.string(f.firstPresent("category", "type"));
    boolean llmLog = category != null && category.equalsIgnoreCase("ApiManagementGatewayLlmLog")
        || f.has("prompttokens") || f.has("completiontokens");
    if (llmLog) return llmLog(f, ts);
    if (category != null && !category.equalsIgnoreCase("RequestResponse") && !category.equalsIgnoreCase("AzureDiagnostics")) {
      throw new InvalidRecordException("category", "'" + category + "' is not an Azure OpenAI RequestResponse or gateway LLM log");
    }
    FieldReader p = new FieldReader(lowerCased(properties(f)));
    Long http = f.integer(f.firstPresent("resultsignature"));
    return new Inference(ts,
        new SeriesKey(resourceName(f), p.string("modeldeploymentname"), p.string("modelname"), p.string("modelversion")),
        operation(f.string(f.firstPresent("operationname"))),
        f.string(f.firstPresent("correlationid")),
        null, null, null, null, null, null,
        f.number(f.firstPresent("durationms")), null,
        outcome(http), http == null ? null : http.intValue(),
        null, null, null, null, null, null);
  }

  private static Inference llmLog(FieldReader f, long ts) {
    return new Inference(ts,
        new SeriesKey(resourceName(f), f.string("deploymentname"), f.string("modelname"), f.string("modelversion")),
        "chat", f.string(f.firstPresent("correlationid")),
        null, null, null, f.integer("prompttokens"), f.integer("completiontokens"), null,
        null, null, Outcome.OK, null, null, null, null, null, null, f.integer("totaltokens"));
  }

  /** {@code properties} as an object or a JSON string, or Log Analytics' {@code properties_s}. */
  private static Map<String, Object> properties(FieldReader f) {
    Object p = f.fields().get("properties");
    if (p == null) p = f.fields().get("properties_s");
    if (p instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> typed = (Map<String, Object>) m;
      return typed;
    }
    if (p instanceof String s && !s.isBlank()) {
      try {
        return JSON.readValue(s, MAP);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new InvalidRecordException("properties", "is not a JSON object: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new InvalidRecordException("properties", "cannot be read: " + e.getMessage());
      }
    }
    throw new InvalidRecordException("properties", "is required (modelDeploymentName, modelName, modelVersion)");
  }

  /**
   * The Azure OpenAI resource: from {@code resourceId}, or {@code Resource}. {@code f} holds
   * lower-cased field names. The metric mapper names services the same way.
   */
  static String resourceName(FieldReader f) {
    String id = f.string(f.firstPresent("resourceid", "_resourceid"));
    if (id != null) return resourceName(id);
    String r = f.string(f.firstPresent("resource", "apiid", "servicename"));
    return r == null ? null : r.toLowerCase(Locale.ROOT);
  }

  /** The last segment of a resource id, lower-cased: {@code …/ACCOUNTS/AOAI-EU} is {@code aoai-eu}. */
  static String resourceName(String resourceId) {
    return resourceId.substring(resourceId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
  }

  /** {@code ChatCompletions_Create} → {@code chat}; other operations keep their own name. */
  static String operation(String name) {
    if (name == null) return null;
    String n = name.toLowerCase(Locale.ROOT);
    if (n.startsWith("chatcompletions")) return "chat";
    if (n.startsWith("completions")) return "text_completion";
    if (n.startsWith("embeddings")) return "embeddings";
    return name;
  }

  private static Outcome outcome(Long http) {
    if (http == null) return Outcome.OK;
    if (http == 429) return Outcome.THROTTLED;
    return http >= 400 ? Outcome.ERROR : Outcome.OK;
  }

  /** The record with its field names lower-cased, since Azure's shapes differ in case only. */
  static Map<String, Object> lowerCased(Map<String, Object> record) {
    Map<String, Object> out = new HashMap<>();
    record.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

}
