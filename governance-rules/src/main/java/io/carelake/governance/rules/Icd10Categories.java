package io.carelake.governance.rules;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The WHO ICD-10 (2019) three-character categories, as shipped in
 * {@code carelake/codes/icd10-who-2019-categories.txt} (source in governance-rules/README.md).
 */
public final class Icd10Categories {

  public static final String RESOURCE = "carelake/codes/icd10-who-2019-categories.txt";

  private static final Set<String> CATEGORIES = load();

  private Icd10Categories() {}

  public static int size() {
    return CATEGORIES.size();
  }

  /** True when the code's first three characters (upper-cased) are a category. */
  public static boolean contains(String code) {
    String c = code.trim();
    return c.length() >= 3 && CATEGORIES.contains(c.substring(0, 3).toUpperCase(Locale.ROOT))
        && (c.length() == 3 || c.charAt(3) == '.' || Character.isLetterOrDigit(c.charAt(3)));
  }

  private static Set<String> load() {
    Set<String> out = new HashSet<>();
    try (InputStream in = Icd10Categories.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the governance-rules jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.trim();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    return Set.copyOf(out);
  }
}
