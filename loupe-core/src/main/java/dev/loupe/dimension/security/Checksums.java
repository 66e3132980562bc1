package dev.loupe.dimension.security;

/** The check digits that tell a real card number or IBAN from a number that merely looks like one. */
final class Checksums {
  private Checksums() {}

  /** Luhn (mod 10) over the digits of {@code s}, skipping every other character. */
  static boolean luhn(CharSequence s) {
    int sum = 0;
    boolean dbl = false;
    int digits = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') continue;
      int d = c - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      dbl = !dbl;
      digits++;
    }
    return digits > 0 && sum % 10 == 0;
  }

  /**
   * ISO 13616 check: the first four characters moved to the end, letters as 10..35, the number
   * mod 97 is 1. Spaces are skipped; any other non-alphanumeric character fails.
   */
  static boolean iban(CharSequence s) {
    StringBuilder compact = new StringBuilder(34);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ') continue;
      if (c >= 'a' && c <= 'z') c = (char) (c - 32);
      if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) return false;
      compact.append(c);
    }
    if (compact.length() < 5) return false;
    int rem = 0;
    int n = compact.length();
    for (int k = 0; k < n; k++) {
      char c = compact.charAt((k + 4) % n);
      if (c <= '9') {
        rem = (rem * 10 + (c - '0')) % 97;
      } else {
        rem = (rem * 100 + (c - 'A' + 10)) % 97;
      }
    }
    return rem == 1;
  }
}
