package io.starttls.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;

/**
 * The library tier: tells the socket guard which connections a mail library will take to TLS
 * itself, so that the guard watches them instead of driving them.
 * <ul>
 *   <li>JavaMail 1.4-1.6 ({@code com.sun.mail}) and Angus Mail ({@code org.eclipse.angus.mail}):
 *       when {@code SocketFetcher.getSocket(host, port, props, prefix, useSSL)} returns, the socket
 *       and the session properties go to the hook, which reads {@code <prefix>.starttls.enable}
 *       and {@code .required};</li>
 *   <li>Commons Net: when {@code SocketClient._connectAction_()} ends (streams made, greeting not
 *       yet read), the client object goes to the hook, which knows the TLS-aware subclasses;</li>
 *   <li>Commons Net's {@code SMTPSClient.execTLS()}: answers {@code true} at once when the agent
 *       has already secured the connection (an {@code AuthenticatingSMTPClient} it upgraded);</li>
 *   <li>the JDK's own {@code sun.security.ssl.SSLSocketFactoryImpl.createSocket(Socket, host, port,
 *       autoClose)}: the TLS socket an application layers over a mail socket goes to the hook, so
 *       that the application's own TLS session is checked against the agent's policy (trust, host
 *       name, minimum version) before its first application data leaves;</li>
 *   <li>the JDK's {@code sun.nio.ch.SocketChannelImpl.beginConnect}, where every SocketChannel
 *       connect passes (blocking, non-blocking, and the channel's socket adaptor): a channel to a
 *       mail port is reported, and under enforce refused, since the agent cannot upgrade it.</li>
 * </ul>
 * Each insertion is a straight line of code before a return, so stack map frames stay valid and
 * no class is loaded to compute new ones. The call goes through {@code java.net.Socket}'s own
 * added method, which every class loader sees, so no agent class needs to be visible to the
 * library's class loader. This class only matches names: it runs for every class the JVM loads, and
 * ASM ({@link LibraryRewriter}) is loaded only when a mail library is.
 */
public final class LibraryTransformer implements ClassFileTransformer {
    static final String JAVAMAIL_FETCHER = "com/sun/mail/util/SocketFetcher";
    static final String ANGUS_FETCHER = "org/eclipse/angus/mail/util/SocketFetcher";
    static final String COMMONS_NET_CLIENT = "org/apache/commons/net/SocketClient";
    static final String COMMONS_NET_SMTPS_CLIENT = "org/apache/commons/net/smtp/SMTPSClient";
    static final String JSSE_SOCKET_FACTORY = "sun/security/ssl/SSLSocketFactoryImpl";
    static final String SOCKET_CHANNEL = "sun/nio/ch/SocketChannelImpl";
    private static final String BEGIN_CONNECT_DESC = "(ZLjava/net/SocketAddress;)V";
    private static final String LAYERED_DESC = "(Ljava/net/Socket;Ljava/lang/String;IZ)Ljava/net/Socket;";
    private static final String GET_SOCKET_DESC =
            "(Ljava/lang/String;ILjava/util/Properties;Ljava/lang/String;Z)Ljava/net/Socket;";

    /** The classes this rewrites, by internal name: those already loaded are retransformed on the second way in. */
    static final String[] TARGETS = {JAVAMAIL_FETCHER, ANGUS_FETCHER, COMMONS_NET_CLIENT, COMMONS_NET_SMTPS_CLIENT,
        JSSE_SOCKET_FACTORY, SOCKET_CHANNEL};

    private final HookCall hook;
    private final boolean retransforming;

    /** For classes as they load, calling Socket's added method. */
    LibraryTransformer() {
        this(HookCall.PATCHED_SOCKET, false);
    }

    /**
     * @param retransforming also rewrite a class being retransformed (the second way in, where the
     *     libraries may have loaded before the agent); the JVM gives the class's original bytes
     */
    LibraryTransformer(HookCall hook, boolean retransforming) {
        this.hook = hook;
        this.retransforming = retransforming;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] classfile) {
        if (className == null || (redefined != null && !retransforming)) {
            return null;
        }
        try {
            if (className.equals(JAVAMAIL_FETCHER) || className.equals(ANGUS_FETCHER)) {
                return LibraryRewriter.rewrite(classfile, "getSocket", GET_SOCKET_DESC, LibraryRewriter.Advice.JAVAMAIL_SIGNAL, hook);
            }
            if (className.equals(COMMONS_NET_CLIENT)) {
                return LibraryRewriter.rewrite(classfile, "_connectAction_", "()V", LibraryRewriter.Advice.COMMONS_NET_SIGNAL, hook);
            }
            if (className.equals(JSSE_SOCKET_FACTORY) && loader == null) {
                return LibraryRewriter.rewrite(classfile, "createSocket", LAYERED_DESC,
                        LibraryRewriter.Advice.LAYERED_TLS_SIGNAL, hook);
            }
            if (className.equals(SOCKET_CHANNEL) && loader == null) {
                return LibraryRewriter.rewrite(classfile, "beginConnect", BEGIN_CONNECT_DESC,
                        LibraryRewriter.Advice.NIO_CONNECT_SIGNAL, hook);
            }
            if (className.equals(COMMONS_NET_SMTPS_CLIENT)) {
                return LibraryRewriter.rewrite(classfile, "execTLS", "()Z", LibraryRewriter.Advice.EXEC_TLS_ANSWER, hook);
            }
        } catch (RuntimeException | LinkageError e) {
            // Leave the library as it is: the socket tier still guards its connections.
            System.err.println("starttls-agent: could not instrument " + className.replace('/', '.') + " (" + e
                    + "); its STARTTLS configuration will not be recognised");
        }
        return null;
    }
}
