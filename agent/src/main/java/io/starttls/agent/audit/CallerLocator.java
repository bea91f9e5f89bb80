package io.starttls.agent.audit;

/**
 * The application class behind a socket: the first stack frame outside the JDK, the agent and the
 * mail libraries (whose socket factory is rarely the class an operator looks for).
 */
public final class CallerLocator {
    private static final String[] SKIPPED = {
        "java.", "javax.net.", "javax.security.", "javax.crypto.", "jdk.", "sun.", "com.sun.net.",
        "com.sun.crypto.", "io.starttls.agent.", "com.sun.mail.", "org.eclipse.angus.mail.", "javax.mail.",
        "jakarta.mail.", "org.apache.commons.net."
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
