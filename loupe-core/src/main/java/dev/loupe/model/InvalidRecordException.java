package dev.loupe.model;

/** A record broke one of its invariants. {@link #field()} names the offending wire field. */
public final class InvalidRecordException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String field;
  private final String reason;

  public InvalidRecordException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  /** Why, without the field: for answers that name the field apart or under a longer path. */
  public String reason() {
    return reason;
  }
}
