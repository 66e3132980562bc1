package dev.loupe.dimension.model.quality;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output format a request asked for. Explicit when the request said so in its API call
 * ({@code response_format} of OpenAI-style APIs, {@code gen_ai.output.type} of the GenAI
 * conventions): the answer is then held to it strictly. Otherwise it is read from the prompt's
 * words ({@link #fromPrompt}), and a fenced answer is accepted.
 *
 * @param schema the JSON schema for {@link Kind#JSON_SCHEMA} (the schema itself, or OpenAI's
 *     {@code json_schema} object around it), else null
 * @param language the programming language asked for with {@link Kind#CODE}, lower case, or null
 * @param explicit whether the request's API parameters said so, rather than its prompt
 */
public record RequestedFormat(Kind kind, String schema, String language, boolean explicit) {
  /** What kind of output. */
  public enum Kind {
    /** Nothing said: the prompt decides. */
    UNSPECIFIED,
    /** Plain text (also the default most SDKs send): the prompt may still ask for JSON or code. */
    TEXT,
    /** A JSON value ({@code gen_ai.output.type = json}, or a prompt asking for JSON). */
    JSON,
    /** A JSON object ({@code response_format: {"type": "json_object"}}). */
    JSON_OBJECT,
    /** A JSON object following a schema ({@code response_format: {"type": "json_schema", ...}}). */
    JSON_SCHEMA,
    /** Source code, perhaps in a named language. */
    CODE,
    /** Something no evaluator checks (an image, speech). */
    OTHER
  }

  public static final RequestedFormat UNSPECIFIED = new RequestedFormat(Kind.UNSPECIFIED, null, null, false);

  public RequestedFormat {
    kind = kind == null ? Kind.UNSPECIFIED : kind;
    schema = kind == Kind.JSON_SCHEMA && schema != null && !schema.isBlank() ? schema : null;
    language = kind == Kind.CODE && language != null && !language.isBlank()
        ? language.toLowerCase(Locale.ROOT).strip() : null;
  }

  /**
   * The format a request's API parameters named: {@code json_object}, {@code json_schema} (with
   * its schema, or null), {@code json}, {@code text}; null or blank says nothing, and any other type
   * (image, speech…) is {@link Kind#OTHER}. Never throws: this runs on the ingest path.
   */
  public static RequestedFormat fromResponseFormat(String type, String schema) {
    if (type == null || type.isBlank()) return UNSPECIFIED;
    switch (type.strip().toLowerCase(Locale.ROOT)) {
      case "json_object":
        return new RequestedFormat(Kind.JSON_OBJECT, null, null, true);
      case "json_schema":
        return new RequestedFormat(Kind.JSON_SCHEMA, schema, null, true);
      case "json":
        return new RequestedFormat(Kind.JSON, null, null, true);
      case "text":
        return new RequestedFormat(Kind.TEXT, null, null, true);
      default:
        return new RequestedFormat(Kind.OTHER, null, null, true);
    }
  }

  /** Code in a named language (or null), as a request's own metadata says. */
  public static RequestedFormat code(String language) {
    return new RequestedFormat(Kind.CODE, null, language, true);
  }

  /** Instructions are read in this many characters at each end of a prompt. */
  static final int INSTRUCTION_CHARS = 4000;
  /** Prompts are folded (lower case) before matching. */
  private static final int F = Pattern.UNICODE_CHARACTER_CLASS;
  /** English needs a verb of answering before "as/in JSON": "how do I store dates in JSON?" asks for none. */
  private static final Pattern ASKS_JSON = Pattern.compile(
      "\\b(?:respond|reply|answer|return|output|format|give|provide|produce|generate|emit|structure)"
          + "\\b[^.?!\\n]{0,60}?\\b(?:as|in|into|with|using)\\s+(?:a\\s+|an\\s+|the\\s+|only\\s+)?"
          + "(?:valid\\s+|strict\\s+|proper\\s+|well-formed\\s+|raw\\s+|pure\\s+)?json\\b"
          + "|\\b(?:only|strictly)\\s+(?:output\\s+|return\\s+|respond\\s+with\\s+|reply\\s+with\\s+)?"
          + "(?:valid\\s+)?json\\b"
          + "|\\bjson\\s+only\\b|\\bvalid\\s+json\\s+(?:only|object|array)\\b"
          + "|\\bau format json\\b|\\ben json\\b|\\bals json\\b|\\bim json-format\\b|\\bin json-format\\b"
          + "|\\ben formato json\\b|\\bem (?:formato )?json\\b|\\bin formato json\\b"
          + "|json\\s*(?:格式|形式)|以\\s*json|用\\s*json",
      F);
  private static final Pattern POLITE_REQUEST = Pattern.compile("(?:can|could|would|will) you\\b|please\\b", F);
  private static final Pattern ASKS_CODE = Pattern.compile(
      "\\b(?:write|implement|create|generate|fix|refactor|complete|convert|translate|rewrite|give me|code)"
          + "\\b[^.?!\\n]{0,60}?\\b(?:function|class|method|script|program|code|query|snippet|regex|module"
          + "|implementation|endpoint|test|tests)\\b",
      F);
  private static final Pattern LANGUAGE = Pattern.compile(
      "\\b(python|java|javascript|typescript|golang|rust|c\\+\\+|c#|ruby|php|kotlin|swift|scala|sql|bash|shell"
          + "|powershell|haskell|lua|perl|yaml)(?![\\w+#])|\\bin (go)\\b",
      F);

  /**
   * The format a prompt asks for in words: JSON ("respond in JSON", "return the result as a JSON
   * object", "au format JSON", "以JSON格式"), code ("write a Python function that…"), else
   * {@link #UNSPECIFIED}. A prompt that only mentions JSON ("how do I parse JSON?") asks for none.
   */
  public static RequestedFormat fromPrompt(String prompt) {
    if (prompt == null || prompt.isBlank()) return UNSPECIFIED;
    String p = TextTerms.fold(TextTerms.ends(prompt, INSTRUCTION_CHARS));
    Matcher j = ASKS_JSON.matcher(p);
    while (j.find()) {
      if (!isQuestion(p, j.start(), j.end())) return new RequestedFormat(Kind.JSON, null, null, false);
    }
    if (ASKS_CODE.matcher(p).find()) {
      Matcher l = LANGUAGE.matcher(p);
      String language = l.find() ? (l.group(1) != null ? l.group(1) : l.group(2)) : null;
      return new RequestedFormat(Kind.CODE, null, language, false);
    }
    return UNSPECIFIED;
  }

  /**
   * Whether the sentence around a match is a question ("how do I return data as JSON in Flask?"),
   * unless it is a request put as one ("could you answer in JSON?").
   */
  private static boolean isQuestion(String p, int start, int end) {
    int sentenceStart = start;
    while (sentenceStart > 0 && ".!?\n".indexOf(p.charAt(sentenceStart - 1)) < 0) sentenceStart--;
    int sentenceEnd = end;
    while (sentenceEnd < p.length() && ".!?\n".indexOf(p.charAt(sentenceEnd)) < 0) sentenceEnd++;
    if (sentenceEnd >= p.length() || p.charAt(sentenceEnd) != '?') return false;
    return !POLITE_REQUEST.matcher(p.substring(sentenceStart, sentenceEnd).strip()).lookingAt();
  }

  /** What the request asked for: its API parameters when they name JSON, code or another kind, else its prompt. */
  static RequestedFormat resolve(RequestedFormat declared, String prompt) {
    if (declared.kind() != Kind.UNSPECIFIED && declared.kind() != Kind.TEXT) return declared;
    return fromPrompt(prompt);
  }

  boolean isJson() {
    return kind == Kind.JSON || kind == Kind.JSON_OBJECT || kind == Kind.JSON_SCHEMA;
  }
}
