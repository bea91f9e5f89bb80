package io.starttls.it.support;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Starts and stops real Postfix and Dovecot through the project's script, and reads their logs. */
public final class RealServers {
    private static final File SCRIPT = new File("real-servers/real-servers.sh");
    private final Map<String, String> env = new HashMap<>();

    private RealServers() {
    }

    /** Started servers, or the test is skipped with the script's own reason. */
    public static RealServers start() throws IOException, InterruptedException {
        Result started = script("start");
        Assumptions.assumeTrue(started.exit != 3, () -> "real servers not available: " + started.stderr.strip());
        if (started.exit != 0) {
            throw new IllegalStateException("real-servers.sh start failed: " + started.stderr);
        }
        RealServers servers = new RealServers();
        for (String line : script("env").stdout.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                servers.env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return servers;
    }

    public void stop() throws IOException, InterruptedException {
        script("stop");
    }

    public int port(String name) {
        return Integer.parseInt(env.get(name + ".port"));
    }

    public String get(String key) {
        return env.get(key);
    }

    public File postfixLog() {
        return new File(env.get("logs"), "postfix.log");
    }

    public File dovecotLog() {
        return new File(env.get("logs"), "dovecot.log");
    }

    /** What a log gained since {@code offset} (its length before a run). */
    public static String since(File log, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log, "r")) {
            long length = f.length();
            byte[] b = new byte[(int) Math.max(0, length - offset)];
            f.seek(Math.min(offset, length));
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** Waits until a delivered message in the Maildir contains {@code text}. */
    public boolean delivered(String text, long millis) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + millis;
        File maildir = new File(env.get("maildir"));
        while (System.currentTimeMillis() < end) {
            for (String sub : new String[] {"new", "cur"}) {
                File[] files = new File(maildir, sub).listFiles();
                if (files != null) {
                    for (File f : files) {
                        if (Files.readString(f.toPath(), StandardCharsets.ISO_8859_1).contains(text)) {
                            return true;
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static Result script(String command) throws IOException, InterruptedException {
        // Output to files, not pipes: the daemons it starts must not be able to hold us up.
        File out = File.createTempFile("real-servers-" + command, ".out");
        File err = File.createTempFile("real-servers-" + command, ".err");
        try {
            Process p = new ProcessBuilder("bash", SCRIPT.getPath(), command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out).redirectError(err).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("real-servers.sh " + command + " did not finish");
            }
            return new Result(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
        } finally {
            out.delete();
            err.delete();
        }
    }

    private static final class Result {
        final int exit;
        final String stdout;
        final String stderr;

        Result(int exit, String stdout, String stderr) {
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }
}
