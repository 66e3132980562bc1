package dev.loupe.model;

import java.util.Locale;

/** How an inference ended, as seen by the caller. */
public enum Outcome {
  OK,
  ERROR,
  /** Refused for quota or rate (HTTP 429). */
  THROTTLED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the wire value; throws {@link InvalidRecordException} naming {@code field}. */
  public static Outcome parse(String field, String value) {
    if (value != null) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "ok":
        case "success":
          return OK;
        case "error":
        case "failed":
          return ERROR;
        case "throttled":
          return THROTTLED;
        default:
          break;
      }
    }
    throw new InvalidRecordException(field, "must be one of ok, error, throttled; got " + value);
  }

  /** The outcome implied by an HTTP status when the sender gave none. */
  public static Outcome fromHttpStatus(int status) {
    if (status == 429) {
      return THROTTLED;
    }
    return status >= 400 ? ERROR : OK;
  }
}
