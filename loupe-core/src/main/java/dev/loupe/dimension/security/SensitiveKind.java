package dev.loupe.dimension.security;

import java.util.Locale;

/** A kind of personal data or secret the redactor knows, with the placeholder that replaces it. */
public enum SensitiveKind {
  EMAIL(false, false),
  PHONE(false, false),
  CARD_NUMBER(false, true),
  IBAN(false, false),
  US_SSN(false, true),
  AWS_ACCESS_KEY(true, true),
  AWS_SECRET_KEY(true, true),
  AZURE_CONNECTION_STRING(true, true),
  GCP_SERVICE_ACCOUNT_KEY(true, true),
  GITHUB_TOKEN(true, true),
  OPENAI_API_KEY(true, true),
  JWT(true, true),
  PRIVATE_KEY(true, true),
  /** A configured canary token; found by the scanner, not by the pattern detector. */
  CANARY(true, true);

  private final boolean secret;
  private final boolean critical;
  private final String placeholder;

  SensitiveKind(boolean secret, boolean critical) {
    this.secret = secret;
    this.critical = critical;
    this.placeholder = "<" + name() + ">";
  }

  /** A credential (finding kind {@code secret_in_completion}) rather than personal data. */
  public boolean secret() {
    return secret;
  }

  /** Leaked in a completion, this is critical (cards, SSNs, every secret); else a warning. */
  public boolean critical() {
    return critical;
  }

  /** What a redacted text shows instead, e.g. {@code <CARD_NUMBER>}. */
  public String placeholder() {
    return placeholder;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
