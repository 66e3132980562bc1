package dev.loupe.dimension.model.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loupe.dimension.model.quality.RequestedFormat.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StructuredOutputTest {
  static final RequestedFormat JSON_OBJECT = RequestedFormat.fromResponseFormat("json_object", null);
  static final RequestedFormat PROMPT_JSON = RequestedFormat.fromPrompt("Return the result as JSON.");
  static final String SCHEMA = """
      {"type": "json_schema", "json_schema": {"name": "person", "strict": true, "schema": {
        "type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"], "additionalProperties": false}}}""";

  @Test
  void aJsonObjectPasses() {
    assertThat(JsonAnswerCheck.check("{\"name\": \"Ada\", \"age\": 36, \"tags\": [\"math\", {\"x\": null}]}", JSON_OBJECT))
        .isEqualTo(Verdict.VALID);
  }

  @Test
  void truncatedJsonFailsWithItsPlaceNotItsText() {
    Verdict v = JsonAnswerCheck.check("{\"name\": \"Ada\", \"bio\": \"Secret words here", JSON_OBJECT);
    assertThat(v.valid()).isFalse();
    assertThat(v.reason()).startsWith("not JSON at line 1, column").doesNotContain("Secret");
  }

  @Test
  void proseAroundJsonFails() {
    Verdict v = JsonAnswerCheck.check("Sure! Here is the JSON: {\"a\": 1}", PROMPT_JSON);
    assertThat(v.valid()).isFalse();
    assertThat(v.reason()).doesNotContain("Sure");
    assertThat(JsonAnswerCheck.check("{\"a\": 1} I hope this helps!", PROMPT_JSON).valid()).isFalse();
    assertThat(JsonAnswerCheck.check("{\"a\": 1} {\"b\": 2}", PROMPT_JSON).reason()).isEqualTo("more than one JSON value");
  }

  @Test
  void aFenceCountsWhenOnlyThePromptAskedButNotInJsonMode() {
    String fenced = "```json\n{\"a\": 1}\n```";
    assertThat(JsonAnswerCheck.check(fenced, PROMPT_JSON).valid()).isTrue();
    assertThat(JsonAnswerCheck.check(fenced, JSON_OBJECT).valid()).isFalse();
  }

  @Test
  void jsonModeWantsAnObject() {
    assertThat(JsonAnswerCheck.check("[1, 2, 3]", JSON_OBJECT).reason()).isEqualTo("not a JSON object");
    assertThat(JsonAnswerCheck.check("[1, 2, 3]", PROMPT_JSON).valid()).isTrue();
  }

  @Test
  void aSchemaChecksTopLevelTypeAndRequiredKeys() {
    RequestedFormat format = RequestedFormat.fromResponseFormat("json_schema", SCHEMA);
    assertThat(JsonAnswerCheck.check("{\"name\": \"Ada\", \"age\": 36}", format).valid()).isTrue();
    assertThat(JsonAnswerCheck.check("{\"name\": \"Ada\"}", format).reason()).isEqualTo("required key missing: age");
    assertThat(JsonAnswerCheck.check("[{\"name\": \"Ada\", \"age\": 36}]", format).reason()).isEqualTo("not a JSON object");
    RequestedFormat bare = RequestedFormat.fromResponseFormat("json_schema",
        "{\"type\": \"array\", \"items\": {\"type\": \"string\"}}");
    assertThat(JsonAnswerCheck.check("[\"a\"]", bare).valid()).isTrue();
    assertThat(JsonAnswerCheck.check("{\"a\": 1}", bare).reason()).isEqualTo("not a JSON array");
    RequestedFormat unreadable = RequestedFormat.fromResponseFormat("json_schema", "{not a schema");
    assertThat(JsonAnswerCheck.check("{\"a\": 1}", unreadable).valid()).isTrue();
  }

  @Test
  void emptyIsInvalid() {
    assertThat(JsonAnswerCheck.check("  ", JSON_OBJECT)).isEqualTo(Verdict.invalid("empty answer"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Respond in JSON with the keys name and age.",
      "Return the extracted fields as a JSON object.",
      "Answer only with valid JSON.",
      "Output strictly JSON, no prose.",
      "Give me the list as JSON: [...]",
      "Could you format the answer as JSON?",
      "Réponds au format JSON avec les clés nom et âge.",
      "Antworte als JSON mit den Feldern name und alter.",
      "Responde en formato JSON.",
      "请以JSON格式返回结果。",
      "結果をJSON形式で返してください。"})
  void promptsThatAskForJson(String prompt) {
    assertThat(RequestedFormat.fromPrompt(prompt).kind()).isEqualTo(Kind.JSON);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "How do I parse JSON in Python?",
      "How do I return data as JSON in Flask?",
      "What is the difference between JSON and YAML?",
      "Write a Python function that stores dates in JSON.",
      "Give me an example of JSON.",
      "Explain this error: Unexpected token < in JSON at position 0"})
  void promptsThatOnlyMentionJson(String prompt) {
    assertThat(RequestedFormat.fromPrompt(prompt).kind()).isNotEqualTo(Kind.JSON);
  }

  @Test
  void promptsThatAskForCodeNameTheLanguage() {
    assertThat(RequestedFormat.fromPrompt("Write a Python function that checks whether a number is prime."))
        .isEqualTo(new RequestedFormat(Kind.CODE, null, "python", false));
    assertThat(RequestedFormat.fromPrompt("Implement a thread-safe LRU cache class in C++.").language()).isEqualTo("c++");
    assertThat(RequestedFormat.fromPrompt("Fix this function, it crashes on empty input").language()).isNull();
    assertThat(RequestedFormat.fromPrompt("Can you write a SQL query for monthly revenue?").language()).isEqualTo("sql");
    assertThat(RequestedFormat.fromPrompt("What is the capital of France?")).isEqualTo(RequestedFormat.UNSPECIFIED);
  }

  @Test
  void declaredFormatsWinOverThePromptExceptText() {
    assertThat(RequestedFormat.resolve(JSON_OBJECT, "Write a poem.")).isEqualTo(JSON_OBJECT);
    assertThat(RequestedFormat.resolve(RequestedFormat.fromResponseFormat("text", null), "Respond in JSON.").kind())
        .isEqualTo(Kind.JSON);
    assertThat(RequestedFormat.resolve(RequestedFormat.fromResponseFormat("image", null), "Respond in JSON.").kind())
        .isEqualTo(Kind.OTHER);
    assertThat(RequestedFormat.fromResponseFormat("JSON", null).kind()).isEqualTo(Kind.JSON);
    assertThat(RequestedFormat.fromResponseFormat(null, null)).isEqualTo(RequestedFormat.UNSPECIFIED);
  }

  // --- code blocks

  @Test
  void closedFencesWithBalancedBracketsPass() {
    String answer = "Here it is:\n```python\ndef is_prime(n):\n    if n < 2:  # no primes below 2 (see [1]\n"
        + "        return False\n    return all(n % d for d in range(2, int(n ** 0.5) + 1))\n```\n"
        + "It runs in O(sqrt(n)) time.";
    assertThat(CodeBlockCheck.check(answer, "python")).isEqualTo(Verdict.VALID);
  }

  @Test
  void anAnswerCutOffInsideItsCodeFails() {
    String answer = "```java\npublic int sum(int[] xs) {\n  int s = 0;\n  for (int x : xs) {\n    s += x;\n";
    assertThat(CodeBlockCheck.check(answer, "java").reason()).isEqualTo("code fence opened at line 1 is not closed");
  }

  @Test
  void unbalancedBracketsInABlockFail() {
    String answer = "```javascript\nfunction f(a) {\n  return [a, a * 2;\n}\n```";
    assertThat(CodeBlockCheck.check(answer, "javascript").reason()).isEqualTo("code block at line 1: '[' closed by '}'");
  }

  @Test
  void stringsCommentsAndLanguageQuirksDoNotCount() {
    assertThat(CodeBlockCheck.check("```js\nconst s = \"(\"; // unmatched ) in a comment\nconst t = '[';\n```", null).valid()).isTrue();
    assertThat(CodeBlockCheck.check("```bash\necho \"${#arr[@]}\" # count (\nn=${#arr[@]}\n```", "bash").valid()).isTrue();
    assertThat(CodeBlockCheck.check("```rust\nfn first<'a>(x: &'a str) -> &'a str { &x[..1] }\nlet c = '(';\n```", null).valid()).isTrue();
    assertThat(CodeBlockCheck.check("```python\ndoc = \"\"\"a (\nmultiline [ doc\"\"\"\nx = (1, 2)\n```", null).valid()).isTrue();
    assertThat(CodeBlockCheck.check("```sql\nSELECT count(*) -- rows (all\nFROM t;\n```", null).valid()).isTrue();
  }

  @Test
  void withoutFencesOnlyBracesAndSquareBracketsCount() {
    assertThat(CodeBlockCheck.check("Steps: 1) open the file 2) edit it.", null)).isNull();
    assertThat(CodeBlockCheck.check("{\"a\": [1, 2}", null).valid()).isFalse();
  }
}
