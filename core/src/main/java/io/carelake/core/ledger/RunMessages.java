package io.carelake.core.ledger;

import java.util.regex.Pattern;

/**
 * What a failed run's message may say, for {@code governance.runs.message} and the job's last
 * line: no value from the data. carelake's own messages are written to name files, tables,
 * columns and counts, and are kept. A library's message (Spark, Jackson, the JDK) may quote the
 * value it choked on — a name in a cast error, a phone number in a parse error — so only its
 * class and the shape of its text are kept: quoted text, runs of digits, e-mail addresses and
 * Han-script text are masked.
 *
 * <p>Whose message it is: the frame that constructed the throwable. An exception made in a
 * {@code io.carelake} class (even a JDK type such as {@code IllegalStateException}) is ours.
 */
public final class RunMessages {

  /** Longest library message kept per throwable (carelake's own: {@value #MAX_OWN}). */
  static final int MAX_PART = 400;
  static final int MAX_OWN = 4000;

  private static final Pattern QUOTED = Pattern.compile(
      "'[^'\\n]{1,200}'|\"[^\"\\n]{1,200}\"|`[^`\\n]{1,200}`|[“‘][^”’\\n]{1,200}[”’]|「[^」]{1,200}」");
  private static final Pattern EMAIL = Pattern.compile("[\\w.%+-]+@[\\w-]+(?:\\.[\\w-]+)+");
  private static final Pattern DIGITS = Pattern.compile("[0-9０-９][0-9０-９ \\-]{3,}[0-9０-９Xx]");
  private static final Pattern HAN = Pattern.compile("\\p{IsHan}[\\p{IsHan}·\\s]*");

  private RunMessages() {}

  /** The message of {@code e} and, when different, of its root cause: ours kept, others masked. */
  public static String describe(Throwable e) {
    String what = part(e);
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e) {
      String cause = part(root);
      if (!what.contains(cause)) {
        what += " (cause: " + cause + ")";
      }
    }
    return what;
  }

  static String part(Throwable t) {
    String msg = t.getMessage();
    if (msg == null || msg.isBlank()) {
      return t.getClass().getSimpleName();
    }
    boolean ours = ours(t);
    String kept = ours ? msg : t.getClass().getSimpleName() + ": " + mask(msg);
    int max = ours ? MAX_OWN : MAX_PART;
    return kept.length() <= max ? kept : kept.substring(0, max) + "…";
  }

  /** True when the throwable was constructed by carelake code. */
  static boolean ours(Throwable t) {
    StackTraceElement[] frames = t.getStackTrace();
    if (frames.length == 0) {
      return t.getClass().getName().startsWith("io.carelake.");
    }
    return frames[0].getClassName().startsWith("io.carelake.");
  }

  /** A library message with its quoted values, digit runs, e-mails and Han text masked. */
  public static String mask(String message) {
    String m = QUOTED.matcher(message).replaceAll(r -> {
      char q = r.group().charAt(0);
      return q + "…" + r.group().charAt(r.group().length() - 1);
    });
    m = EMAIL.matcher(m).replaceAll("<e-mail>");
    m = DIGITS.matcher(m).replaceAll("<digits>");
    return HAN.matcher(m).replaceAll("<text>");
  }
}
