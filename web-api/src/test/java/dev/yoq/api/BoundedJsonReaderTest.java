package dev.yoq.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Every JSON object body is bounded before anything is built from it; what is wrong is a 400 naming it. */
class BoundedJsonReaderTest {
    static JsonObject parse(String text) throws Exception {
        return BoundedJsonReader.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static String refusal(String text) {
        BoundedJsonReader.InvalidBody e = catchThrowableOfType(BoundedJsonReader.InvalidBody.class, () -> parse(text));
        assertThat(e).as(text.length() > 60 ? text.substring(0, 60) : text).isNotNull();
        return e.getMessage();
    }

    @Test
    void objects_are_read_whole_with_exact_numbers() throws Exception {
        JsonObject o = parse("{\"a\":[1,\"x\",{\"b\":null}],\"n\":99999999999999999999999,\"f\":1.5,\"t\":true}");
        assertThat(o.getJsonArray("a").getJsonObject(2).isNull("b")).isTrue();
        assertThat(o.getJsonNumber("n").bigIntegerValue().toString()).isEqualTo("99999999999999999999999");
        assertThat(o.getBoolean("t")).isTrue();
        assertThat(parse("")).isEmpty();
    }

    @Test
    void non_objects_depth_long_numbers_and_junk_are_400() {
        assertThat(refusal("[]")).isEqualTo("the body must be a JSON object");
        assertThat(refusal("\"x\"")).isEqualTo("the body must be a JSON object");
        assertThat(refusal("{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")).startsWith("the body is over a JSON limit");
        assertThat(refusal("{\"n\":" + "9".repeat(1000) + "}")).startsWith("the body is over a JSON limit");
        assertThat(refusal("{\"a\":1} {\"b\":2}")).contains("found more after it");
        assertThat(refusal("{\"a\":")).startsWith("the body is not valid JSON");
        assertThat(refusal("{\u0000}")).startsWith("the body is not valid JSON");
    }
}
