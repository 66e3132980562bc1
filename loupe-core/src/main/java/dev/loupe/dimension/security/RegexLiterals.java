package dev.loupe.dimension.security;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The literal strings a regex cannot match without, read from the regex itself so a prefilter
 * can never disagree with the rule it guards: {@code prefixes}, one of which every match starts
 * with (null when unknown; one that starts with {@link #TEXT_START} only matches at the start), and {@code required}, groups of which every match contains at least
 * one string each. The analysis follows Russ Cox's trigram index for Code Search (exact sets
 * while they stay small, then prefix, suffix and a conjunction of alternatives), over the subset
 * of Java regex syntax the injection rules use; anything it does not know counts as "any text",
 * which only weakens the prefilter, never makes it wrong. Case is taken as written: the rules run
 * over folded (lower-case) text.
 */
final class RegexLiterals {
  /** Largest set carried through a cross product; beyond it the set is forgotten (made weaker). */
  private static final int LIMIT = 256;
  /**
   * Stands for {@code ^} (the start of the text) inside the analysis, so {@code (?:^|\n)} is a
   * known start; it is taken out of the required groups, where it is no string at all.
   */
  static final char TEXT_START = '\u0002';

  /** What a regex needs: a match starts with one of {@code prefixes} and contains one string of each group. */
  record Needs(Set<String> prefixes, List<Set<String>> required) {}

  /**
   * What is known of a sub-expression: the exact set of strings it matches (null if not small and
   * finite), the strings its matches start and end with (null if unknown), and the groups its
   * matches must contain. An exact set carries the other three implicitly.
   */
  private record Info(Set<String> exact, Set<String> prefix, Set<String> suffix, List<Set<String>> required) {
    static final Info ANY = new Info(null, null, null, List.of());

    static Info exact(Set<String> set) {
      return new Info(set, set, set, set.contains("") ? List.of() : List.of(set));
    }

    Set<String> starts() {
      return exact != null ? known(exact) : prefix;
    }

    Set<String> ends() {
      return exact != null ? known(exact) : suffix;
    }
  }

  private final String regex;
  private int pos;

  private RegexLiterals(String regex) {
    this.regex = regex;
  }

  static Needs of(String regex) {
    RegexLiterals p = new RegexLiterals(regex);
    Info info = p.alternation();
    if (p.pos != regex.length()) throw new IllegalArgumentException("unbalanced ')' at " + p.pos + " in " + regex);
    List<Set<String>> required = new ArrayList<>(info.required());
    if (info.starts() != null) required.add(info.starts());
    if (info.ends() != null) required.add(info.ends());
    List<Set<String>> useful = new ArrayList<>();
    for (Set<String> g : required) {
      Set<String> strings = new LinkedHashSet<>();
      for (String k : g) strings.add(k.replace(String.valueOf(TEXT_START), ""));
      if (!strings.isEmpty() && !strings.contains("") && !useful.contains(strings)) useful.add(strings);
    }
    return new Needs(info.starts(), useful);
  }

  private Info alternation() {
    List<Info> branches = new ArrayList<>();
    branches.add(concatenation());
    while (pos < regex.length() && regex.charAt(pos) == '|') {
      pos++;
      branches.add(concatenation());
    }
    if (branches.size() == 1) return branches.get(0);
    Set<String> exact = new LinkedHashSet<>();
    Set<String> prefix = new LinkedHashSet<>();
    Set<String> suffix = new LinkedHashSet<>();
    Set<String> either = new LinkedHashSet<>();
    for (Info b : branches) {
      exact = union(exact, b.exact(), LIMIT);
      prefix = union(prefix, b.starts(), 4 * LIMIT);
      suffix = union(suffix, b.ends(), 4 * LIMIT);
      either = union(either, best(b), 4 * LIMIT);
    }
    if (exact != null) return Info.exact(exact);
    // A match goes through one branch, so one of the branches' strongest groups occurs.
    return new Info(null, prefix, suffix, either == null ? List.of() : List.of(either));
  }

  private Info concatenation() {
    Info acc = Info.exact(Set.of(""));
    while (pos < regex.length() && regex.charAt(pos) != '|' && regex.charAt(pos) != ')') {
      acc = concat(acc, repeat(atom()));
    }
    return acc;
  }

  private static Info concat(Info x, Info y) {
    if (x.exact() != null && y.exact() != null) {
      Set<String> both = cross(x.exact(), y.exact());
      if (both != null) return Info.exact(both);
    }
    Set<String> prefix = x.exact() == null ? x.prefix() : orKnown(cross(x.exact(), y.starts()), x.exact());
    Set<String> suffix = y.exact() == null ? y.suffix() : orKnown(cross(x.ends(), y.exact()), y.exact());
    List<Set<String>> required = new ArrayList<>(x.required());
    required.addAll(y.required());
    Set<String> joint = cross(x.ends(), y.starts());
    if (joint != null && !joint.contains("")) required.add(joint);
    return new Info(null, known(prefix), known(suffix), required);
  }

  /** {@code set} when it is known and none of it is empty, else null. */
  private static Set<String> known(Set<String> set) {
    return set == null || set.contains("") ? null : set;
  }

  private static Set<String> orKnown(Set<String> crossed, Set<String> fallback) {
    return crossed != null ? crossed : known(fallback);
  }

  private Info repeat(Info x) {
    if (pos >= regex.length()) return x;
    char c = regex.charAt(pos);
    int min;
    int max;
    if (c == '?') {
      min = 0;
      max = 1;
      pos++;
    } else if (c == '*') {
      min = 0;
      max = Integer.MAX_VALUE;
      pos++;
    } else if (c == '+') {
      min = 1;
      max = Integer.MAX_VALUE;
      pos++;
    } else if (c == '{') {
      int close = regex.indexOf('}', pos);
      String[] bounds = regex.substring(pos + 1, close).split(",", -1);
      min = Integer.parseInt(bounds[0].trim());
      max = bounds.length == 1 ? min : bounds[1].isBlank() ? Integer.MAX_VALUE : Integer.parseInt(bounds[1].trim());
      pos = close + 1;
    } else {
      return x;
    }
    if (pos < regex.length() && (regex.charAt(pos) == '?' || regex.charAt(pos) == '+')) pos++; // lazy, possessive
    if (min == 1 && max == 1) return x;
    if (min == 0) {
      if (max == 1 && x.exact() != null) {
        Set<String> optional = new LinkedHashSet<>(x.exact());
        optional.add("");
        return Info.exact(optional);
      }
      return Info.ANY;
    }
    return new Info(null, x.starts(), x.ends(), x.required());
  }

  private Info atom() {
    char c = regex.charAt(pos++);
    switch (c) {
      case '(' -> {
        boolean assertion = false;
        if (regex.startsWith("?:", pos)) {
          pos += 2;
        } else if (regex.startsWith("?=", pos) || regex.startsWith("?!", pos)) {
          pos += 2;
          assertion = true;
        } else if (regex.startsWith("?<=", pos) || regex.startsWith("?<!", pos)) {
          pos += 3;
          assertion = true;
        } else if (pos < regex.length() && regex.charAt(pos) == '?') {
          throw new IllegalArgumentException("unsupported group '(?" + regex.charAt(pos + 1) + "' in " + regex);
        }
        Info inner = alternation();
        if (pos >= regex.length() || regex.charAt(pos) != ')') throw new IllegalArgumentException("missing ')' in " + regex);
        pos++;
        return assertion ? Info.exact(Set.of("")) : inner;
      }
      case '[' -> {
        return charClass();
      }
      case '.' -> {
        return Info.ANY;
      }
      case '^' -> {
        return Info.exact(Set.of(String.valueOf(TEXT_START)));
      }
      case '$' -> {
        return Info.exact(Set.of(""));
      }
      case '\\' -> {
        return escape();
      }
      default -> {
        return Info.exact(Set.of(String.valueOf(c)));
      }
    }
  }

  private Info escape() {
    char e = regex.charAt(pos++);
    return switch (e) {
      case 'b', 'B', 'A', 'z', 'Z', 'G' -> Info.exact(Set.of(""));
      case 's' -> Info.exact(Set.of(" ", "\n", "\t", "\r", "\f", "\u000B"));
      case 'n' -> Info.exact(Set.of("\n"));
      case 't' -> Info.exact(Set.of("\t"));
      case 'r' -> Info.exact(Set.of("\r"));
      case 'f' -> Info.exact(Set.of("\f"));
      case 'w', 'W', 'd', 'D', 'S', 'h', 'H', 'v', 'V', 'R', 'X' -> Info.ANY;
      case 'p', 'P', 'x', 'u', 'c', 'k', 'N', 'Q', 'E', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' ->
          throw new IllegalArgumentException("unsupported escape '\\" + e + "' in " + regex);
      default -> {
        if (Character.isLetter(e)) throw new IllegalArgumentException("unsupported escape '\\" + e + "' in " + regex);
        yield Info.exact(Set.of(String.valueOf(e)));
      }
    };
  }

  /** A class of a few listed characters is an exact set; ranges and negations are any character. */
  private Info charClass() {
    boolean negated = pos < regex.length() && regex.charAt(pos) == '^';
    if (negated) pos++;
    Set<String> chars = new LinkedHashSet<>();
    boolean range = false;
    boolean first = true;
    while (true) {
      if (pos >= regex.length()) throw new IllegalArgumentException("missing ']' in " + regex);
      char c = regex.charAt(pos++);
      if (c == ']' && !first) break;
      first = false;
      if (c == '[' || c == '&') throw new IllegalArgumentException("unsupported nested class in " + regex);
      if (c == '\\') {
        char e = regex.charAt(pos++);
        switch (e) {
          case 'n' -> chars.add("\n");
          case 't' -> chars.add("\t");
          case 's', 'w', 'd', 'S', 'W', 'D' -> range = true;
          default -> {
            if (Character.isLetterOrDigit(e)) throw new IllegalArgumentException("unsupported escape in class in " + regex);
            chars.add(String.valueOf(e));
          }
        }
        continue;
      }
      if (c == '-' && !chars.isEmpty() && pos < regex.length() && regex.charAt(pos) != ']') {
        range = true;
        continue;
      }
      chars.add(String.valueOf(c));
    }
    return negated || range || chars.size() > 8 ? Info.ANY : Info.exact(chars);
  }

  /**
   * The group of a branch that narrows most: its shortest string is longest (up to the length a
   * keyword is cut to), then it has the fewest strings.
   */
  static Set<String> best(List<Set<String>> groups) {
    Set<String> best = null;
    int bestLength = 0;
    for (Set<String> g : groups) {
      if (g.contains("")) continue;
      int shortest = Integer.MAX_VALUE;
      for (String s : g) shortest = Math.min(shortest, s.length());
      shortest = Math.min(shortest, InjectionRules.KEYWORD_CHARS);
      if (shortest > bestLength || shortest == bestLength && best != null && g.size() < best.size()) {
        best = g;
        bestLength = shortest;
      }
    }
    return best;
  }

  private static Set<String> best(Info b) {
    List<Set<String>> candidates = new ArrayList<>(b.required());
    if (b.starts() != null) candidates.add(b.starts());
    if (b.ends() != null) candidates.add(b.ends());
    return best(candidates);
  }

  private static Set<String> union(Set<String> acc, Set<String> more, int limit) {
    if (acc == null || more == null) return null;
    acc.addAll(more);
    return acc.size() > limit ? null : acc;
  }

  private static Set<String> cross(Set<String> a, Set<String> b) {
    if (a == null || b == null || (long) a.size() * b.size() > LIMIT) return null;
    Set<String> out = new LinkedHashSet<>();
    for (String x : a) {
      for (String y : b) out.add(x + y);
    }
    return out;
  }
}
