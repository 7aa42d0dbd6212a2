package io.carelake.evaluation.lm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.evaluation.spec.EvaluationSpecs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exam item set in JSONL, one item per line:
 * <pre>
 * {"id": "...", "subject": "...", "question": "...", "options": {"A": "...", "B": "..."},
 *  "answer": "B", "contaminated": false}
 * </pre>
 * {@code id}, {@code subject}, {@code question}, {@code options} (two or more, keyed by single
 * capital letters) and {@code answer} (one of the option keys) are required; {@code contaminated}
 * is optional (a set checked against a training corpus may carry it); any other key is kept out of
 * scoring (the shipped synthetic set carries {@code item_set, language, synthetic, source, facts}).
 * Ids are unique. The set's identity is the SHA-256 of the file's bytes; its name is the items'
 * {@code item_set} when they all carry the same one, else the file's name.
 */
public record ExamItems(String source, String name, String sha256, List<Item> items) {

  /** One item; {@code contaminated} is null when the file does not say. */
  public record Item(String id, String subject, Map<String, String> options, String answer,
      Boolean contaminated, int line) {}

  static final ObjectMapper JSON = new ObjectMapper();

  public static ExamItems parse(String source, byte[] bytes) throws LmInputException {
    List<Item> items = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String text = lines[i].strip();
      if (text.isEmpty()) {
        continue;
      }
      int line = i + 1;
      JsonNode n = object(source, line, text);
      String id = text(source, line, n, "id");
      String subject = text(source, line, n, "subject");
      text(source, line, n, "question");
      JsonNode opts = n.get("options");
      if (opts == null || !opts.isObject() || opts.size() < 2) {
        throw new LmInputException(source, line, "item " + id + ": 'options' must be an object of"
            + " two or more options keyed by letter, e.g. {\"A\": \"...\", \"B\": \"...\"}");
      }
      Map<String, String> options = new LinkedHashMap<>();
      for (var e : (Iterable<Map.Entry<String, JsonNode>>) opts::fields) {
        if (!e.getKey().matches("[A-Z]") || !e.getValue().isTextual()) {
          throw new LmInputException(source, line, "item " + id + ": option '" + e.getKey()
              + "' must be a single capital letter with a text");
        }
        options.put(e.getKey(), e.getValue().asText());
      }
      String answer = text(source, line, n, "answer");
      if (!options.containsKey(answer)) {
        throw new LmInputException(source, line, "item " + id + ": answer '" + answer
            + "' is not one of its options " + options.keySet());
      }
      Boolean contaminated = null;
      if (n.has("contaminated")) {
        if (!n.get("contaminated").isBoolean()) {
          throw new LmInputException(source, line, "item " + id + ": 'contaminated' must be true"
              + " or false");
        }
        contaminated = n.get("contaminated").asBoolean();
      }
      names.add(n.hasNonNull("item_set") ? n.get("item_set").asText() : "");
      Integer first = seen.putIfAbsent(id, line);
      if (first != null) {
        throw new LmInputException(source, line, "item id " + id + " repeats line " + first);
      }
      items.add(new Item(id, subject, options, answer, contaminated, line));
    }
    if (items.isEmpty()) {
      throw new LmInputException(source, 0, "no items: an item set has one JSON object per line");
    }
    String name = names.size() == 1 && !names.contains("") ? names.iterator().next()
        : source.substring(source.lastIndexOf('/') + 1);
    return new ExamItems(source, name, EvaluationSpecs.sha256(bytes), List.copyOf(items));
  }

  static JsonNode object(String source, int line, String text) throws LmInputException {
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || !n.isObject()) {
        throw new LmInputException(source, line, "expected one JSON object per line");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new LmInputException(source, line, "not JSON: " + e.getOriginalMessage());
    }
  }

  static String text(String source, int line, JsonNode n, String field) throws LmInputException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new LmInputException(source, line, "missing or empty text field '" + field + "'");
    }
    return v.asText();
  }

  /** Whether every item says whether it is contaminated. */
  boolean everyItemFlagged() {
    return items.stream().allMatch(i -> i.contaminated() != null);
  }
}
