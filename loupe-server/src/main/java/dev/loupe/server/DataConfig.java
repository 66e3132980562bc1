package dev.loupe.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.loupe.dimension.data.PipelineKind;
import dev.loupe.dimension.data.PipelineSpec;
import dev.loupe.model.Checks;
import dev.loupe.model.InvalidRecordException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code data:} section of {@code loupe.yml}: the expected cadence of each pipeline
 * ({@code pipelines.NAME: {every: 1h, max_delay: 30m, kind: rag_index, index: kb-prod, feeds:
 * [chat-prod]}}), the span attributes that name a retrieval's index ({@code index_attributes},
 * {@code db.collection.name} by default), and the zone whose weekdays a row-count baseline
 * compares ({@code timezone}, UTC by default). A pipeline left out is still watched once it
 * reports, its cadence learnt from its runs.
 */
public record DataConfig(
    Map<String, Pipeline> pipelines,
    @JsonProperty("index_attributes") List<String> indexAttributes,
    String timezone) {
  /** Where a span names the index or collection it read. */
  public static final List<String> INDEX_ATTRIBUTES = List.of("db.collection.name");
  /** After INDEX_ATTRIBUTES, which it reads. */
  public static final DataConfig DEFAULTS = new DataConfig(null, null, null);

  public DataConfig {
    pipelines = pipelines == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(pipelines));
    for (String name : pipelines.keySet()) {
      try {
        Checks.name("pipeline", name);
      } catch (InvalidRecordException e) {
        throw new ConfigValueException("pipelines." + name, "a pipeline's name " + e.reason());
      }
    }
    if (indexAttributes == null) {
      indexAttributes = INDEX_ATTRIBUTES;
    } else {
      for (String a : indexAttributes) {
        if (a == null || a.isBlank()) throw new ConfigValueException("index_attributes", "must not contain an empty name");
      }
      indexAttributes = List.copyOf(indexAttributes);
    }
    timezone = timezone == null ? "UTC" : timezone;
    try {
      ZoneId.of(timezone);
    } catch (DateTimeException e) {
      throw new ConfigValueException("timezone", "'" + timezone + "' is not a time zone (write e.g. UTC or Europe/Paris)");
    }
  }

  /** The zone whose weekdays row counts are compared in. */
  public ZoneId zone() {
    return ZoneId.of(timezone);
  }

  /** Every configured pipeline as the data dimension reads it. */
  public List<PipelineSpec> specs() {
    List<PipelineSpec> out = new ArrayList<>();
    pipelines.forEach((name, p) -> out.add(p.toSpec(name)));
    return out;
  }

  /** One pipeline's expectations. */
  public record Pipeline(
      Duration every,
      @JsonProperty("max_delay") Duration maxDelay,
      String kind,
      String index,
      List<String> feeds) {
    public Pipeline {
      if (every != null && every.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new ConfigValueException("every", "must be at least 1m (how often a successful run is due), got "
            + DurationText.format(every));
      }
      if (maxDelay != null && maxDelay.isNegative()) {
        throw new ConfigValueException("max_delay", "must not be negative, got " + maxDelay);
      }
      if (maxDelay != null && every == null) {
        throw new ConfigValueException("max_delay", "needs every: a delay is counted past the expected cadence");
      }
      PipelineKind k;
      try {
        k = kind == null ? PipelineKind.BATCH : PipelineKind.parse(kind);
      } catch (IllegalArgumentException e) {
        throw new ConfigValueException("kind", e.getMessage());
      }
      if (index != null && k != PipelineKind.RAG_INDEX) {
        throw new ConfigValueException("index", "names the index a rag_index pipeline refreshes; set kind: rag_index");
      }
      if (feeds != null && k != PipelineKind.RAG_INDEX) {
        throw new ConfigValueException("feeds", "names the deployments a rag_index answers for; set kind: rag_index");
      }
      if (feeds != null) {
        for (String d : feeds) {
          if (d == null || d.isBlank()) throw new ConfigValueException("feeds", "must not contain an empty deployment");
        }
      }
      if (index != null && index.isBlank()) throw new ConfigValueException("index", "must not be empty");
    }

    PipelineSpec toSpec(String name) {
      return new PipelineSpec(name, kind == null ? PipelineKind.BATCH : PipelineKind.parse(kind), every, maxDelay,
          index, feeds);
    }
  }
}
