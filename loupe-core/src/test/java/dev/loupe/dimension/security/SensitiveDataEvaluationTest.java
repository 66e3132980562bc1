package dev.loupe.dimension.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The personal-data and secret detector on two labeled sets it was not tuned on, with tricky
 * negatives (numbers that fail Luhn or mod-97, provider test cards, documentation keys,
 * placeholders, UUIDs, hashes, order numbers, dates, IPs, versions, phone-like numbers):
 * {@code sensitive-eval-handwritten.tsv} (written by hand) and a set generated here from a fixed
 * seed ({@link #generated}). Precision and recall per type group and overall must reach 0.95 on
 * each; the figures are printed to the test's output and recorded in BENCHMARKS.md.
 *
 * <p>A found match counts as right when it has the expected kind and covers at least half of the
 * expected value (so "+44 20…" found without its "+" still counts); each expected value is
 * matched once. Anything else found is a false positive in the group of the kind found.
 */
class SensitiveDataEvaluationTest {
  /** An expected match: its kind and span in the text. */
  record Expected(SensitiveKind kind, int start, int end) {}

  /** One text of a set, with what should be found in it. */
  record Labeled(String category, String text, List<Expected> expected) {}

  /** The groups the issue's targets are asserted on. */
  enum Group {
    CONTACT(EnumSet.of(SensitiveKind.EMAIL, SensitiveKind.PHONE)),
    PAYMENT_AND_ID(EnumSet.of(SensitiveKind.CARD_NUMBER, SensitiveKind.IBAN, SensitiveKind.US_SSN)),
    CLOUD_KEYS(EnumSet.of(SensitiveKind.AWS_ACCESS_KEY, SensitiveKind.AWS_SECRET_KEY,
        SensitiveKind.AZURE_CONNECTION_STRING, SensitiveKind.GCP_SERVICE_ACCOUNT_KEY)),
    TOKENS_AND_KEYS(EnumSet.of(SensitiveKind.GITHUB_TOKEN, SensitiveKind.OPENAI_API_KEY, SensitiveKind.JWT,
        SensitiveKind.PRIVATE_KEY));

    final Set<SensitiveKind> kinds;

    Group(Set<SensitiveKind> kinds) {
      this.kinds = kinds;
    }

    static Group of(SensitiveKind kind) {
      for (Group g : values()) {
        if (g.kinds.contains(kind)) return g;
      }
      throw new IllegalArgumentException("no group for " + kind);
    }
  }

  /** True and false positives and misses, per group. */
  static final class Counts {
    final Map<Group, int[]> byGroup = new LinkedHashMap<>();

    Counts() {
      for (Group g : Group.values()) byGroup.put(g, new int[3]);
    }

    int[] total() {
      int[] t = new int[3];
      for (int[] c : byGroup.values()) {
        for (int k = 0; k < 3; k++) t[k] += c[k];
      }
      return t;
    }

    static double precision(int[] c) {
      return c[0] / (double) Math.max(1, c[0] + c[1]);
    }

    static double recall(int[] c) {
      return c[0] / (double) Math.max(1, c[0] + c[2]);
    }

    static String line(String name, int[] c) {
      return String.format(Locale.ROOT, "  %-16s expected %4d found right %4d false+ %3d missed %3d  precision %.3f recall %.3f",
          name, c[0] + c[2], c[0], c[1], c[2], precision(c), recall(c));
    }
  }

  // --- the sets ------------------------------------------------------------------------------

  static List<Labeled> handwritten() throws Exception {
    List<Labeled> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        SensitiveDataEvaluationTest.class.getResourceAsStream("sensitive-eval-handwritten.tsv"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] p = line.split("\t", 2);
        out.add(parse(p[0], p[1].replace("{{+}}", "").replace("\\n", "\n")));
      }
    }
    return out;
  }

  /** Reads {@code [[KIND:value]]} marks out of {@code marked}. */
  static Labeled parse(String category, String marked) {
    StringBuilder text = new StringBuilder(marked.length());
    List<Expected> expected = new ArrayList<>();
    int i = 0;
    while (true) {
      int open = marked.indexOf("[[", i);
      if (open < 0) break;
      int colon = marked.indexOf(':', open);
      int close = marked.indexOf("]]", colon);
      text.append(marked, i, open);
      int start = text.length();
      text.append(marked, colon + 1, close);
      expected.add(new Expected(SensitiveKind.valueOf(marked.substring(open + 2, colon)), start, text.length()));
      i = close + 2;
    }
    text.append(marked.substring(i));
    return new Labeled(category, text.toString(), expected);
  }

  /**
   * The generated set: values drawn from each kind's real format (random digits and letters, check
   * digits computed, providers' prefixes) and placed in sentences of support chats, config files
   * and logs; negatives drawn from the look-alikes. Written apart from the detector's unit tests
   * and never used to tune it; seed 4242.
   */
  static List<Labeled> generated() {
    Random rnd = new Random(4242);
    List<Labeled> out = new ArrayList<>();
    int each = 40;
    for (int k = 0; k < each; k++) {
      out.add(parse("email", pick(rnd, "Please write to {} about the invoice.", "contact: {}", "{} asked for a call back.",
          "\"email\":\"{}\",\"plan\":\"pro\"", "Sent from {} on Monday", "Kontakt per E-Mail: {}.").replace("{}",
          mark("EMAIL", email(rnd)))));
      out.add(parse("phone", pick(rnd, "Call me at {} tomorrow.", "Phone: {}", "You can reach the site manager on {}.",
          "tel {} (office)", "mobile {}", "Bitte rufen Sie {} an.").replace("{}", mark("PHONE", phone(rnd)))));
      out.add(parse("card", pick(rnd, "My card number is {}.", "card={}&exp=09/28", "Charge {} for the order.",
          "Paid with {} but got no receipt.", "Numéro de carte : {}").replace("{}", mark("CARD_NUMBER", card(rnd, true)))));
      out.add(parse("iban", pick(rnd, "Please send the refund to {}.", "IBAN: {}", "Überweisung an {} bis Freitag.",
          "\"iban\": \"{}\"", "account {} (savings)").replace("{}", mark("IBAN", iban(rnd, true)))));
      out.add(parse("ssn", pick(rnd, "My SSN is {}.", "SSN: {}", "social security number {}", "ssn={}",
          "The applicant's SSN, {}, is on page 2.").replace("{}", mark("US_SSN", ssn(rnd)))));
    }
    for (int k = 0; k < 20; k++) {
      String id = awsId(rnd);
      String secret = base64(rnd, 40, false);
      out.add(parse("aws", pick(rnd, "aws_access_key_id = {id}\naws_secret_access_key = {secret}",
          "export AWS_ACCESS_KEY_ID={id}\nexport AWS_SECRET_ACCESS_KEY={secret}", "keys: {id} {secret}",
          "\"AccessKeyId\": \"{id}\", \"SecretAccessKey\": \"{secret}\"")
          .replace("{id}", mark("AWS_ACCESS_KEY", id)).replace("{secret}", mark("AWS_SECRET_KEY", secret))));
      out.add(parse("aws", pick(rnd, "The CI user is {id}.", "access key {id} was used from a new IP")
          .replace("{id}", mark("AWS_ACCESS_KEY", awsId(rnd)))));
      out.add(parse("azure", pick(rnd, "conn: {}", "AZURE_STORAGE_CONNECTION_STRING=\"{}\"", "use {} for the blob store")
          .replace("{}", mark("AZURE_CONNECTION_STRING", azure(rnd)))));
      String keyId = hex(rnd, 40);
      out.add(parse("gcp", "{\"type\": \"service_account\", \"project_id\": \"p-" + hex(rnd, 6) + "\", \"private_key_id\": \""
          + mark("GCP_SERVICE_ACCOUNT_KEY", keyId) + "\", \"private_key\": \""
          + mark("GCP_SERVICE_ACCOUNT_KEY", "-----BEGIN PRIVATE KEY-----\\n" + base64(rnd, 64, false) + "\\n"
              + base64(rnd, 64, false) + "\\n-----END PRIVATE KEY-----\\n") + "\"}"));
      out.add(parse("github", pick(rnd, "GITHUB_TOKEN={}", "git remote set-url origin https://{}@github.com/acme/app.git",
          "Authorization: token {}", "my PAT is {}").replace("{}", mark("GITHUB_TOKEN", github(rnd)))));
      out.add(parse("openai", pick(rnd, "OPENAI_API_KEY={}", "client = OpenAI(api_key=\"{}\")", "the key {} stopped working")
          .replace("{}", mark("OPENAI_API_KEY", openai(rnd)))));
      out.add(parse("jwt", pick(rnd, "Authorization: Bearer {}", "id_token={}&state=xyz", "cookie session={}; Path=/")
          .replace("{}", mark("JWT", jwt(rnd)))));
      out.add(parse("private_key", pick(rnd, "Here is the key:\n{}\nthanks", "{}", "deploy_key: |\n{}")
          .replace("{}", mark("PRIVATE_KEY", pem(rnd)))));
    }
    for (int k = 0; k < each; k++) {
      out.add(new Labeled("neg_luhn", pick(rnd, "My card number is {}.", "card={}", "Charge {} please.")
          .replace("{}", card(rnd, false)), List.of()));
      out.add(new Labeled("neg_iban", pick(rnd, "IBAN: {}", "Please send it to {}.").replace("{}", iban(rnd, false)), List.of()));
      out.add(new Labeled("neg_ssn", pick(rnd, "SSN: {}", "ssn {}").replace("{}", invalidSsn(rnd)), List.of()));
      out.add(new Labeled("neg_number", numberLookalike(rnd), List.of()));
      out.add(new Labeled("neg_id", idLookalike(rnd), List.of()));
      out.add(new Labeled("neg_doc", documentationValue(rnd), List.of()));
      out.add(new Labeled("neg_email", emailLookalike(rnd), List.of()));
      out.add(new Labeled("neg_imei", pick(rnd, "IMEI: {}", "device imei {} is blocked", "IMEI/SV {} (dual SIM)")
          .replace("{}", imei(rnd)), List.of()));
    }
    return out;
  }

  // --- generators of values ------------------------------------------------------------------

  private static final String[] FIRST = {"anna", "li", "omar", "sofia", "kenji", "maria", "tom", "ines", "raj", "eva",
      "lukas", "chloe", "pedro", "yuki", "fatima", "noah"};
  private static final String[] LAST = {"berg", "nguyen", "haddad", "rossi", "tanaka", "silva", "clark", "moreau",
      "patel", "novak", "schmidt", "garcia", "kim", "okafor"};
  private static final String[] COMPANY = {"northwind", "bluefin-labs", "kestrel", "orchardhealth", "tidewater",
      "copperleaf", "nimbus-analytics", "granite", "sunpath", "veloria"};
  private static final String[] TLD = {"com", "net", "org", "io", "de", "co.uk", "fr", "es", "it", "nl", "se", "com.au",
      "ch", "pl"};

  static String email(Random r) {
    String local = switch (r.nextInt(5)) {
      case 0 -> pick(r, FIRST) + "." + pick(r, LAST);
      case 1 -> pick(r, FIRST).charAt(0) + pick(r, LAST) + (10 + r.nextInt(90));
      case 2 -> pick(r, FIRST) + "_" + pick(r, LAST);
      case 3 -> pick(r, FIRST) + "+" + pick(r, "news", "shop", "work");
      default -> pick(r, "billing", "support", "hr", "sales", "ops") + "-" + pick(r, "eu", "team", "desk");
    };
    String domain = (r.nextInt(4) == 0 ? "mail." : "") + pick(r, COMPANY) + "." + pick(r, TLD);
    String address = local + "@" + domain;
    return r.nextInt(6) == 0 ? Character.toUpperCase(address.charAt(0)) + address.substring(1) : address;
  }

  static String phone(Random r) {
    return switch (r.nextInt(9)) {
      case 0 -> "(" + nanp3(r) + ") " + nanp3(r) + "-" + digits(r, 4);
      case 1 -> nanp3(r) + "-" + nanp3(r) + "-" + digits(r, 4);
      case 2 -> "+1 " + nanp3(r) + " " + nanp3(r) + " " + digits(r, 4);
      case 3 -> "+44 20 " + digits(r, 4) + " " + digits(r, 4);
      case 4 -> "+44 7" + digits(r, 3) + " " + digits(r, 6);
      case 5 -> "0" + (1 + r.nextInt(7)) + " " + digits(r, 2) + " " + digits(r, 2) + " " + digits(r, 2) + " " + digits(r, 2);
      case 6 -> "+33 " + (1 + r.nextInt(7)) + " " + digits(r, 2) + " " + digits(r, 2) + " " + digits(r, 2) + " " + digits(r, 2);
      case 7 -> "+49 " + (30 + r.nextInt(60)) + " " + digits(r, 7);
      default -> "+91 9" + digits(r, 4) + " " + digits(r, 5);
    };
  }

  private static String nanp3(Random r) {
    return (2 + r.nextInt(8)) + digits(r, 2);
  }

  /** A card number of a real issuer's format, with its Luhn digit right ({@code valid}) or wrong. */
  static String card(Random r, boolean valid) {
    int type = r.nextInt(5);
    String body = switch (type) {
      case 0 -> "4" + digits(r, 14);
      case 1 -> "5" + (1 + r.nextInt(5)) + digits(r, 13);
      case 2 -> "2" + (221 + r.nextInt(500)) + digits(r, 11);
      case 3 -> "3" + (r.nextBoolean() ? "4" : "7") + digits(r, 12);
      default -> "6011" + digits(r, 11);
    };
    int check = luhnDigit(body);
    String number = body + (valid ? check : (check + 1 + r.nextInt(9)) % 10);
    if (type == 3) {
      String sep = r.nextBoolean() ? " " : "-";
      return number.substring(0, 4) + sep + number.substring(4, 10) + sep + number.substring(10);
    }
    String sep = pick(r, " ", "-", "");
    return number.substring(0, 4) + sep + number.substring(4, 8) + sep + number.substring(8, 12) + sep + number.substring(12);
  }

  static int luhnDigit(String body) {
    int sum = 0;
    for (int i = 0; i < body.length(); i++) {
      int d = body.charAt(body.length() - 1 - i) - '0';
      if (i % 2 == 0) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return (10 - sum % 10) % 10;
  }

  /** An IBAN of a common country's format, with its check digits right ({@code valid}) or wrong. */
  static String iban(Random r, boolean valid) {
    String[][] formats = {{"DE", "n18"}, {"GB", "a4n14"}, {"FR", "n23"}, {"ES", "n20"}, {"IT", "a1n22"}, {"NL", "a4n10"},
        {"BE", "n12"}, {"CH", "n17"}, {"AT", "n16"}, {"PL", "n24"}, {"PT", "n21"}, {"SE", "n20"}, {"IE", "a4n14"}};
    String[] f = formats[r.nextInt(formats.length)];
    StringBuilder bban = new StringBuilder();
    for (String part : f[1].split("(?=[an])")) {
      int n = Integer.parseInt(part.substring(1));
      for (int k = 0; k < n; k++) bban.append(part.charAt(0) == 'a' ? (char) ('A' + r.nextInt(26)) : (char) ('0' + r.nextInt(10)));
    }
    int check = 98 - mod97(bban + f[0] + "00");
    // Check digits run 02..98; any other of those 97 values fails mod-97.
    if (!valid) check = 2 + (check - 2 + 1 + r.nextInt(96)) % 97;
    String compact = f[0] + String.format(Locale.ROOT, "%02d", check) + bban;
    if (r.nextBoolean()) return compact;
    StringBuilder spaced = new StringBuilder();
    for (int k = 0; k < compact.length(); k += 4) {
      if (k > 0) spaced.append(' ');
      spaced.append(compact, k, Math.min(compact.length(), k + 4));
    }
    return spaced.toString();
  }

  private static int mod97(String s) {
    int rem = 0;
    for (char c : s.toCharArray()) {
      String v = Character.isDigit(c) ? String.valueOf(c) : Integer.toString(c - 'A' + 10);
      for (char d : v.toCharArray()) rem = (rem * 10 + (d - '0')) % 97;
    }
    return rem;
  }

  static String ssn(Random r) {
    int area;
    do {
      area = 1 + r.nextInt(899);
    } while (area == 666);
    return String.format(Locale.ROOT, "%03d-%02d-%04d", area, 1 + r.nextInt(99), 1 + r.nextInt(9999));
  }

  static String invalidSsn(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> String.format(Locale.ROOT, "000-%02d-%04d", 1 + r.nextInt(99), 1 + r.nextInt(9999));
      case 1 -> String.format(Locale.ROOT, "666-%02d-%04d", 1 + r.nextInt(99), 1 + r.nextInt(9999));
      case 2 -> String.format(Locale.ROOT, "9%02d-%02d-%04d", r.nextInt(100), 1 + r.nextInt(99), 1 + r.nextInt(9999));
      default -> String.format(Locale.ROOT, "%03d-00-%04d", 1 + r.nextInt(665), 1 + r.nextInt(9999));
    };
  }

  /** A phone's IMEI: 8-digit type allocation code, serial, Luhn digit — a card's checksum, not a card. */
  static String imei(Random r) {
    String body = pick(r, "35", "49", "86", "01") + digits(r, 12);
    return body + luhnDigit(body);
  }

  static String awsId(Random r) {
    StringBuilder b = new StringBuilder(r.nextInt(4) == 0 ? "ASIA" : "AKIA");
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    for (int k = 0; k < 16; k++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    return b.toString();
  }

  static String azure(Random r) {
    if (r.nextBoolean()) {
      return "DefaultEndpointsProtocol=https;AccountName=" + pick(r, COMPANY).replace("-", "") + "store;AccountKey="
          + base64(r, 86, false) + "==;EndpointSuffix=core.windows.net";
    }
    return "Endpoint=sb://" + pick(r, COMPANY) + ".servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
        + "SharedAccessKey=" + base64(r, 43, false) + "=";
  }

  static String github(Random r) {
    if (r.nextInt(5) == 0) return "github_pat_" + alnum(r, 22) + "_" + alnum(r, 59);
    return pick(r, "ghp_", "gho_", "ghu_", "ghs_", "ghr_") + alnum(r, 36);
  }

  static String openai(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> "sk-" + alnum(r, 48);
      case 1 -> "sk-proj-" + base64(r, 74, true) + alnum(r, 6);
      default -> "sk-svcacct-" + alnum(r, 40);
    };
  }

  static String jwt(Random r) {
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    String header = pick(r, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"alg\":\"RS256\",\"kid\":\"" + hex(r, 8) + "\"}",
        "{\"typ\":\"JWT\",\"alg\":\"ES256\"}");
    String payload = "{\"sub\":\"" + (1000 + r.nextInt(90000)) + "\",\"iat\":" + (1_700_000_000 + r.nextInt(50_000_000))
        + ",\"scope\":\"" + pick(r, "read", "write", "admin") + "\"}";
    return enc.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + enc.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + base64(r, header.contains("HS") ? 43 : 86, true);
  }

  static String pem(Random r) {
    String type = pick(r, "", "RSA ", "EC ", "OPENSSH ");
    StringBuilder b = new StringBuilder("-----BEGIN " + type + "PRIVATE KEY-----\n");
    int lines = 2 + r.nextInt(4);
    for (int k = 0; k < lines; k++) b.append(base64(r, 64, false)).append('\n');
    return b.append("-----END ").append(type).append("PRIVATE KEY-----").toString();
  }

  // --- generators of look-alikes -------------------------------------------------------------

  static String numberLookalike(Random r) {
    return switch (r.nextInt(12)) {
      case 0 -> "Order #" + digits(r, 6 + r.nextInt(5)) + " shipped today.";
      case 1 -> "Invoice " + digits(r, 3) + "-" + digits(r, 3) + "-" + digits(r, 4) + " is overdue.";
      case 2 -> "Ticket " + nanp3(r) + " " + nanp3(r) + " " + digits(r, 4) + " was closed.";
      case 3 -> String.format(Locale.ROOT, "Released %d-%02d-%02d, patched %02d/%02d/%d.", 2015 + r.nextInt(10),
          1 + r.nextInt(12), 1 + r.nextInt(28), 1 + r.nextInt(28), 1 + r.nextInt(12), 2015 + r.nextInt(10));
      case 4 -> String.format(Locale.ROOT, "Host %d.%d.%d.%d answered in %d ms.", 1 + r.nextInt(223), r.nextInt(256),
          r.nextInt(256), r.nextInt(256), 1 + r.nextInt(900));
      case 5 -> String.format(Locale.ROOT, "Upgrade to %d.%d.%d (build %d.%d.%d.%d).", r.nextInt(30), r.nextInt(40),
          r.nextInt(200), r.nextInt(30), r.nextInt(40), r.nextInt(200), r.nextInt(9999));
      case 6 -> String.format(Locale.ROOT, "Revenue was $%,d.%02d this quarter.", 100_000 + r.nextInt(90_000_000), r.nextInt(100));
      case 7 -> "Unix time " + (1_500_000_000 + r.nextInt(300_000_000)) + " in milliseconds is "
          + (1_500_000_000_000L + (long) r.nextInt(1_000_000_000) * 300) + ".";
      case 8 -> String.format(Locale.ROOT, "Coordinates %.6f, %.6f", -90 + 180 * r.nextDouble(), -180 + 360 * r.nextDouble());
      case 9 -> "Customer ID " + digits(r, 8 + r.nextInt(4)) + " has an open case.";
      case 10 -> String.format(Locale.ROOT, "Resolution %dx%d at %d fps, %d-%d-%d ms budget.", 640 + r.nextInt(3200),
          480 + r.nextInt(1700), 24 + r.nextInt(120), r.nextInt(100), r.nextInt(100), r.nextInt(100));
      default -> "Tracking " + pick(r, "1Z") + alnum(r, 6).toUpperCase(Locale.ROOT) + digits(r, 10) + " is in transit.";
    };
  }

  static String idLookalike(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> "request " + hex(r, 8) + "-" + hex(r, 4) + "-4" + hex(r, 3) + "-a" + hex(r, 3) + "-" + hex(r, 12) + " failed";
      case 1 -> "commit " + hex(r, 40) + " reverted it";
      case 2 -> "trace_id=" + hex(r, 32) + " span_id=" + hex(r, 16);
      case 3 -> "sha256:" + hex(r, 64);
      case 4 -> "cherry-pick " + hex(r, 7) + " onto release-" + r.nextInt(10) + "." + r.nextInt(20);
      default -> "etag \"" + hex(r, 32) + "\" unchanged";
    };
  }

  static String documentationValue(Random r) {
    return switch (r.nextInt(14)) {
      case 0 -> "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE";
      case 1 -> "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
      case 2 -> "OPENAI_API_KEY=sk-" + "x".repeat(48);
      case 3 -> "api_key=\"" + pick(r, "your-api-key", "YOUR_API_KEY", "<your key>", "sk-...", "sk-your-key-here") + "\"";
      case 4 -> "GITHUB_TOKEN=ghp_" + "X".repeat(36);
      case 5 -> "Authorization: Bearer " + pick(r, "<token>", "$TOKEN", "{{access_token}}", "eyJhbGciOi...");
      case 6 -> "AccountKey=" + pick(r, "<storage-key>", "YOUR_STORAGE_KEY", "***") + ";EndpointSuffix=core.windows.net";
      case 7 -> "-----BEGIN PRIVATE KEY-----\n" + pick(r, "...", "<paste your key>", "MII...") + "\n-----END PRIVATE KEY-----";
      case 8 -> "Test cards: " + pick(r, "4242 4242 4242 4242", "4000 0566 5566 5556", "5555 5555 5555 4444",
          "5105 1051 0510 5100", "3782 822463 10005", "6011 1111 1111 1117", "4111 1111 1111 1111",
          "5200 8282 8282 8210", "6200 0000 0000 0005", "4000 0025 0000 3155", "5454 5454 5454 5454",
          "4000 0000 0000 3220", "3622 720627 1667");
      case 9 -> "aws_access_key_id = AKIAI44QH8DHBEXAMPLE";
      case 10 -> "token: ghp_" + pick(r, "your_token_here_0123456789abcdefghijk", "REPLACE_ME_WITH_A_REAL_TOKEN_1234567");
      case 11 -> "The key format is sk-proj- followed by letters and digits.";
      case 12 -> "SSN format: 123-45-6789 (example only).";
      default -> "IBAN format: GB00 XXXX 0000 0000 0000 00.";
    };
  }

  static String emailLookalike(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> pick(r, FIRST) + "@example." + pick(r, "com", "org", "net");
      case 1 -> "@" + pick(r, FIRST) + "." + pick(r, LAST) + " please review";
      case 2 -> "icon@" + (2 + r.nextInt(2)) + "x.png";
      case 3 -> "npm i " + pick(r, "react", "lodash", "@types/node") + "@" + r.nextInt(20) + "." + r.nextInt(20) + "." + r.nextInt(20);
      case 4 -> "ssh " + pick(r, "deploy", "ubuntu", "root") + "@10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
      case 5 -> "postgres://app:pw@localhost:5432/" + pick(r, "orders", "users");
      case 6 -> "@app.route(\"/" + pick(r, "health", "login") + "\")";
      default -> pick(r, FIRST) + "@localhost";
    };
  }

  private static String digits(Random r, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int k = 0; k < n; k++) b.append((char) ('0' + r.nextInt(10)));
    return b.toString();
  }

  private static String hex(Random r, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int k = 0; k < n; k++) b.append("0123456789abcdef".charAt(r.nextInt(16)));
    return b.toString();
  }

  private static String alnum(Random r, int n) {
    String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder(n);
    for (int k = 0; k < n; k++) b.append(a.charAt(r.nextInt(a.length())));
    return b.toString();
  }

  private static String base64(Random r, int n, boolean url) {
    String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + (url ? "-_" : "+/");
    StringBuilder b = new StringBuilder(n);
    for (int k = 0; k < n; k++) b.append(a.charAt(r.nextInt(a.length())));
    return b.toString();
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  private static String mark(String kind, String value) {
    return "[[" + kind + ":" + value + "]]";
  }

  // --- evaluation ----------------------------------------------------------------------------

  static Counts evaluate(List<Labeled> set, List<String> errors) {
    SensitiveDataDetector detector = SensitiveDataDetector.standard();
    Counts counts = new Counts();
    for (Labeled l : set) {
      List<SensitiveMatch> found = detector.find(l.text());
      boolean[] used = new boolean[found.size()];
      for (Expected e : l.expected()) {
        int hit = -1;
        for (int k = 0; k < found.size() && hit < 0; k++) {
          SensitiveMatch m = found.get(k);
          int overlap = Math.min(m.end(), e.end()) - Math.max(m.start(), e.start());
          if (!used[k] && m.kind() == e.kind() && 2 * overlap >= e.end() - e.start()) hit = k;
        }
        int[] c = counts.byGroup.get(Group.of(e.kind()));
        if (hit >= 0) {
          used[hit] = true;
          c[0]++;
        } else {
          c[2]++;
          errors.add("MISSED " + e.kind() + " '" + l.text().substring(e.start(), e.end()).replace("\n", "\\n") + "' | "
              + l.category() + " | " + found.stream().map(m -> m.kind() + "'" + m.valueIn(l.text()) + "'").toList());
        }
      }
      for (int k = 0; k < found.size(); k++) {
        if (used[k]) continue;
        SensitiveMatch m = found.get(k);
        counts.byGroup.get(Group.of(m.kind()))[1]++;
        errors.add("FALSE+ " + m.kind() + " '" + m.valueIn(l.text()).replace("\n", "\\n") + "' | " + l.category() + " | "
            + l.text().replace("\n", "\\n"));
      }
    }
    return counts;
  }

  @Test
  void meetsTheTargetsPerGroupOnSetsItWasNotTunedOn() throws Exception {
    Map<String, List<Labeled>> sets = new LinkedHashMap<>();
    sets.put("handwritten", handwritten());
    sets.put("generated", generated());
    List<Labeled> all = new ArrayList<>();
    sets.values().forEach(all::addAll);
    sets.put("all", all);
    Map<String, Counts> results = new LinkedHashMap<>();
    for (Map.Entry<String, List<Labeled>> s : sets.entrySet()) {
      List<String> errors = new ArrayList<>();
      Counts c = evaluate(s.getValue(), errors);
      results.put(s.getKey(), c);
      long negatives = s.getValue().stream().filter(l -> l.expected().isEmpty()).count();
      System.out.printf(Locale.ROOT, "%s: %d texts, %d without any expected match%n", s.getKey(), s.getValue().size(), negatives);
      for (Map.Entry<Group, int[]> g : c.byGroup.entrySet()) System.out.println(Counts.line(g.getKey().name().toLowerCase(Locale.ROOT), g.getValue()));
      System.out.println(Counts.line("overall", c.total()));
      if (!s.getKey().equals("all")) errors.forEach(e -> System.out.println("    " + e));
    }
    for (Map.Entry<String, Counts> r : results.entrySet()) {
      for (Map.Entry<Group, int[]> g : r.getValue().byGroup.entrySet()) {
        String what = r.getKey() + " " + g.getKey();
        assertThat(g.getValue()[0] + g.getValue()[2]).as(what + " has enough expected values").isGreaterThanOrEqualTo(20);
        assertThat(Counts.precision(g.getValue())).as(what + " precision").isGreaterThanOrEqualTo(0.95);
        assertThat(Counts.recall(g.getValue())).as(what + " recall").isGreaterThanOrEqualTo(0.95);
      }
      assertThat(Counts.precision(r.getValue().total())).as(r.getKey() + " precision").isGreaterThanOrEqualTo(0.95);
      assertThat(Counts.recall(r.getValue().total())).as(r.getKey() + " recall").isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void markupIsReadBack() {
    Labeled l = parse("x", "mail [[EMAIL:a.b@corp.io]] or [[PHONE:+44 20 7946 0958]].");
    assertThat(l.text()).isEqualTo("mail a.b@corp.io or +44 20 7946 0958.");
    assertThat(l.expected()).containsExactly(new Expected(SensitiveKind.EMAIL, 5, 16),
        new Expected(SensitiveKind.PHONE, 20, 36));
  }

  @Test
  void generatedValuesHaveTheirFormatsChecksums() {
    Random r = new Random(1);
    for (int k = 0; k < 200; k++) {
      assertThat(Checksums.luhn(card(r, true))).isTrue();
      assertThat(Checksums.luhn(card(r, false))).isFalse();
      assertThat(Checksums.iban(iban(r, true))).isTrue();
      assertThat(Checksums.iban(iban(r, false))).isFalse();
    }
  }
}
