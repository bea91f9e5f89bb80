package io.starttls.demo.support;

/**
 * How the demo apps end: exit 0 and "RESULT: ..." on success; on failure the library's message
 * and exit 75 when it was temporary (the application keeps the message for a retry), 1 otherwise.
 */
public final class Results {
    private Results() {
    }

    public static void success(String what) {
        System.out.println("RESULT: " + what);
        System.exit(0);
    }

    public static void failure(Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            chain.append(chain.length() == 0 ? "" : " / ").append(t.getClass().getSimpleName()).append(": ")
                    .append(t.getMessage());
        }
        String text = chain.toString();
        boolean temporary = text.matches("(?s).*(^|\\D)421(\\D|$).*") || text.contains("[UNAVAILABLE]")
                || text.contains("[SYS/TEMP]") || text.contains("* BYE") || text.contains("SessionBlockedException")
                || text.contains("EOFException") || text.contains("Connection closed");
        System.out.println("ERROR: " + text);
        System.out.println("RESULT: " + (temporary ? "temporary failure, try again later" : "failed"));
        System.exit(temporary ? 75 : 1);
    }
}
