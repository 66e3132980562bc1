package dev.loupe.evaluate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A chat-completions answer read as the judge's verdict: the message content must hold a JSON
 * object with a {@code score} between 0 and 1 (a number, or a number in a string) and may hold a
 * {@code reason}. The content may wrap the object in a fence or a sentence; models do.
 *
 * @param tokens the tokens the endpoint reported ({@code usage.total_tokens}), or -1
 */
record JudgeAnswer(double score, String reason, long tokens) {
  static final int MAX_REASON_CHARS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why an answer could not be read; the message names the part at fault, never its text. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  static JudgeAnswer parse(String body) throws Unreadable {
    JsonNode root = tree(body, "the answer is not JSON");
    JsonNode content = root.path("choices").path(0).path("message").path("content");
    String text = contentText(content);
    if (text == null) throw new Unreadable("the answer has no choices[0].message.content");
    JsonNode verdict = verdict(text);
    JsonNode score = verdict.get("score");
    double value;
    if (score != null && score.isNumber()) {
      value = score.asDouble();
    } else if (score != null && score.isTextual()) {
      try {
        value = Double.parseDouble(score.asText().strip());
      } catch (NumberFormatException e) {
        throw new Unreadable("score is not a number");
      }
    } else {
      throw new Unreadable("the verdict has no numeric score");
    }
    if (!(value >= 0 && value <= 1)) throw new Unreadable("score " + value + " is outside 0..1");
    JsonNode reason = verdict.get("reason");
    String r = reason == null || reason.isNull() ? null : reason.isTextual() ? reason.asText() : reason.toString();
    if (r != null && r.length() > MAX_REASON_CHARS) r = r.substring(0, MAX_REASON_CHARS) + "…";
    return new JudgeAnswer(value, r == null || r.isBlank() ? null : r.strip(), tokens(root));
  }

  /** The tokens an answer reports using, whatever else it holds; -1 when it says nothing readable. */
  static long reportedTokens(String body) {
    try {
      return tokens(JSON.readTree(body));
    } catch (JsonProcessingException | RuntimeException e) {
      return -1;
    }
  }

  private static long tokens(JsonNode root) {
    if (root == null) return -1;
    JsonNode usage = root.path("usage");
    if (usage.path("total_tokens").isIntegralNumber()) return usage.path("total_tokens").asLong();
    if (usage.path("prompt_tokens").isIntegralNumber() || usage.path("completion_tokens").isIntegralNumber()) {
      return usage.path("prompt_tokens").asLong(0) + usage.path("completion_tokens").asLong(0);
    }
    return -1;
  }

  /** The message's text: a string, or the text parts of a content array. */
  private static String contentText(JsonNode content) {
    if (content.isTextual()) return content.asText();
    if (content.isArray()) {
      StringBuilder b = new StringBuilder();
      for (JsonNode part : content) {
        if (part.path("text").isTextual()) b.append(part.path("text").asText());
      }
      return b.length() == 0 ? null : b.toString();
    }
    return null;
  }

  /** The JSON object in the content: all of it, else inside a fence, else from its first brace to its last. */
  private static JsonNode verdict(String text) throws Unreadable {
    String t = text.strip();
    if (t.startsWith("```")) {
      int open = t.indexOf('\n');
      int close = t.lastIndexOf("```");
      if (open > 0 && close > open) t = t.substring(open + 1, close).strip();
    }
    JsonNode node = null;
    try {
      node = JSON.readTree(t);
    } catch (JsonProcessingException e) {
      int first = t.indexOf('{');
      int last = t.lastIndexOf('}');
      if (first >= 0 && last > first) node = tree(t.substring(first, last + 1), "the verdict is not JSON");
    }
    if (node == null || !node.isObject()) throw new Unreadable("the verdict is not a JSON object");
    return node;
  }

  private static JsonNode tree(String text, String problem) throws Unreadable {
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || n.isMissingNode()) throw new Unreadable(problem);
      return n;
    } catch (JsonProcessingException e) {
      throw new Unreadable(problem);
    }
  }
}
