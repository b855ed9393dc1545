package dev.berth.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Berth's own JSON reader and writer give what Jackson gives: the same values, the same bytes. */
class JsonReaderWriterTest {
  static final List<String> DOCUMENTS = List.of(
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"size\":1520,"
          + "\"digest\":\"sha256:7328f6f8b41890597575cbaadc884e7386ae0acc53b747401ebce5cf0d624560\"},\"layers\":[]}",
      " { \"a\" : [ 1 , -2, 3.5, 1e3, -0.25E-2, 2147483648, 9223372036854775807, 92233720368547758070 ] ,\n\"b\":null}",
      "{\"s\":\"tab\\there \\\"q\\\" back\\\\slash \\/ \\u00e9\\u2028 \\ud83d\\ude00 emoji 😀 ü\",\"t\":true,\"f\":false}",
      "{\"nested\":{\"deep\":[{\"x\":[[]]},{}]}}",
      "[]", "[\"a\"]", "\"just a string\"", "0", "-0", "12");

  @Test
  void readsWhatJacksonReads() throws Exception {
    for (String doc : DOCUMENTS) {
      assertThat(JsonReader.parse(doc.getBytes(StandardCharsets.UTF_8))).as(doc).isEqualTo(JSON.std.anyFrom(doc));
    }
  }

  @Test
  void writesTheBytesJacksonWrites() throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("schemaVersion", 2);
    map.put("text", "quote \" backslash \\ slash / tab \t newline \n cr \r ff \f bs \b bell \u0007 nul \u0000 é 😀 \u2028");
    map.put("big", 9_223_372_036_854_775_807L);
    map.put("neg", -17);
    map.put("double", 2.5);
    map.put("null", null);
    map.put("bool", true);
    List<Object> list = new ArrayList<>(List.of("a", 1, false));
    list.add(new LinkedHashMap<>(Map.of("k", "v")));
    list.add(List.of());
    map.put("list", list);
    map.put("empty", Map.of());
    assertThat(new String(JsonWriter.write(map), StandardCharsets.UTF_8))
        .isEqualTo(new String(JSON.std.asBytes(map), StandardCharsets.UTF_8));
    for (String doc : DOCUMENTS) {
      Object value = JSON.std.anyFrom(doc);
      assertThat(JsonWriter.write(value)).as(doc).isEqualTo(JSON.std.asBytes(value));
    }
  }

  @Test
  void malformedDocumentsAreRefusedWithWhereAndWhat() {
    assertThatThrownBy(() -> JsonReader.parse("{\"a\":1,}")).hasMessage("expected a member name in double quotes at line 1, column 8");
    assertThatThrownBy(() -> JsonReader.parse("{\n  \"a\": tru }")).hasMessageStartingWith("unexpected character 't' at line 2");
    assertThatThrownBy(() -> JsonReader.parse("[1 2]")).hasMessageStartingWith("expected ',' or ']'");
    assertThatThrownBy(() -> JsonReader.parse("{} x")).hasMessageStartingWith("unexpected content after the JSON value");
    assertThatThrownBy(() -> JsonReader.parse("\"open")).hasMessageStartingWith("unterminated string");
    assertThatThrownBy(() -> JsonReader.parse("01")).hasMessageStartingWith("unexpected content");
    assertThatThrownBy(() -> JsonReader.parse("[" + "[".repeat(600) + "]".repeat(601))).hasMessageContaining("nested deeper");
    assertThatThrownBy(() -> JsonReader.parse("")).hasMessageStartingWith("unexpected end of input");
    assertThatThrownBy(() -> JsonReader.parse("{\"a\":1,\"a\":2}")).hasMessage("duplicate key 'a' at line 1, column 8");
  }
}
