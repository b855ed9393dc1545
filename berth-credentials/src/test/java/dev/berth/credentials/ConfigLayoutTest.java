package dev.berth.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.berth.model.JsonReader;
import dev.berth.model.JsonWriter;
import org.junit.jupiter.api.Test;

/**
 * config.json is written by berth-model's writer (no Jackson to start in a login), laid out as
 * docker lays it out: byte for byte what Jackson wrote with a docker-style pretty printer before.
 */
class ConfigLayoutTest {
  /** The writer config.json had: Jackson, tabs, {@code "key": value}, empty {@code {}} and {@code []}, nulls kept. */
  private static final JSON JACKSON = JSON.std
      .with(JSON.Feature.PRETTY_PRINT_OUTPUT)
      .with(JSON.Feature.WRITE_NULL_PROPERTIES)
      .with(new DefaultPrettyPrinter(Separators.createDefaultInstance()
          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
          .withObjectEmptySeparator("")
          .withArrayEmptySeparator(""))
          .withObjectIndenter(new DefaultIndenter("\t", "\n"))
          .withArrayIndenter(new DefaultIndenter("\t", "\n")));

  @Test
  void writesWhatJacksonWroteForEveryKindOfValue() throws Exception {
    String[] documents = {
        "{}",
        "{\"auths\":{}}",
        "{\"auths\":{\"registry.example:5000\":{\"auth\":\"YWxpY2U6czNjcmV0\"},\"[::1]:5000\":{}},\"credsStore\":\"berth\"}",
        "{\"credHelpers\":{\"a\":\"pass\"},\"proxies\":{\"default\":{\"httpProxy\":\"http://p:3128\",\"noProxy\":\"*.local\"}}}",
        "{\"list\":[],\"nested\":[[1,2],[],{\"k\":null}],\"n\":null,\"t\":true,\"f\":false}",
        "{\"int\":42,\"long\":12345678901,\"big\":123456789012345678901234567890,\"dec\":1.10,\"exp\":1e5,\"neg\":-0.5}",
        "{\"text\":\"quote \\\" backslash \\\\ tab \\t newline \\n ctl \\u0001 \\u00e9 \\ud83d\\ude00 </script> & ' \"}",
        "{\"HttpHeaders\":{\"User-Agent\":\"x\"},\"psFormat\":\"table {{.ID}}\\t{{.Names}}\",\"detachKeys\":\"ctrl-p,ctrl-q\"}",
    };
    for (String json : documents) {
      Object value = JsonReader.parseExact(json);
      assertThat(JsonWriter.writeIndented(value)).as(json).isEqualTo(JACKSON.asString(value));
    }
  }
}
