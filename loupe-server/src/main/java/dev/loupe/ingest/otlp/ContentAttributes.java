package dev.loupe.ingest.otlp;

/**
 * Span attributes that carry text a person wrote or a model read or produced, under the GenAI
 * conventions and the names SDKs used before them: prompts and system instructions, completions,
 * retrieved documents, and tool-call arguments and results. The capture policy decides whether a
 * stored span keeps them (off: dropped; redacted: personal data and secrets replaced), after the
 * security detectors read them in memory.
 */
public final class ContentAttributes {
  private ContentAttributes() {}

  static boolean isPrompt(String name) {
    return name.equals("gen_ai.input.messages") || name.equals("gen_ai.system_instructions")
        || name.startsWith("gen_ai.prompt") || name.startsWith("llm.input_messages") || name.equals("input.value");
  }

  static boolean isCompletion(String name) {
    return name.equals("gen_ai.output.messages") || name.startsWith("gen_ai.completion")
        || name.startsWith("llm.output_messages") || name.equals("output.value");
  }

  /** Documents a retrieval returned and what tools were called with or answered: context of the prompt. */
  static boolean isContext(String name) {
    return name.equals("gen_ai.retrieval.documents") || name.startsWith("retrieval.documents.")
        || name.equals("gen_ai.tool.call.arguments") || name.equals("gen_ai.tool.call.result")
        || name.startsWith("llm.tools") || name.startsWith("tool.parameters") || name.startsWith("tool_call.");
  }

  /** Whether the attribute is a completion's text (kept under the policy for completions). */
  public static boolean holdsCompletion(String name) {
    return isCompletion(name);
  }

  /** Whether the attribute is prompt-side text: the prompt, system instructions, documents, tool calls. */
  public static boolean holdsPromptSide(String name) {
    return isPrompt(name) || isContext(name);
  }
}
