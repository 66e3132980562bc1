package dev.loupe.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * What is wrong with a config file, in the words of someone who writes YAML rather than Java:
 * the position (1-based; 0 when unknown), the key path and the cause. Made from the YAML parser's
 * marks for text that is not YAML, and from Jackson's binding errors for values of the wrong kind.
 */
record ConfigProblem(int line, int column, String keyPath, String reason) {
  private static final Pattern TOKEN = Pattern.compile("'?<([a-z ]+)>'?");

  /** Text that is not YAML; {@code keyBefore} is the innermost key read before the error. */
  static ConfigProblem ofSyntax(JsonProcessingException e, String keyBefore) {
    String key = keyBefore.replaceAll("(\\[\\d+])+$", "");
    MarkedYAMLException m = marked(e);
    if (m == null) {
      JsonLocation l = e.getLocation();
      return new ConfigProblem(l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(), key,
          firstLine(e.getOriginalMessage()));
    }
    String problem = m.getProblem() == null ? "" : m.getProblem();
    String context = m.getContext() == null ? "" : m.getContext();
    Mark at = m.getProblemMark();
    if (problem.contains("(TAB)")) {
      return at(at, key, "a tab character; YAML indents with spaces only, never with tabs");
    }
    if (problem.startsWith("mapping values are not allowed")) {
      return at(at, key, "a ': ' that cannot start a key here; put each key on its own line, indented like"
          + " the keys beside it, or quote a value that contains ': '");
    }
    if (problem.startsWith("expected <block end>")) {
      return at(at, key, "this line is not indented like the keys above it");
    }
    for (String[] flow : new String[][] {{"flow sequence", "["}, {"flow mapping", "{"}}) {
      if (context.contains(flow[0]) && m.getContextMark() != null) {
        String closer = flow[1].equals("[") ? "]" : "}";
        return at(m.getContextMark(), key, "this '" + flow[1] + "' is never closed: expected ',' or '" + closer
            + "' but found " + found(problem.replaceFirst("^expected .*, but got ", "")) + " at line "
            + (at.getLine() + 1) + ", column " + (at.getColumn() + 1));
      }
    }
    return at(at, key, words(problem) + (context.isEmpty() ? "" : " (" + words(context) + ")"));
  }

