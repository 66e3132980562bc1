package dev.loupe.server;

/**
 * A value a config record refused, naming the key under the record it belongs to, so the error
 * points at that key's line rather than at the record's first one.
 */
final class ConfigValueException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String key;

  ConfigValueException(String key, String message) {
    super(message);
    this.key = key;
  }

  String key() {
    return key;
  }
}
