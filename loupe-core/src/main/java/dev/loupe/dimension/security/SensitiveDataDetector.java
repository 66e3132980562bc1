package dev.loupe.dimension.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data and secrets in a text and redacts them with typed placeholders:
 *
 * <pre>{@code
 * SensitiveDataDetector detector = SensitiveDataDetector.standard();
 * detector.redact("mail jo@acme.io, card 4539 1488 0343 6467");
 * // "mail <EMAIL>, card <CARD_NUMBER>"
 * }</pre>
 *
 * <p>Every detector starts from a cheap literal (an {@code @}, a digit run, {@code AKIA},
 * {@code sk-}, {@code eyJ}…) and only then checks the shape, so a text without any costs one pass.
 * Numbers must pass their check digits (Luhn for cards, mod-97 for IBANs); documentation examples
 * and placeholders ({@code AKIAIOSFODNN7EXAMPLE}, {@code sk-xxxxxxxx}, "your-api-key-here",
 * well-known test card numbers) are not reported. Thread-safe.
 */
public final class SensitiveDataDetector {
  private static final SensitiveDataDetector STANDARD = new SensitiveDataDetector();

  /** Card numbers every payment provider documents for testing; seeing one leaks nothing. */
  private static final Set<String> TEST_CARDS = Set.of(
      "4111111111111111", "4242424242424242", "4000056655665556", "5555555555554444",
      "5105105105105100", "2223003122003222", "378282246310005", "371449635398431",
      "6011111111111117", "6011000990139424", "3056930009020004", "4012888888881881",
      "3566002020360505", "4000000000000002", "4000000000000077", "5200828282828210", "6200000000000005",
      "36227206271667", "4000002500003155", "4000000000003220", "5454545454545454", "6011981111111113");
  /** The SSNs printed on a 1938 wallet insert and in a 1960s advertisement: famous, never valid. */
  private static final Set<String> KNOWN_FAKE_SSNS = Set.of("078051120", "219099999", "123456789");
  /** The example token of jwt.io, quoted in countless tutorials. */
  private static final String JWT_IO_SIGNATURE = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  private static final Set<String> RESERVED_DOMAINS = Set.of("example.com", "example.org", "example.net");
  private static final Set<String> RESERVED_TLDS = Set.of("example", "test", "invalid", "localhost", "local", "tld");
  /** "icon@2x.png" is a file name; these are never top-level domains in practice. */
  private static final Set<String> FILE_EXTENSIONS = Set.of(
      "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "ts", "css", "map", "json", "txt", "md", "py");

  private static final String[] AWS_PREFIXES = {"AKIA", "ASIA", "ABIA", "ACCA"};
  private static final String[] GITHUB_PREFIXES = {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"};
  private static final String[] OPENAI_SUBPREFIXES = {"proj-", "svcacct-", "admin-", "ant-api03-", "ant-"};
  private static final Pattern AWS_SECRET_IN_CONTEXT = Pattern.compile(
      "(?i:aws_?secret_?access_?key|secret_?access_?key|aws_?secret(?:_?key)?)[\"']?\\s*[:=]\\s*[\"']?"
          + "([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])");
  private static final Pattern BASE64_40 = Pattern.compile("(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])");
  private static final Pattern GCP_KEY_ID = Pattern.compile("\"private_key_id\"\\s*:\\s*\"([0-9a-f]{40})\"");

  /** IBAN length per country (ISO 13616 registry), for the countries most traffic comes from. */
  private static final Map<String, Integer> IBAN_LENGTHS = Map.ofEntries(
      Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AT", 20), Map.entry("AZ", 28),
      Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22),
      Map.entry("BR", 29), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28),
      Map.entry("CZ", 24), Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("DO", 28),
      Map.entry("EE", 20), Map.entry("EG", 29), Map.entry("ES", 24), Map.entry("FI", 18),
      Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22), Map.entry("GE", 22),
      Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28),
      Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23),
      Map.entry("IQ", 23), Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30),
      Map.entry("KW", 30), Map.entry("KZ", 20), Map.entry("LB", 28), Map.entry("LI", 21),
      Map.entry("LT", 20), Map.entry("LU", 20), Map.entry("LV", 21), Map.entry("MC", 27),
      Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19), Map.entry("MR", 27),
      Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NL", 18), Map.entry("NO", 15),
      Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29), Map.entry("PT", 25),
      Map.entry("QA", 29), Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24),
      Map.entry("SE", 24), Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27),
      Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VG", 24),
      Map.entry("XK", 20));

  private static final String[] PHONE_CUES = {
    "phone", "tel", "call", "mobile", "cell", "fax", "whatsapp", "sms", "text me", "reach me", "contact",
    "dial", "ring", "téléphone", "portable", "telefon", "handy", "teléfono", "móvil", "telefone", "celular",
    "telefono", "cellulare", "телефон", "звоните", "電話", "电话", "手机"
  };
  private static final String[] NUMBER_CUES = {
    "order", "invoice", "ticket", "tracking", "ref", "account", "acct", "id", "#", "no.", "serial",
    "sku", "isbn", "case", "transaction", "confirmation", "booking", "reservation", "customer", "build",
    "version", "commande", "bestell", "pedido", "ordine", "заказ"
  };

  private SensitiveDataDetector() {}

  /** The detector with every built-in kind. */
  public static SensitiveDataDetector standard() {
    return STANDARD;
  }

  /** Every match, sorted by position, none overlapping (a secret wins over personal data inside it). */
  public List<SensitiveMatch> find(String text) {
    if (text == null || text.isEmpty()) return List.of();
    List<SensitiveMatch> found = new ArrayList<>(4);
    findPrivateKeys(text, found);
    findGcpKeyIds(text, found);
    findAzure(text, found);
    findAws(text, found);
    findPrefixedTokens(text, found);
    findJwts(text, found);
    findEmails(text, found);
    // A number inside something shaped like an IBAN (valid or not) is part of it, never a card or phone.
    List<int[]> ibanShapes = new ArrayList<>(0);
    findIbans(text, found, ibanShapes);
    int before = found.size();
    findNumbers(text, found);
    if (!ibanShapes.isEmpty()) {
      for (int k = found.size() - 1; k >= before; k--) {
        SensitiveMatch m = found.get(k);
        for (int[] shape : ibanShapes) {
          if (m.start() < shape[1] && shape[0] < m.end()) {
            found.remove(k);
            break;
          }
        }
      }
    }
    return resolve(found);
  }

  /** {@code text} with every match replaced by its placeholder; null stays null. */
  public String redact(String text) {
    if (text == null) return null;
    return redact(text, find(text));
  }

  /** {@code text} with the given non-overlapping, position-sorted matches replaced. */
  public static String redact(String text, List<SensitiveMatch> matches) {
    if (matches.isEmpty()) return text;
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (SensitiveMatch m : matches) {
      if (m.start() < at) continue;
      out.append(text, at, m.start()).append(m.kind().placeholder());
      at = m.end();
    }
    return out.append(text, at, text.length()).toString();
  }

  private static List<SensitiveMatch> resolve(List<SensitiveMatch> found) {
    if (found.size() <= 1) return found;
    // Secrets first (a key inside a connection string is the connection string), then longer.
    List<SensitiveMatch> byPriority = new ArrayList<>(found);
    byPriority.sort(Comparator.comparing((SensitiveMatch m) -> !m.kind().secret())
        .thenComparing(m -> -(m.end() - m.start())));
    List<SensitiveMatch> kept = new ArrayList<>(found.size());
    for (SensitiveMatch m : byPriority) {
      boolean overlaps = false;
      for (SensitiveMatch k : kept) {
        if (m.start() < k.end() && k.start() < m.end()) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) kept.add(m);
    }
    kept.sort(Comparator.comparingInt(SensitiveMatch::start));
    return kept;
  }

  // --- secrets -------------------------------------------------------------------------------

  private static void findPrivateKeys(String text, List<SensitiveMatch> out) {
    int from = 0;
    while (true) {
      int begin = text.indexOf("-----BEGIN ", from);
      if (begin < 0) return;
      int headerEnd = text.indexOf("-----", begin + 11);
      if (headerEnd < 0 || headerEnd - begin > 60) {
        from = begin + 11;
        continue;
      }
      String header = text.substring(begin + 11, headerEnd);
      if (!header.contains("PRIVATE KEY")) {
        from = headerEnd + 5;
        continue;
      }
      int bodyStart = headerEnd + 5;
      int endMarker = text.indexOf("-----END ", bodyStart);
      int end;
      int bodyEnd;
      if (endMarker >= 0) {
        int close = text.indexOf("-----", endMarker + 9);
        end = close < 0 ? text.length() : close + 5;
        bodyEnd = endMarker;
      } else {
        // Truncated: the body runs as long as base64 and line breaks (real or escaped) do.
        int i = bodyStart;
        while (i < text.length() && (isBase64(text.charAt(i)) || text.charAt(i) == '\n'
            || text.charAt(i) == '\r' || text.charAt(i) == '\\' || text.charAt(i) == '=')) {
          i++;
        }
        end = i;
        bodyEnd = i;
      }
      int base64 = 0;
      for (int i = bodyStart; i < bodyEnd; i++) {
        if (isBase64(text.charAt(i))) base64++;
      }
      // "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----" in documentation has no body.
      if (base64 >= 64) {
        boolean gcp = text.contains("\"private_key_id\"") || text.contains("service_account");
        out.add(new SensitiveMatch(gcp ? SensitiveKind.GCP_SERVICE_ACCOUNT_KEY : SensitiveKind.PRIVATE_KEY,
            begin, end));
      }
      from = Math.max(end, begin + 11);
    }
  }

  private static void findGcpKeyIds(String text, List<SensitiveMatch> out) {
    if (!text.contains("\"private_key_id\"")) return;
    Matcher m = GCP_KEY_ID.matcher(text);
    while (m.find()) {
      out.add(new SensitiveMatch(SensitiveKind.GCP_SERVICE_ACCOUNT_KEY, m.start(1), m.end(1)));
    }
  }

  private static void findAzure(String text, List<SensitiveMatch> out) {
    azureKey(text, "AccountKey=", "DefaultEndpointsProtocol=", 20, out);
    azureKey(text, "SharedAccessKey=", "Endpoint=sb://", 20, out);
  }

  private static void azureKey(String text, String marker, String opening, int minKey, List<SensitiveMatch> out) {
    int from = 0;
    while (true) {
      int at = text.indexOf(marker, from);
      if (at < 0) return;
      int keyStart = at + marker.length();
      int keyEnd = keyStart;
      while (keyEnd < text.length() && (isBase64(text.charAt(keyEnd)) || text.charAt(keyEnd) == '=')) keyEnd++;
      from = keyEnd + 1;
      String key = text.substring(keyStart, keyEnd);
      if (key.length() < minKey || looksLikePlaceholder(key) || !mixed(key)) continue;
      int windowStart = Math.max(0, at - 400);
      int open = text.lastIndexOf(opening, at);
      int start = open >= windowStart ? open : at;
      int end = keyEnd;
      if (text.startsWith(";EndpointSuffix=", end)) {
        end += 16;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end))
            && text.charAt(end) != ';' && text.charAt(end) != '"' && text.charAt(end) != '\'') end++;
      }
      out.add(new SensitiveMatch(SensitiveKind.AZURE_CONNECTION_STRING, start, end));
    }
  }

  private static void findAws(String text, List<SensitiveMatch> out) {
    for (String prefix : AWS_PREFIXES) {
      int from = 0;
      while (true) {
        int at = text.indexOf(prefix, from);
        if (at < 0) break;
        from = at + 4;
        if (at > 0 && isAlnum(text.charAt(at - 1))) continue;
        int end = at + 4;
        while (end < text.length() && (isUpper(text.charAt(end)) || isDigit(text.charAt(end)))) end++;
        if (end - at != 20 || end < text.length() && isAlnum(text.charAt(end))) continue;
        String id = text.substring(at, end);
        if (id.contains("EXAMPLE") || looksLikePlaceholder(id.substring(4))) continue;
        out.add(new SensitiveMatch(SensitiveKind.AWS_ACCESS_KEY, at, end));
        // A secret key printed right after its access key id needs no label to be recognised.
        Matcher near = BASE64_40.matcher(text).region(end, Math.min(text.length(), end + 160));
        if (near.find() && secretKeyShape(near.group())) {
          out.add(new SensitiveMatch(SensitiveKind.AWS_SECRET_KEY, near.start(), near.end()));
        }
      }
    }
    if (text.indexOf("ecret") >= 0 || text.indexOf("ECRET") >= 0) {
      Matcher m = AWS_SECRET_IN_CONTEXT.matcher(text);
      while (m.find()) {
        if (secretKeyShape(m.group(1))) {
          out.add(new SensitiveMatch(SensitiveKind.AWS_SECRET_KEY, m.start(1), m.end(1)));
        }
      }
    }
  }

  /** A 40-character AWS secret mixes cases and digits; a SHA-1 in hex or a path does not. */
  private static boolean secretKeyShape(String key) {
    return mixed(key) && !key.contains("EXAMPLE") && !looksLikePlaceholder(key);
  }

  private static void findPrefixedTokens(String text, List<SensitiveMatch> out) {
    for (String prefix : GITHUB_PREFIXES) {
      int from = 0;
      while (true) {
        int at = text.indexOf(prefix, from);
        if (at < 0) break;
        from = at + prefix.length();
        if (at > 0 && isWordChar(text.charAt(at - 1))) continue;
        int end = runOf(text, from, false);
        String body = text.substring(from, end);
        if (body.length() >= 36 && body.length() <= 255 && !looksLikePlaceholder(body) && hasDigit(body)) {
          out.add(new SensitiveMatch(SensitiveKind.GITHUB_TOKEN, at, end));
        }
      }
    }
    int from = 0;
    while (true) {
      int at = text.indexOf("github_pat_", from);
      if (at < 0) break;
      from = at + 11;
      if (at > 0 && isWordChar(text.charAt(at - 1))) continue;
      int end = runOf(text, from, true);
      String body = text.substring(from, end);
      if (body.length() >= 50 && !looksLikePlaceholder(body)) {
        out.add(new SensitiveMatch(SensitiveKind.GITHUB_TOKEN, at, end));
      }
    }
    from = 0;
    while (true) {
      int at = text.indexOf("sk-", from);
      if (at < 0) break;
      from = at + 3;
      if (at > 0 && (isWordChar(text.charAt(at - 1)) || text.charAt(at - 1) == '-')) continue;
      int bodyStart = at + 3;
      for (String sub : OPENAI_SUBPREFIXES) {
        if (text.startsWith(sub, bodyStart)) {
          bodyStart += sub.length();
          break;
        }
      }
      int end = bodyStart;
      while (end < text.length() && (isAlnum(text.charAt(end)) || text.charAt(end) == '_' || text.charAt(end) == '-')) {
        end++;
      }
      String body = text.substring(bodyStart, end);
      if (body.length() >= 32 && mixed(body) && !looksLikePlaceholder(body)) {
        out.add(new SensitiveMatch(SensitiveKind.OPENAI_API_KEY, at, end));
      }
    }
  }

  private static void findJwts(String text, List<SensitiveMatch> out) {
    int from = 0;
    while (true) {
      int at = text.indexOf("eyJ", from);
      if (at < 0) return;
      from = at + 3;
      if (at > 0 && (isBase64Url(text.charAt(at - 1)) || text.charAt(at - 1) == '.')) continue;
      int headerEnd = runOfBase64Url(text, at);
      if (headerEnd - at < 10 || headerEnd >= text.length() || text.charAt(headerEnd) != '.') continue;
      int payloadEnd = runOfBase64Url(text, headerEnd + 1);
      if (payloadEnd - headerEnd - 1 < 10 || !text.startsWith("eyJ", headerEnd + 1)
          || payloadEnd >= text.length() || text.charAt(payloadEnd) != '.') continue;
      int sigEnd = runOfBase64Url(text, payloadEnd + 1);
      if (sigEnd - payloadEnd - 1 < 16) continue;
      String signature = text.substring(payloadEnd + 1, sigEnd);
      if (signature.equals(JWT_IO_SIGNATURE)) {
        from = sigEnd;
        continue;
      }
      String header = decodeBase64Url(text.substring(at, headerEnd));
      if (header == null || !header.startsWith("{") || !(header.contains("\"alg\"") || header.contains("\"typ\""))) {
        continue;
      }
      out.add(new SensitiveMatch(SensitiveKind.JWT, at, sigEnd));
      from = sigEnd;
    }
  }

  // --- personal data -------------------------------------------------------------------------

  private static void findEmails(String text, List<SensitiveMatch> out) {
    int n = text.length();
    int from = 0;
    while (true) {
      int at = text.indexOf('@', from);
      if (at < 0) return;
      from = at + 1;
      int s = at;
      while (s > 0 && isLocalChar(text.charAt(s - 1)) && at - s < 64) s--;
      while (s < at && (text.charAt(s) == '.' || text.charAt(s) == '-')) s++;
      if (s == at || s > 0 && isLocalChar(text.charAt(s - 1))) continue;
      int e = at + 1;
      while (e < n && isDomainChar(text.charAt(e)) && e - at < 255) e++;
      while (e > at + 1 && (text.charAt(e - 1) == '.' || text.charAt(e - 1) == '-')) e--;
      int lastDot = text.lastIndexOf('.', e - 1);
      if (lastDot <= at + 1 || e - lastDot - 1 < 2 || text.charAt(at + 1) == '.') continue;
      String domain = text.substring(at + 1, e).toLowerCase(Locale.ROOT);
      if (domain.contains("..")) continue;
      String tld = domain.substring(domain.lastIndexOf('.') + 1);
      if (!allLetters(tld) || FILE_EXTENSIONS.contains(tld) || RESERVED_TLDS.contains(tld)) continue;
      if (RESERVED_DOMAINS.contains(domain) || domain.endsWith(".example.com")) continue;
      out.add(new SensitiveMatch(SensitiveKind.EMAIL, s, e));
      from = e;
    }
  }

  /**
   * One pass over the text reading runs of digit groups joined by single separators ({@code
   * +44 20 7946 0958}, {@code 4539-1488-0343-6467}, {@code (415) 555-2671}, {@code 078-05-1120});
   * each run is then judged a card, an SSN, a phone number or nothing.
   */
  private static void findNumbers(String text, List<SensitiveMatch> out) {
    int n = text.length();
    int[] groups = new int[24];
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      boolean plus = c == '+' && i + 1 < n && isDigit(text.charAt(i + 1));
      boolean paren = c == '(' && i + 1 < n && isDigit(text.charAt(i + 1));
      if (!(isDigit(c) || plus || paren) || !numberBoundaryBefore(text, i)) {
        i++;
        continue;
      }
      int start = i;
      int j = plus || paren ? i + 1 : i;
      int groupCount = 0;
      int digits = 0;
      char sep = 0;
      boolean mixedSeps = false;
      boolean sawParen = paren;
      boolean tooLong = false;
      while (true) {
        int g = j;
        while (j < n && isDigit(text.charAt(j))) j++;
        int len = j - g;
        digits += len;
        if (groupCount < groups.length) groups[groupCount] = len;
        groupCount++;
        if (digits > 19 || groupCount > groups.length) {
          tooLong = true;
          break;
        }
        // A separator: up to two of " -.()" followed by a digit, e.g. ") " or " - ".
        int k = j;
        int seps = 0;
        while (k < n && seps < 3 && isNumberSeparator(text.charAt(k))) {
          k++;
          seps++;
        }
        if (seps == 0 || k >= n || !isDigit(text.charAt(k))) break;
        String sepText = text.substring(j, k);
        if (sepText.indexOf('(') >= 0 || sepText.indexOf(')') >= 0) sawParen = true;
        char s0 = separatorOf(sepText);
        if (sep == 0) sep = s0;
        else if (sep != s0) mixedSeps = true;
        if (seps > 1 && !(sepText.contains(")") || sepText.contains("(") || sepText.trim().length() == 1)) break;
        j = k;
      }
      if (tooLong) {
        // Skip the rest of the run: a 25-digit number holds no phone number.
        while (j < n && (isDigit(text.charAt(j)) || isNumberSeparator(text.charAt(j)))) j++;
        i = j;
        continue;
      }
      i = Math.max(j, i + 1);
      if (!numberBoundaryAfter(text, j)) continue;
      SensitiveKind kind = classifyNumber(text, start, j, groups, Math.min(groupCount, groups.length), digits,
          sep, mixedSeps, plus, sawParen);
      if (kind != null) out.add(new SensitiveMatch(kind, start, j));
    }
  }

  private static SensitiveKind classifyNumber(String text, int start, int end, int[] groups, int groupCount,
      int digits, char sep, boolean mixedSeps, boolean plus, boolean paren) {
    if (digits < 7) return null; // no phone, SSN or card is shorter; most numbers in text are
    String d = digitsOf(text, start, end);
    // Payment cards: 13-19 digits in groups of four (Amex 4-6-5), a known issuer digit, Luhn.
    String before = cueWindow(text, start);
    // A phone's IMEI carries a Luhn digit too; the text names it.
    if (!plus && !paren && !mixedSeps && digits >= 13 && digits <= 19 && (sep == 0 || sep == ' ' || sep == '-')
        && cardGrouping(groups, groupCount) && d.charAt(0) >= '2' && d.charAt(0) <= '6'
        && Checksums.luhn(d) && !TEST_CARDS.contains(d) && !allSame(d) && !before.contains("imei")) {
      return SensitiveKind.CARD_NUMBER;
    }
    // US SSN: 3-2-4, never area 000, 666 or 900-999, group 00 or serial 0000.
    if (digits == 9 && !plus && !paren
        && (groupCount == 3 && groups[0] == 3 && groups[1] == 2 && groups[2] == 4 && (sep == '-' || sep == ' ')
            && !mixedSeps || groupCount == 1 && containsAny(before, "ssn", "social security"))
        && validSsn(d)) {
      return SensitiveKind.US_SSN;
    }
    if (digits > 15 || digits < 7) return null;
    // An SSN's shape that failed the SSN rules is no phone number either.
    if (groupCount == 3 && groups[0] == 3 && groups[1] == 2 && groups[2] == 4) return null;
    if (dateLike(groups, groupCount, sep) || ipLike(groups, groupCount, sep)) return null;
    boolean phoneCue = containsAny(before, PHONE_CUES);
    boolean numberCue = !phoneCue && containsAny(before, NUMBER_CUES);
    if (numberCue) return null;
    if (plus) {
      return digits >= 8 && (groupCount > 1 || digits >= 10) ? SensitiveKind.PHONE : null;
    }
    // North American: (415) 555-2671, 415-555-2671, 1 415 555 2671; area and exchange start 2-9.
    int first = 0;
    if (groupCount == 4 && groups[0] == 1 && d.charAt(0) == '1') first = 1;
    if (groupCount - first == 3 && groups[first] == 3 && groups[first + 1] == 3 && groups[first + 2] == 4
        && digits == 10 + first) {
      String local = d.substring(first);
      if (local.charAt(0) >= '2' && local.charAt(3) >= '2') {
        return SensitiveKind.PHONE;
      }
    }
    // National with a trunk 0 (020 7946 0958, 06 12 34 56 78, 030 1234567, 03-1234-5678).
    if (d.charAt(0) == '0' && digits >= 9 && digits <= 11 && groupCount >= 2 && minGroup(groups, groupCount) >= 2) {
      return SensitiveKind.PHONE;
    }
    // Anything else of phone length counts only when the text says it is a phone number.
    if (phoneCue && digits >= 8 && digits <= 13) return SensitiveKind.PHONE;
    return null;
  }

  /** The separator that joins two groups, parentheses aside: "(415) 555" is joined by a space. */
  private static char separatorOf(String sepText) {
    for (int k = 0; k < sepText.length(); k++) {
      char c = sepText.charAt(k);
      if (c == ' ' || c == '-' || c == '.') return c;
    }
    return ' ';
  }

  private static boolean cardGrouping(int[] groups, int count) {
    if (count == 1) return true;
    if (count == 3 && groups[0] == 4 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4)) return true;
    for (int g = 0; g < count - 1; g++) {
      if (groups[g] != 4) return false;
    }
    return groups[count - 1] >= 1 && groups[count - 1] <= 4;
  }

  private static boolean validSsn(String d) {
    int area = Integer.parseInt(d.substring(0, 3));
    int group = Integer.parseInt(d.substring(3, 5));
    int serial = Integer.parseInt(d.substring(5));
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0 && !KNOWN_FAKE_SSNS.contains(d);
  }

  /** 2024-01-15, 15.01.2024, 2024 01 15: a date, not a phone number. */
  private static boolean dateLike(int[] groups, int count, char sep) {
    if (count != 3) return false;
    return groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2 || groups[0] <= 2 && groups[1] <= 2 && groups[2] == 4;
  }

  private static boolean ipLike(int[] groups, int count, char sep) {
    if (sep != '.' || count != 4) return false;
    for (int g = 0; g < 4; g++) {
      if (groups[g] > 3) return false;
    }
    return true;
  }

  private static int minGroup(int[] groups, int count) {
    int min = Integer.MAX_VALUE;
    for (int g = 0; g < count; g++) min = Math.min(min, groups[g]);
    return min;
  }

  private static void findIbans(String text, List<SensitiveMatch> out, List<int[]> shapes) {
    int n = text.length();
    for (int i = 0; i + 15 <= n; i++) {
      char c0 = text.charAt(i);
      if (!isUpper(c0) || !isUpper(text.charAt(i + 1)) || !isDigit(text.charAt(i + 2)) || !isDigit(text.charAt(i + 3))) {
        continue;
      }
      if (i > 0 && isAlnum(text.charAt(i - 1))) continue;
      Integer length = IBAN_LENGTHS.get(text.substring(i, i + 2));
      if (length == null) continue;
      int compact = 0;
      int j = i;
      while (j < n && compact < length) {
        char c = text.charAt(j);
        if (isUpper(c) || isDigit(c)) {
          compact++;
          j++;
        } else if (c == ' ' && j + 1 < n && (isUpper(text.charAt(j + 1)) || isDigit(text.charAt(j + 1)))) {
          j++;
        } else {
          break;
        }
      }
      if (compact != length || j < n && isAlnum(text.charAt(j))) continue;
      shapes.add(new int[] {i, j});
      if (Checksums.iban(text.subSequence(i, j))) {
        out.add(new SensitiveMatch(SensitiveKind.IBAN, i, j));
        i = j;
      }
    }
  }

  // --- character classes and small checks ----------------------------------------------------

  /** Before a number: not inside a word, a version (v1.2), a UUID or another number (1.5, 10:30). */
  private static boolean numberBoundaryBefore(String text, int i) {
    if (i == 0) return true;
    char p = text.charAt(i - 1);
    if (isAlnum(p) || p == '_' || p == '+' || p == '$' || p == '€' || p == '£') return false;
    if ((p == '.' || p == '-' || p == '/' || p == ':' || p == ',') && i >= 2) {
      char pp = text.charAt(i - 2);
      if (isAlnum(pp)) return false;
    }
    return true;
  }

  private static boolean numberBoundaryAfter(String text, int j) {
    if (j >= text.length()) return true;
    char c = text.charAt(j);
    if (isAlnum(c) || c == '_' || c == '%') return false;
    if ((c == '.' || c == '-' || c == '/' || c == ':' || c == ',') && j + 1 < text.length()
        && isDigit(text.charAt(j + 1))) return false;
    return true;
  }

  private static boolean isNumberSeparator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
  }

  private static String cueWindow(String text, int start) {
    return text.substring(Math.max(0, start - 32), start).toLowerCase(Locale.ROOT);
  }

  private static boolean containsAny(String s, String... needles) {
    for (String needle : needles) {
      if (s.contains(needle)) return true;
    }
    return false;
  }

  private static String digitsOf(String text, int start, int end) {
    StringBuilder b = new StringBuilder(end - start);
    for (int k = start; k < end; k++) {
      char c = text.charAt(k);
      if (isDigit(c)) b.append(c);
    }
    return b.toString();
  }

  /**
   * Documentation and template values: runs of one character, "xxxx", counting sequences, and
   * words that say so (your, example, placeholder, redacted…).
   */
  static boolean looksLikePlaceholder(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    if (containsAny(lower, "xxxx", "example", "your", "placeholder", "redacted", "dummy", "sample", "fake",
        "replace", "insert", "here", "****", "....", "0000", "1234567", "abcdefg", "test")) {
      return true;
    }
    int run = 1;
    for (int k = 1; k < s.length(); k++) {
      run = s.charAt(k) == s.charAt(k - 1) ? run + 1 : 1;
      if (run >= 5) return true;
    }
    return s.chars().distinct().count() < Math.min(10, s.length() / 2);
  }

  /** Upper and lower case letters and digits: what random keys have and words, hashes and slugs lack. */
  private static boolean mixed(String s) {
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (isUpper(c)) upper = true;
      else if (c >= 'a' && c <= 'z') lower = true;
      else if (isDigit(c)) digit = true;
    }
    return upper && lower && digit;
  }

  private static boolean hasDigit(String s) {
    for (int k = 0; k < s.length(); k++) {
      if (isDigit(s.charAt(k))) return true;
    }
    return false;
  }

  private static boolean allSame(String d) {
    for (int k = 1; k < d.length(); k++) {
      if (d.charAt(k) != d.charAt(0)) return false;
    }
    return true;
  }

  private static boolean allLetters(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (!(c >= 'a' && c <= 'z')) return false;
    }
    return !s.isEmpty();
  }

  private static int runOf(String text, int from, boolean underscore) {
    int end = from;
    while (end < text.length() && (isAlnum(text.charAt(end)) || underscore && text.charAt(end) == '_')) end++;
    return end;
  }

  private static int runOfBase64Url(String text, int from) {
    int end = from;
    while (end < text.length() && isBase64Url(text.charAt(end))) end++;
    return end;
  }

  private static String decodeBase64Url(String part) {
    try {
      return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  static boolean isAlnum(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c > 0x7f && Character.isLetterOrDigit(c);
  }

  private static boolean isWordChar(char c) {
    return isAlnum(c) || c == '_';
  }

  private static boolean isBase64(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/';
  }

  private static boolean isBase64Url(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
  }

  private static boolean isLocalChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '%'
        || c == '+' || c == '-';
  }

  private static boolean isDomainChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-';
  }
}
