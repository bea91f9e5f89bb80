package io.starttls.agent.report;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code java -jar starttls-agent.jar report [--tlsrpt] FILE...}: the audit JSON lines of one or
 * many JVMs (plain, gzip-rotated, or standard input) rolled up per destination, streaming.
 */
public final class ReportCommand {
    public static final int EXIT_OK = 0;
    public static final int EXIT_NO_RECORDS = 1;
    public static final int EXIT_BAD_INPUT = 2;
    static final String USAGE = "usage: java -jar starttls-agent.jar report [--tlsrpt [--organization NAME] "
            + "[--contact ADDRESS]] [--expiring-within DAYS] FILE... (FILE may be gzip-compressed; - or no FILE "
            + "reads standard input)";

    private final List<String> files = new ArrayList<String>();
    private boolean tlsrpt;
    private String organization;
    private String contact;
    private int expiringDays = 30;
    private long skipped;
    private String firstSkipped;
    private boolean readFailed;

    private ReportCommand() {
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, boolean interactive) {
        ReportCommand c = new ReportCommand();
        String problem = c.parse(args);
        if (problem != null) {
            err.println("starttls-agent report: " + problem);
            err.println(USAGE);
            return EXIT_BAD_INPUT;
        }
        if (c.files.isEmpty()) {
            if (interactive) {
                err.println("starttls-agent report: no audit file given, and standard input is a terminal: give the "
                        + "audit files (audit.jsonl audit.jsonl.1.gz ...), or pipe them in with -");
                err.println(USAGE);
                return EXIT_BAD_INPUT;
            }
            c.files.add("-");
        }
        for (String f : c.files) {
            if (!f.equals("-") && (!new File(f).exists() || new File(f).isDirectory())) {
                // Not isFile(): a pipe such as <(zcat audit.jsonl.3.gz) is read as well.
                err.println("starttls-agent report: cannot read '" + f + "': " + (new File(f).exists()
                        ? "it is a directory" : "there is no such file") + "; give the agent's audit-log= file");
                return EXIT_BAD_INPUT;
            }
        }
        return c.report(stdin, out, err);
    }

    /**
     * True when standard input is a terminal, where a report with no file would wait for typing.
     * Java 22 and later give a Console even to redirected input; its isTerminal() tells.
     */
    public static boolean readsFromTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // before Java 22 a Console exists only for a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private String parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            String option = a;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                option = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (option) {
                case "--tlsrpt":
                    tlsrpt = true;
                    break;
                case "--organization":
                case "--contact":
                case "--expiring-within":
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            return option + " needs a value";
                        }
                        value = args[++i];
                    }
                    if (option.equals("--organization")) {
                        organization = value;
                    } else if (option.equals("--contact")) {
                        contact = value;
                    } else {
                        try {
                            expiringDays = Integer.parseInt(value);
                        } catch (NumberFormatException e) {
                            expiringDays = -1;
                        }
                        if (expiringDays < 0 || expiringDays > 3650) {
                            return "--expiring-within takes a number of days from 0 to 3650";
                        }
                    }
                    break;
                default:
                    if (a.startsWith("--")) {
                        return "unknown option '" + (a.length() > 40 ? a.substring(0, 40) + "..." : a) + "'";
                    }
                    files.add(a);
                    break;
            }
        }
        if (!tlsrpt && (organization != null || contact != null)) {
            return "--organization and --contact belong to --tlsrpt";
        }
        return null;
    }

    private int report(InputStream stdin, PrintStream out, PrintStream err) {
        Rollup rollup = new Rollup();
        FlatJson record = Rollup.reader();
        for (String f : files) {
            boolean standardInput = f.equals("-");
            String name = standardInput ? "standard input" : f;
            try (InputStream raw = standardInput ? new NonClosing(stdin) : new FileInputStream(f);
                 AuditLines lines = new AuditLines(raw)) {
                long n = 0;
                while (lines.next()) {
                    n++;
                    if (lines.length() == 0 && !lines.tooLong()) {
                        continue;
                    }
                    if (lines.tooLong() || !record.parse(lines.bytes(), 0, lines.length()) || !rollup.add(record)) {
                        skip(name, n);
                    }
                }
            } catch (IOException e) {
                readFailed = true;
                err.println("starttls-agent report: cannot read all of " + name + " (" + e.getMessage()
                        + "); the records before that point are counted");
            }
        }
        if (skipped > 0) {
            err.println("starttls-agent report: skipped " + skipped + (skipped == 1 ? " line" : " lines")
                    + " that are not audit records (the first: " + firstSkipped + ")");
        }
        if (rollup.records == 0) {
            err.println("starttls-agent report: no audit records in " + String.join(", ", files)
                    + "; give the file of the agent's audit-log= setting");
            return readFailed ? EXIT_BAD_INPUT : EXIT_NO_RECORDS;
        }
        if (tlsrpt) {
            if (organization == null || contact == null) {
                err.println("starttls-agent report: the TLS-RPT report says 'unspecified' for "
                        + (organization == null ? "organization-name" : "contact-info")
                        + (organization == null && contact == null ? " and contact-info" : "")
                        + ": give --organization NAME and --contact ADDRESS");
            }
            out.print(TlsRptReport.of(rollup, organization == null ? "unspecified" : organization,
                    contact == null ? "unspecified" : contact, UUID.randomUUID().toString()));
        } else {
            out.println("starttls-agent report: " + rollup.records + (rollup.records == 1 ? " record" : " records")
                    + " from " + rollup.firstTime() + " to " + rollup.lastTime() + ", " + rollup.all().size()
                    + (rollup.all().size() == 1 ? " destination" : " destinations"));
            out.println();
            out.print(ReportTable.of(rollup, System.currentTimeMillis(), expiringDays));
        }
        out.flush();
        return readFailed ? EXIT_BAD_INPUT : EXIT_OK;
    }

    private void skip(String name, long line) {
        if (skipped++ == 0) {
            firstSkipped = name + " line " + line;
        }
    }

    /** Standard input stays open for whatever reads it after us. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
