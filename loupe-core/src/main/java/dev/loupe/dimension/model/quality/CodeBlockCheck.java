package dev.loupe.dimension.model.quality;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * A cheap plausibility check of code in an answer: every {@code ```} fence is closed, and in each
 * fenced block the brackets {@code () [] {}} balance outside strings and comments. It catches an
 * answer cut off mid-function and most broken edits; it cannot see a wrong indentation, a missing
 * semicolon, a wrong language or code that does not compile. Without fences, only {@code {}} and
 * {@code []} of the whole answer are checked, as prose uses parentheses freely ("1)"). Comments
 * are {@code #} (after a space) for Python, shell and the like, {@code --} for SQL, Lua and
 * Haskell, {@code //} and block comments for the rest; in Rust a single quote is a character
 * literal or a lifetime.
 */
final class CodeBlockCheck {
  /** Languages whose line comments start with {@code #} (the others use {@code //} and block comments). */
  private static final Set<String> HASH_COMMENTS =
      Set.of("python", "py", "bash", "sh", "shell", "zsh", "ruby", "rb", "perl", "r", "yaml", "yml", "toml",
          "powershell", "ps1", "dockerfile", "makefile", "make");
  private static final Set<String> DASH_COMMENTS = Set.of("sql", "lua", "haskell", "hs");

  private CodeBlockCheck() {}

  /** The verdict on an answer's code, or null when it holds nothing to check (no fence, no bracket). */
  static Verdict check(String answer, String requestedLanguage) {
    if (answer == null) return null;
    List<String> lines = answer.lines().toList();
    List<Block> blocks = new ArrayList<>();
    Block open = null;
    for (int i = 0; i < lines.size(); i++) {
      String t = lines.get(i).strip();
      if (t.startsWith("```")) {
        if (open == null) {
          String info = t.substring(3).strip().toLowerCase(java.util.Locale.ROOT);
          open = new Block(i + 1, info.isEmpty() ? requestedLanguage : info.split("\\s+")[0], new StringBuilder());
        } else {
          blocks.add(open);
          open = null;
        }
      } else if (open != null) {
        open.code().append(lines.get(i)).append('\n');
      }
    }
    if (open != null) return Verdict.invalid("code fence opened at line " + open.line() + " is not closed");
    if (blocks.isEmpty()) {
      String unfenced = balance(answer, requestedLanguage, false);
      if (unfenced == null && answer.chars().noneMatch(c -> c == '{' || c == '[')) return null;
      return unfenced == null ? Verdict.VALID : Verdict.invalid(unfenced);
    }
    for (Block b : blocks) {
      String problem = balance(b.code().toString(), b.language(), true);
      if (problem != null) return Verdict.invalid("code block at line " + b.line() + ": " + problem);
    }
    return Verdict.VALID;
  }

  private record Block(int line, String language, StringBuilder code) {}

  /** What is unbalanced in {@code code}, or null. */
  static String balance(String code, String language, boolean parentheses) {
    boolean hash = language != null && HASH_COMMENTS.contains(language);
    boolean dash = language != null && DASH_COMMENTS.contains(language);
    boolean rust = "rust".equals(language) || "rs".equals(language);
    Deque<Character> stack = new ArrayDeque<>();
    int n = code.length();
    int i = 0;
    while (i < n) {
      char c = code.charAt(i);
      boolean hashComment = hash && c == '#' && (i == 0 || Character.isWhitespace(code.charAt(i - 1)));
      boolean dashComment = dash && c == '-' && i + 1 < n && code.charAt(i + 1) == '-';
      boolean slashComment = !hash && c == '/' && i + 1 < n && code.charAt(i + 1) == '/';
      if (hashComment || dashComment || slashComment) {
        i = lineEnd(code, i);
        continue;
      }
      if (!hash && c == '/' && i + 1 < n && code.charAt(i + 1) == '*') {
        int close = code.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
        continue;
      }
      if (c == '"' || c == '`' || c == '\'' && !(rust && !isCharLiteral(code, i))) {
        i = stringEnd(code, i);
        continue;
      }
      if (c == '(' && parentheses || c == '[' || c == '{') {
        stack.push(c);
      } else if (c == ')' && parentheses || c == ']' || c == '}') {
        char want = c == ')' ? '(' : c == ']' ? '[' : '{';
        if (stack.isEmpty()) return "unexpected '" + c + "'";
        char got = stack.pop();
        if (got != want) return "'" + got + "' closed by '" + c + "'";
      }
      i++;
    }
    return stack.isEmpty() ? null : "'" + stack.peek() + "' not closed";
  }

  /**
   * Where a string starting at {@code start} ends: its closing quote (triple quotes may span lines);
   * a quote with no partner on its line is an apostrophe or a Rust lifetime, not a string.
   */
  private static int stringEnd(String code, int start) {
    char q = code.charAt(start);
    if (code.startsWith(String.valueOf(q).repeat(3), start)) {
      String triple = String.valueOf(q).repeat(3);
      int close = code.indexOf(triple, start + 3);
      return close < 0 ? code.length() : close + 3;
    }
    int end = q == '`' ? code.length() : lineEnd(code, start);
    for (int j = start + 1; j < end; j++) {
      char c = code.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == q) {
        return j + 1;
      }
    }
    return start + 1;
  }

  /** Rust's {@code 'x'} or {@code '\\n'}, not a lifetime ({@code 'a}). */
  private static boolean isCharLiteral(String code, int start) {
    int n = code.length();
    if (start + 2 < n && code.charAt(start + 1) != '\\' && code.charAt(start + 2) == '\'') return true;
    if (start + 1 < n && code.charAt(start + 1) == '\\') {
      int close = code.indexOf('\'', start + 2);
      return close > 0 && close - start <= 12;
    }
    return false;
  }

  private static int lineEnd(String code, int from) {
    int nl = code.indexOf('\n', from);
    return nl < 0 ? code.length() : nl;
  }
}