  /**
   * A value that does not fit its key; {@code path} is the key path Jackson reports and
   * {@code tree} the parsed file.
   */
  static ConfigProblem ofBinding(JsonMappingException e, String path, JsonNode tree) {
    JsonNode node = at(tree, e.getPath());
    PatternSyntaxException regex = regex(e, node);
    if (regex != null) {
      String key = keyWithValue(node, regex.getPattern());
      return new ConfigProblem(0, 0, key == null ? path : path + "." + key, "'" + regex.getPattern()
          + "' is not a valid regular expression: " + lower(regex.getDescription())
          + (regex.getIndex() >= 0 ? " (at character " + (regex.getIndex() + 1) + ")" : ""));
    }
    if (e.getCause() instanceof ConfigValueException v) {
      // The value's class named the key it refuses; no need to guess it from the message.
      return new ConfigProblem(0, 0, path.isEmpty() ? v.key() : path + "." + v.key(), firstLine(v.getMessage()));
    }
    if (e.getCause() instanceof IllegalArgumentException bad && !(bad instanceof PatternSyntaxException)) {
      String message = bad.getMessage() == null ? "invalid value" : bad.getMessage();
      String key = firstWordKey(node, message);
      if (key == null) key = keyWhoseValueIsNamed(node, message);
      return new ConfigProblem(0, 0, key == null ? path : path + "." + key, firstLine(message));
    }
    if (e.getCause() instanceof InputCoercionException || String.valueOf(e.getOriginalMessage()).contains("out of range")) {
      Class<?> type = e instanceof MismatchedInputException mi ? mi.getTargetType() : null;
      boolean isLong = type == Long.class || type == long.class;
      return new ConfigProblem(0, 0, path, found(node) + " is out of range: expected a whole number from "
          + (isLong ? Long.MIN_VALUE : Integer.MIN_VALUE) + " to " + (isLong ? Long.MAX_VALUE : Integer.MAX_VALUE));
    }
    if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      return new ConfigProblem(0, 0, path, "expected " + expected(mi.getTargetType()) + ", got " + found(node));
    }
    String message = firstLine(e.getOriginalMessage());
    // Never a Java type name: Jackson puts them in backticks.
    return new ConfigProblem(0, 0, path, message.contains("`") ? "invalid value " + found(node) : message);
  }

  private static ConfigProblem at(Mark mark, String key, String reason) {
    return new ConfigProblem(mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1, key,
        reason);
  }

  private static MarkedYAMLException marked(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m) return m;
      if (t.getCause() == t) break;
    }
    return null;
  }

  /** The YAML parser's token names ({@code <stream end>}) in words. */
  private static String words(String text) {
    var m = TOKEN.matcher(text.replace("\\t(TAB)", "a tab").trim());
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String word = switch (m.group(1)) {
        case "stream end" -> "the end of the file";
        case "block end" -> "the end of an indented block";
        case "block mapping start" -> "an indented key";
        case "block sequence start" -> "an indented list";
        case "block entry" -> "a '-' list item";
        case "scalar" -> "a plain value";
        default -> m.group(1);
      };
      m.appendReplacement(b, java.util.regex.Matcher.quoteReplacement(word));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static JsonNode at(JsonNode tree, java.util.List<JsonMappingException.Reference> path) {
    JsonNode n = tree;
    for (JsonMappingException.Reference r : path) {
      if (n == null) return null;
      n = r.getFieldName() != null ? n.get(r.getFieldName()) : n.get(r.getIndex());
    }
    return n;
  }

  /** The regex that broke the value: a field of it that names a regex and does not compile. */
  private static PatternSyntaxException regex(JsonMappingException e, JsonNode node) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof PatternSyntaxException p) return p;
    }
    String message = e.getCause() == null ? "" : String.valueOf(e.getCause().getMessage());
    if (node == null || !node.isObject() || !message.contains("regex")) return null;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isTextual() || !message.contains(f.getValue().asText())) continue;
      try {
        Pattern.compile(f.getValue().asText());
      } catch (PatternSyntaxException p) {
        return p;
      }
    }
    return null;
  }

  private static String keyWithValue(JsonNode node, String value) {
    if (node == null || !node.isObject()) return null;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getValue().isTextual() && f.getValue().asText().equals(value)) return f.getKey();
    }
    return null;
  }

  /** A message that starts with one of the map's keys ("class is required") is about that key. */
  private static String firstWordKey(JsonNode node, String message) {
    if (node == null || !node.isObject()) return null;
    String first = message.split("[ :']", 2)[0];
    return node.has(first) ? first : null;
  }

  /** A message naming one value of the map ("got 70000") is about that value's key. */
  private static String keyWhoseValueIsNamed(JsonNode node, String message) {
    if (node == null || !node.isObject()) return null;
    String found = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getValue().isValueNode() || f.getValue().asText().isEmpty()) continue;
      if (Pattern.compile("(^|\\W)" + Pattern.quote(f.getValue().asText()) + "($|\\W)").matcher(message).find()) {
        if (found != null) return null;
        found = f.getKey();
      }
    }
    return found;
  }

  /** What the YAML parser found instead, in words: a token's name, or the character quoted. */
  private static String found(String token) {
    String t = token.trim();
    return TOKEN.matcher(t).matches() ? words(t) : "'" + t.replaceAll("^'|'$", "") + "'";
  }

  private static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class
        || type == Short.class || type == short.class || type == java.math.BigInteger.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class || type == Float.class || type == float.class) return "a number";
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (type == String.class) return "text";
    if (type == Duration.class) return "a duration (e.g. 500ms, 15s, 5m, 1h, 30d)";
    if (Collection.class.isAssignableFrom(type) || type.isArray()) return "a list";
    return "a map of keys";
  }

  private static String found(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) return "nothing";
    if (node.isTextual()) return "\"" + node.asText() + "\"";
    if (node.isArray()) return "a list";
    if (node.isObject()) return "a map of keys";
    return node.asText();
  }

  private static String lower(String s) {
    return s == null || s.isEmpty() ? "invalid" : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static String firstLine(String s) {
    if (s == null) return "invalid value";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
