package dev.loupe.ingest.otlp;

/**
 * Span attributes that carry prompt or completion text, under the GenAI conventions and the
 * names SDKs used before them. They are dropped on arrival unless the capture policy keeps them.
 */
final class ContentAttributes {
  private ContentAttributes() {}

  static boolean isPrompt(String name) {
    return name.equals("gen_ai.input.messages") || name.equals("gen_ai.system_instructions")
        || name.startsWith("gen_ai.prompt") || name.startsWith("llm.input_messages") || name.equals("input.value");
  }

  static boolean isCompletion(String name) {
    return name.equals("gen_ai.output.messages") || name.startsWith("gen_ai.completion")
        || name.startsWith("llm.output_messages") || name.equals("output.value");
  }
}
