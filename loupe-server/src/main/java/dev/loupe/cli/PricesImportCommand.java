package dev.loupe.cli;

import dev.loupe.server.ConfigException;
import dev.loupe.server.PriceCatalogFile;
import dev.loupe.server.PriceImport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code loupe prices import FILE}: turns LiteLLM's {@code model_prices_and_context_window.json}
 * or Langfuse's model prices into a Loupe price catalog file, for {@code prices.files} in
 * {@code loupe.yml}.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
        "Convert LiteLLM's model_prices_and_context_window.json or Langfuse's model prices (default-model-prices.json,"
            + " or its /api/public/models answer) into a Loupe price catalog (YAML), for prices.files in loupe.yml.",
        "The format is detected from the file's shape. Prices per token become prices per million tokens;"
            + " entries not priced per token (images, audio, requests) are left out and counted on stderr."})
final class PricesImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The LiteLLM or Langfuse JSON file.")
  Path file;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the catalog here instead of stdout.")
  Path output;

  @Option(names = "--format", paramLabel = "litellm|langfuse", description = "The input's format (default: detected).")
  String format;

  @Option(names = "--start-date", paramLabel = "YYYY-MM-DD",
      description = "The day the imported prices apply from, for entries the file does not date (LiteLLM's);"
          + " default: since always.")
  String startDate;

  @Override
  public Integer call() {
    PriceImport.Format f;
    LocalDate start;
    try {
      f = format == null ? null : PriceImport.Format.parse(format);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--format: " + e.getMessage());
    }
    try {
      start = startDate == null ? null : LocalDate.parse(startDate);
    } catch (DateTimeParseException e) {
      throw new ParameterException(spec.commandLine(), "--start-date must be a day like 2025-06-10, got " + startDate);
    }
    PriceImport.Result result;
    try {
      result = PriceImport.read(file, f, start);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 1;
    }
    String header = "# Imported by `loupe prices import` from " + file.getFileName() + " (" + result.format().title()
        + "): " + result.models().size() + " models, " + result.skipped().size() + " entries left out.\n"
        + "# Prices in US dollars per million tokens. List this file under prices.files in loupe.yml:\n"
        + "# its entries then win over the shipped defaults of the same name and start date.\n";
    String yaml = PriceCatalogFile.write(
        new PriceCatalogFile.Content(result.models(), null, null), header);
    // What is written must load: a pattern Java cannot run would otherwise fail at start-up.
    PriceCatalogFile.parse(yaml, "the imported catalog");
    if (output == null) {
      System.out.print(yaml);
    } else {
      try {
        Files.writeString(output, yaml, StandardCharsets.UTF_8);
      } catch (IOException e) {
        System.err.println(output + ": cannot write: " + e.getMessage());
        return 1;
      }
    }
    System.err.println(summary(result));
    return 0;
  }

  /** "imported 3 models (LiteLLM …); left out 2: mode image_generation is not priced per token (1), …". */
  static String summary(PriceImport.Result r) {
    StringBuilder b = new StringBuilder("imported " + r.models().size() + " models (" + r.format().title() + ")");
    if (r.skipped().isEmpty()) return b.toString();
    Map<String, Integer> reasons = new LinkedHashMap<>();
    for (String s : r.skipped()) {
      int colon = s.indexOf(": ");
      reasons.merge(colon < 0 ? s : s.substring(colon + 2), 1, Integer::sum);
    }
    b.append("; left out ").append(r.skipped().size()).append(':');
    reasons.forEach((reason, n) -> b.append(System.lineSeparator()).append("  ").append(reason).append(" (").append(n)
        .append(')'));
    return b.toString();
  }
}
