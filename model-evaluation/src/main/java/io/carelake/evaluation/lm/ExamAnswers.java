package io.carelake.evaluation.lm;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.evaluation.spec.EvaluationSpecs;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One iteration's answers in JSONL, one per line: {@code {"id": "<item id>", "answer": "B"}} (the
 * option letter) or {@code {"id": "...", "response": "<the model's text>"}}. What the model meant
 * is read strictly, and anything else is unparseable, which is scored wrong and counted:
 * <ul>
 *   <li>{@code answer}: one option letter, optionally in brackets or followed by a full stop
 *       ("B", "(B)", "B.", "（B）", case-insensitive);</li>
 *   <li>{@code response}: the whole text is such a letter, or it says "答案是 B" / "答案：B" /
 *       "answer: B" / "the answer is (B)" with exactly one letter named that way.</li>
 * </ul>
 * A letter that is not one of the item's options is unparseable too. Lines for ids not in the item
 * set are set aside and counted; an id answered twice is an error naming both lines.
 */
public record ExamAnswers(String source, String sha256, Map<String, Answer> byItem,
    long lines, long unknownItems) {

  /** The letter the model chose, or null when its answer could not be read. */
  public record Answer(String letter, int line) {
    boolean parseable() {
      return letter != null;
    }
  }

  private static final Pattern LETTER = Pattern.compile(
      "^[\\(（\\[]?\\s*([A-Za-z])\\s*[\\)）\\]]?\\s*[.。]?$");
  private static final Pattern STATED = Pattern.compile(
      "(?:答案\\s*(?:是|为|:|：)\\s*|answer\\s*(?:is|:)\\s*)[\\(（]?\\s*([A-Za-z])\\b",
      Pattern.CASE_INSENSITIVE);

  public static ExamAnswers parse(String source, byte[] bytes, ExamItems items)
      throws LmInputException {
    Map<String, ExamItems.Item> known = new HashMap<>();
    items.items().forEach(i -> known.put(i.id(), i));
    Map<String, Answer> byItem = new LinkedHashMap<>();
    long lines = 0;
    long unknown = 0;
    String[] text = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < text.length; i++) {
      if (text[i].isBlank()) {
        continue;
      }
      lines++;
      int line = i + 1;
      JsonNode n = ExamItems.object(source, line, text[i].strip());
      String id = ExamItems.text(source, line, n, "id");
      ExamItems.Item item = known.get(id);
      if (item == null) {
        unknown++;
        continue;
      }
      Answer previous = byItem.get(id);
      if (previous != null) {
        throw new LmInputException(source, line, "item " + id + " is answered twice (first at"
            + " line " + previous.line() + "); keep one answer per item");
      }
      String letter = null;
      if (n.hasNonNull("answer")) {
        letter = letter(n.get("answer").asText(), LETTER);
      } else if (n.hasNonNull("response")) {
        letter = fromResponse(n.get("response").asText());
      } else {
        throw new LmInputException(source, line, "item " + id + ": a line needs 'answer' (the"
            + " option letter) or 'response' (the model's text)");
      }
      if (letter != null && !item.options().containsKey(letter)) {
        letter = null;
      }
      byItem.put(id, new Answer(letter, line));
    }
    return new ExamAnswers(source, EvaluationSpecs.sha256(bytes), byItem, lines, unknown);
  }

  static String fromResponse(String response) {
    String whole = letter(response, LETTER);
    if (whole != null) {
      return whole;
    }
    Matcher m = STATED.matcher(response);
    String found = null;
    while (m.find()) {
      String l = m.group(1).toUpperCase(java.util.Locale.ROOT);
      if (found != null && !found.equals(l)) {
        return null;
      }
      found = l;
    }
    return found;
  }

  private static String letter(String text, Pattern p) {
    Matcher m = p.matcher(text.strip());
    return m.matches() ? m.group(1).toUpperCase(java.util.Locale.ROOT) : null;
  }
}
