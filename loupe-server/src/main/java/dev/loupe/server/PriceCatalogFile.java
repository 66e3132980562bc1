package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.loupe.dimension.cost.PriceCatalog;
import dev.loupe.server.PricesConfig.GpuPriceSpec;
import dev.loupe.server.PricesConfig.ModelPriceSpec;
import dev.loupe.server.PricesConfig.ProvisionedPriceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A price catalog file in Loupe's format (YAML): {@code models}, {@code gpus} and
 * {@code provisioned}, each a list of the entries {@link PricesConfig} describes. Faulty files
 * fail with their name, line, column and key, as {@code loupe check} reports a config. The catalog
 * shipped with Loupe is one such file, {@value #DEFAULTS_RESOURCE}.
 *
 * <pre>{@code
 * PriceCatalog catalog = PriceCatalogFile.load(config.prices());   // inline, files, then defaults
 * InferencePricer pricer = new InferencePricer(catalog);
 * }</pre>
 */
public final class PriceCatalogFile {
  static final String DEFAULTS_RESOURCE = "/dev/loupe/server/default-prices.yml";

  private static final ObjectMapper WRITER = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR))
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private static volatile PriceCatalog defaults;

  private PriceCatalogFile() {}

  /** What a catalog file holds. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Content(List<ModelPriceSpec> models, List<GpuPriceSpec> gpus, List<ProvisionedPriceSpec> provisioned) {
    public static final Content EMPTY = new Content(null, null, null);

    public Content {
      models = models == null ? List.of() : List.copyOf(models);
      gpus = gpus == null ? List.of() : List.copyOf(gpus);
      provisioned = provisioned == null ? List.of() : List.copyOf(provisioned);
    }

    public PriceCatalog toCatalog() {
      return new PriceCatalog(models.stream().map(ModelPriceSpec::toModelPrice).toList(),
          gpus.stream().map(GpuPriceSpec::toHourlyPrice).toList(),
          provisioned.stream().map(ProvisionedPriceSpec::toHourlyPrice).toList());
    }
  }

  /** Reads a catalog file. */
  public static PriceCatalog read(Path file) {
    return readContent(file).toCatalog();
  }

  static Content readContent(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "no such price catalog file");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), 0, 0, "", "cannot read: " + e.getMessage());
    }
    return parseContent(text, file.toString());
  }

  /** Reads catalog text; {@code source} names it in errors. */
  public static PriceCatalog parse(String yaml, String source) {
    return parseContent(yaml, source).toCatalog();
  }

  static Content parseContent(String yaml, String source) {
    try {
      return ConfigLoader.read(yaml, source, Content.class, Content.EMPTY);
    } catch (ConfigException e) {
      if (e.line() > 0 || e.keyPath().isEmpty()) throw e;
      // A required key left out is not in the text: point at the entry that lacks it.
      int dot = e.keyPath().lastIndexOf('.');
      var where = dot < 0 ? null : ConfigLoader.locate(yaml, e.keyPath().substring(0, dot), false, null);
      if (where == null) throw e;
      throw new ConfigException(source, where.getLineNr(), where.getColumnNr(), e.keyPath(), e.reason());
    }
  }

  /** The catalog shipped with Loupe (list prices of common models and cloud GPUs, each dated and sourced). */
  public static PriceCatalog defaults() {
    PriceCatalog d = defaults;
    if (d == null) {
      d = parse(defaultsText(), "default-prices.yml (in the jar)");
      defaults = d;
    }
    return d;
  }

  static String defaultsText() {
    try (InputStream in = PriceCatalogFile.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The catalog a config puts in force: its inline entries, then its files in order, then the
   * shipped defaults (unless {@code defaults: false}). Earlier entries win ties.
   */
  public static PriceCatalog load(PricesConfig config) {
    PriceCatalog catalog = config.inline().toCatalog();
    for (String f : config.files()) catalog = catalog.then(read(Path.of(f)));
    return config.defaults() ? catalog.then(defaults()) : catalog;
  }

  /** The content as a catalog file, after {@code header} (comment lines, each starting with {@code #}). */
  public static String write(Content content, String header) {
    try {
      return (header == null || header.isEmpty() ? "" : header.endsWith("\n") ? header : header + "\n")
          + WRITER.writeValueAsString(content);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a price catalog: " + e.getOriginalMessage(), e);
    }
  }
}
