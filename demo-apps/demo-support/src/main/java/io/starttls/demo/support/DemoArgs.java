package io.starttls.demo.support;

import java.util.HashMap;
import java.util.Map;

/** The demo apps' configuration: {@code --key value} pairs, as an operator would set them. */
public final class DemoArgs {
    private final Map<String, String> values = new HashMap<String, String>();

    public DemoArgs(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
    }

    public String get(String key, String fallback) {
        String v = values.get(key);
        return v == null ? fallback : v;
    }

    public int port(int fallback) {
        return Integer.parseInt(get("port", String.valueOf(fallback)));
    }

    /** The TLS configuration: off (legacy), enable or required (STARTTLS), implicit (smtps/imaps/pop3s). */
    public String startTls() {
        return get("starttls", "off");
    }
}
