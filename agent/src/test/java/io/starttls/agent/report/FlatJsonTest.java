package io.starttls.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlatJsonTest {
    private final FlatJson json = new FlatJson("host", "port", "ok", "detail");

    private boolean parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return json.parse(b, 0, b.length);
    }

    @Test
    void readsTheFieldsAskedForAndSkipsTheOthers() {
        assertTrue(parse("{\"time\":\"2026-12-01T00:00:00.000Z\",\"host\":\"mx.example\",\"port\":25,\"ok\":true}"));
        assertEquals("mx.example", json.get(0));
        assertEquals("25", json.get(1));
        assertTrue(json.isTrue(2));
        assertNull(json.get(3));
    }

    @Test
    void unescapesWhatTheAgentEscaped() {
        assertTrue(parse("{\"detail\":\"said \\\"no\\\"\\u000a\\\\ \\u00e9 end\"}"));
        assertEquals("said \"no\"\n\\ \u00e9 end", json.get(3));
    }

    @Test
    void aLineThatIsNotOneOfOursIsRefusedNotGuessed() {
        assertFalse(parse(""));
        assertFalse(parse("not json"));
        assertFalse(parse("{\"host\":\"a\",\"nested\":{\"x\":1}}"));
        assertFalse(parse("{\"host\":\"a\",\"list\":[1]}"));
        assertFalse(parse("{\"host\":\"unterminated}"));
        assertFalse(parse("{\"host\":\"a\"} trailing"));
        assertFalse(parse("{\"host\" \"a\"}"));
        assertTrue(parse("{}"));
        assertNull(json.get(0), "nothing left over from an earlier line");
    }
}
