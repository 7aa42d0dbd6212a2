package io.carelake.core.ids;

/**
 * GB 11643-1999 citizen identity numbers: 17 digits (6 region, 8 birth date, 3 sequence, the last
 * of which is odd for men and even for women) and an ISO 7064 MOD 11-2 check character.
 */
public final class ResidentIds {

  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

  private ResidentIds() {}

  /** The check character for the first 17 digits. */
  public static char checkCharacter(CharSequence first17) {
    if (first17.length() < 17) {
      throw new IllegalArgumentException(
          "A resident id body has 17 digits, got " + first17.length() + " characters");
    }
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      char c = first17.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException(
            "A resident id body has only digits; character " + (i + 1) + " is '" + c + "'");
      }
      sum += (c - '0') * WEIGHTS[i];
    }
    return CHECK[sum % 11];
  }

  /** True when {@code id} has 18 characters, 17 digits and the right check character (X upper or lower). */
  public static boolean isValid(CharSequence id) {
    if (id == null || id.length() != 18) {
      return false;
    }
    for (int i = 0; i < 17; i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    char last = Character.toUpperCase(id.charAt(17));
    return last == checkCharacter(id);
  }

  /** Builds a full id from its 17-digit body. */
  public static String complete(String first17) {
    return first17 + checkCharacter(first17);
  }
}
