package dev.loupe.dimension.cost;

import java.util.Locale;

/** What a budget's spend is counted per. */
public enum BudgetScope {
  /** All spend together. */
  ORGANISATION,
  TENANT,
  USER,
  /** Per API key, by its hash (keys are never kept in clear). */
  API_KEY,
  DEPLOYMENT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the config value ({@code organization} accepted too). */
  public static BudgetScope parse(String value) {
    if (value != null) {
      String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
      if (v.equals("organization") || v.equals("org")) return ORGANISATION;
      for (BudgetScope s : values()) {
        if (s.wireName().equals(v)) return s;
      }
    }
    throw new IllegalArgumentException(
        "scope must be one of organisation, tenant, user, api_key, deployment; got " + value);
  }
}
