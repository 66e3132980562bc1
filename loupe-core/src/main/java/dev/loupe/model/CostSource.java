package dev.loupe.model;

import java.util.Locale;

/** Where an inference's cost came from. */
public enum CostSource {
  /** The sender said what it cost ({@code gen_ai.usage.cost}, {@code cost}); it wins over the catalog. */
  REPORTED,
  /** Loupe priced the tokens with its price catalog at ingest. */
  CATALOG,
  /** A provisioned deployment paid by the hour: no cost per inference, the hours are the spend. */
  PROVISIONED,
  /** Nothing prices it (a model the catalog does not know, or no token counts): never counted as $0. */
  UNKNOWN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire value; throws {@link InvalidRecordException} naming {@code field}. */
  public static CostSource parse(String field, String value) {
    if (value != null) {
      for (CostSource s : values()) {
        if (s.wireName().equalsIgnoreCase(value)) return s;
      }
    }
    throw new InvalidRecordException(field, "must be one of reported, catalog, provisioned, unknown; got " + value);
  }
}
