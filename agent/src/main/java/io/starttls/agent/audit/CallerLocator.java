package io.starttls.agent.audit;

/** The application class behind a socket: the first stack frame outside the JDK and the agent. */
public final class CallerLocator {
    private static final String[] SKIPPED = {
        "java.", "javax.net.", "javax.security.", "javax.crypto.", "jdk.", "sun.", "com.sun.net.",
        "com.sun.crypto.", "io.starttls.agent."
    };

    private CallerLocator() {
    }

    public static String applicationClass() {
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            if (!skipped(frame.getClassName())) {
                return frame.getClassName();
            }
        }
        return null;
    }

    static boolean skipped(String className) {
        for (String prefix : SKIPPED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
