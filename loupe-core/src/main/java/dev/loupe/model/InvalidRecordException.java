package dev.loupe.model;

/** A record broke one of its invariants. {@link #field()} names the offending wire field. */
public final class InvalidRecordException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidRecordException(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
