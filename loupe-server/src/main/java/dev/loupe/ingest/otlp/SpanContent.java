package dev.loupe.ingest.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text a span carries, under the GenAI conventions and the names SDKs used before them: a
 * model call's prompt ({@code gen_ai.system_instructions} and {@code gen_ai.input.messages}, or
 * {@code gen_ai.prompt}, OpenInference's {@code llm.input_messages.N.message.content} or
 * {@code input.value}) and completion ({@code gen_ai.output.messages}, {@code gen_ai.completion},
 * {@code llm.output_messages.N.message.content} or {@code output.value}), and a retrieval's
 * documents ({@code gen_ai.retrieval.documents}, or OpenInference's
 * {@code retrieval.documents.N.document.content}). Messages are read as the conventions write
 * them, a JSON array (as text or structured) of {@code {role, parts: [{type, content}]}} or the
 * older {@code {role, content}}; their text parts are joined by blank lines. Only what the capture
 * policy kept is here to read.
 */
final class SpanContent {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SpanContent() {}

  static String prompt(Map<String, Object> a) {
    String messages = messages(a.get("gen_ai.input.messages"));
    String instructions = messages(a.get("gen_ai.system_instructions"));
    String joined = join(instructions, messages);
    if (joined != null) return joined;
    return first(text(a.get("gen_ai.prompt")), indexed(a, "llm.input_messages.", ".message.content"), text(a.get("input.value")));
  }

  static String completion(Map<String, Object> a) {
    return first(messages(a.get("gen_ai.output.messages")), text(a.get("gen_ai.completion")),
        indexed(a, "llm.output_messages.", ".message.content"), text(a.get("output.value")));
  }

  /** The documents a retrieval span returned, in their order; empty when it names none. */
  static List<String> documents(Map<String, Object> a) {
    List<String> out = new ArrayList<>();
    for (Object d : list(a.get("gen_ai.retrieval.documents"))) {
      if (d instanceof Map<?, ?> m) {
        Object text = m.get("content") != null ? m.get("content") : m.get("text");
        if (text instanceof String s) out.add(s);
      } else if (d instanceof String s) {
        out.add(s);
      }
    }
    if (out.isEmpty()) out.addAll(indexedList(a, "retrieval.documents.", ".document.content"));
    return out;
  }

  /** The format a call asked for: {@code gen_ai.output.type} ({@code json}…) or OpenAI's request attribute. */
  static String responseFormat(Map<String, Object> a) {
    String t = first(text(a.get("gen_ai.openai.request.response_format")), text(a.get("gen_ai.output.type")));
    return t == null ? null : t.equals("json") ? "json_object" : t;
  }

  private static String messages(Object v) {
    List<String> texts = new ArrayList<>();
    for (Object m : list(v)) {
      if (!(m instanceof Map<?, ?> message)) continue;
      Object content = message.get("content");
      if (content instanceof String s) texts.add(s);
      for (Object part : list(message.get("parts"))) {
        if (part instanceof Map<?, ?> p && p.get("content") instanceof String s
            && (p.get("type") == null || "text".equals(p.get("type")))) {
          texts.add(s);
        }
      }
    }
    return texts.isEmpty() ? null : String.join("\n\n", texts);
  }

  /** A JSON array given as text, or already structured; anything else is no list. */
  private static List<?> list(Object v) {
    if (v instanceof List<?> l) return l;
    if (v instanceof String s && s.stripLeading().startsWith("[")) {
      try {
        return JSON.readValue(s, List.class);
      } catch (JsonProcessingException e) {
        return List.of();
      }
    }
    return List.of();
  }

  private static String indexed(Map<String, Object> a, String prefix, String suffix) {
    List<String> parts = indexedList(a, prefix, suffix);
    return parts.isEmpty() ? null : String.join("\n\n", parts);
  }

  private static List<String> indexedList(Map<String, Object> a, String prefix, String suffix) {
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    for (Map.Entry<String, Object> e : a.entrySet()) {
      String k = e.getKey();
      if (!k.startsWith(prefix) || !k.endsWith(suffix) || !(e.getValue() instanceof String s)) continue;
      try {
        byIndex.put(Integer.parseInt(k.substring(prefix.length(), k.length() - suffix.length())), s);
      } catch (NumberFormatException notAnIndex) {
        // another attribute under the same prefix
      }
    }
    return new ArrayList<>(byIndex.values());
  }

  private static String text(Object v) {
    return v instanceof String s && !s.isBlank() ? s : null;
  }

  private static String join(String a, String b) {
    if (a == null) return b;
    return b == null ? a : a + "\n\n" + b;
  }

  private static String first(String... candidates) {
    for (String c : candidates) if (c != null) return c;
    return null;
  }
}
