package io.starttls.it.clients;

/** The smallest application: whatever the JVM prints around it comes from the JVM or the agent. */
public final class HelloWorld {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
