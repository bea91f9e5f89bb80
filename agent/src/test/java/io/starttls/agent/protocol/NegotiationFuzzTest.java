package io.starttls.agent.protocol;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the three negotiations with mutated server transcripts (truncated lines, bad
 * codes, binary noise, huge lines, early end): every case ends in an outcome or an IOException,
 * never another exception, and STARTTLS is only ever accepted right after a positive reply.
 */
class NegotiationFuzzTest {
    private static final int CASES_PER_PROTOCOL = 3000;

    private static final String[][] SMTP = {
        {"220 mail.example ESMTP\r\n", "250-mail\r\n250-PIPELINING\r\n250 STARTTLS\r\n", "220 go ahead\r\n"},
    };
    private static final String[][] IMAP = {
        {"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", "STLS2 OK begin\r\n"},
        {"* OK ready\r\n", "* CAPABILITY IMAP4rev1 STARTTLS\r\nSTLS1 OK done\r\n", "STLS2 OK begin\r\n"},
    };
    private static final String[][] POP3 = {
        {"+OK ready <1.2@x>\r\n", "+OK\r\nSTLS\r\nUSER\r\n.\r\n", "+OK begin\r\n"},
    };

    @Test
    void smtp() {
        fuzz(SMTP, () -> new SmtpNegotiation("[127.0.0.1]"), 1);
    }

    @Test
    void imap() {
        fuzz(IMAP, () -> new ImapNegotiation(4096), 2);
    }

    @Test
    void pop3() {
        fuzz(POP3, Pop3Negotiation::new, 3);
    }

    private static void fuzz(String[][] transcripts, java.util.function.Supplier<Negotiation> negotiation, long seed) {
        Random random = new Random(seed);
        int upgraded = 0;
        for (int i = 0; i < CASES_PER_PROTOCOL; i++) {
            String[] transcript = transcripts[random.nextInt(transcripts.length)].clone();
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                int step = random.nextInt(transcript.length);
                transcript[step] = mutate(transcript[step], random);
            }
            ScriptedChannel server = ScriptedChannel.server(transcript[0]);
            for (int step = 1; step < transcript.length; step++) {
                server.then(transcript[step]);
            }
            try {
                NegotiationOutcome outcome = negotiation.get().negotiate(server);
                assertNotNull(outcome);
                if (outcome.kind() == NegotiationOutcome.Kind.START_TLS) {
                    upgraded++;
                    assertTrue(!server.hasUnreadBytes(), "START_TLS with bytes left over: " + String.join("|", transcript));
                }
            } catch (IOException expected) {
                // a clean error: NegotiationException or end of stream
            } catch (RuntimeException e) {
                fail("case " + i + " threw " + e + " for " + String.join("|", transcript), e);
            }
        }
        assertTrue(upgraded > 0, "some mutations keep the transcript valid");
    }

    private static String mutate(String s, Random random) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        switch (random.nextInt(8)) {
            case 0: // truncate
                return s.substring(0, random.nextInt(s.length() + 1));
            case 1: // flip a byte to noise
                if (b.length > 0) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                return new String(b, StandardCharsets.ISO_8859_1);
            case 2: // binary noise appended
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                return s + new String(noise, StandardCharsets.ISO_8859_1);
            case 3: // a huge line
                return s + "x".repeat(5000 + random.nextInt(70000)) + "\r\n";
            case 4: // bad reply code or status
                return s.replaceFirst("^(\\d\\d\\d|\\+OK|\\* OK|STLS\\d OK)", random.nextBoolean() ? "999" : "-ERR");
            case 5: // duplicate the reply
                return s + s;
            case 6: // bare LF line endings
                return s.replace("\r\n", "\n");
            default: // nothing at all (early end)
                return "";
        }
    }
}
