package dev.loupe.dimension.security;

import java.util.List;

/**
 * The texts of one inference that {@link SecurityScanner} reads; any may be null or empty.
 *
 * @param systemPrompt the system message as sent (an attacker-supplied override is scanned too)
 * @param prompt the user's prompt
 * @param completion the model's answer
 * @param toolArguments arguments of tool calls the model made (JSON text as sent)
 * @param retrieved documents and tool outputs placed in the context, with their provenance
 */
public record ScanInput(
    String systemPrompt, String prompt, String completion, List<String> toolArguments, List<RetrievedChunk> retrieved) {
  public ScanInput {
    toolArguments = toolArguments == null ? List.of() : List.copyOf(toolArguments);
    retrieved = retrieved == null ? List.of() : List.copyOf(retrieved);
  }

  public static ScanInput of(String prompt, String completion) {
    return new ScanInput(null, prompt, completion, List.of(), List.of());
  }

  public ScanInput withSystemPrompt(String system) {
    return new ScanInput(system, prompt, completion, toolArguments, retrieved);
  }

  public ScanInput withRetrieved(List<RetrievedChunk> chunks) {
    return new ScanInput(systemPrompt, prompt, completion, toolArguments, chunks);
  }

  public ScanInput withToolArguments(List<String> arguments) {
    return new ScanInput(systemPrompt, prompt, completion, arguments, retrieved);
  }
}
