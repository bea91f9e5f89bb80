package io.starttls.agent.instrument;

import io.starttls.agent.config.AgentConfig;
import io.starttls.agent.config.MailProtocol;
import io.starttls.agent.config.PortMap;
import io.starttls.agent.guard.GuardSlot;
import io.starttls.agent.guard.MailSockets;
import java.lang.reflect.Field;
import java.net.Socket;
import java.util.function.BiFunction;
import javax.net.ssl.SSLSocket;

/**
 * What {@code java.net.Socket} calls on every stream request and close. For a socket that is not
 * to a mail port it returns at once, having done one array look-up: that is the whole cost of the
 * agent on other sockets. The guard machinery is loaded on the first mail socket.
 */
public final class SocketHook implements BiFunction<Object, Object, Object>, GuardSlot {
    private final AgentConfig config;
    private final PortMap ports;
    private final Field guardField;
    private volatile MailSockets mail;

    public SocketHook(AgentConfig config, Field guardField) {
        this.config = config;
        this.ports = config.ports();
        this.guardField = guardField;
    }

    @Override
    public Object apply(Object socket, Object stream) {
        Socket s = (Socket) socket;
        if (s == null) {
            return stream;
        }
        MailProtocol protocol = ports.protocolOf(s.getPort());
        if (protocol == null || s instanceof SSLSocket) {
            return stream;
        }
        if (stream instanceof Object[]) {
            return mail().onLibrarySignal(s, protocol, (Object[]) stream);
        }
        return mail().onStream(s, protocol, stream);
    }

    private MailSockets mail() {
        MailSockets m = mail;
        if (m == null) {
            synchronized (this) {
                m = mail;
                if (m == null) {
                    mail = m = new MailSockets(config, this);
                }
            }
        }
        return m;
    }

    @Override
    public Object get(Socket socket) {
        try {
            return guardField.get(socket);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void set(Socket socket, Object guard) {
        try {
            guardField.set(socket, guard);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
