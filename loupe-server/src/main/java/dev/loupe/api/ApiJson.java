package dev.loupe.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes API answers as JSON with Loupe's one ObjectMapper, and the error shape of the wire contract. */
final class ApiJson {
  static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

  private ApiJson() {}

  static void write(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize an API answer", e);
    }
  }

  /** {@code {"error": "...", "details": [...]}}, as DESIGN.md's wire contract says. */
  static void error(Context ctx, int status, String message, List<?> details) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("details", details);
    write(ctx, status, body);
  }

  static String time(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }
}
