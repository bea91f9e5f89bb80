package io.starttls.agent.check;

import io.starttls.agent.guard.Deadline;
import io.starttls.agent.guard.HandshakeInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * The plain socket as JSSE sees it during the check's handshake: its input is the guard's
 * {@link HandshakeInput}, so the check holds the handshake to the one deadline (a server that
 * drips its handshake cannot stretch it) and calls plain text where a TLS record belongs
 * injection, as the agent does. Everything else goes to the real socket.
 */
final class HandshakeSocket extends Socket {
    private final Socket plain;
    private final HandshakeInput in;

    HandshakeSocket(Socket plain, Deadline deadline) throws IOException {
        this.plain = plain;
        this.in = new HandshakeInput(plain.getInputStream(), plain::setSoTimeout, deadline);
    }

    void handshakeDone() {
        in.handshakeDone();
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return plain.getOutputStream();
    }

    @Override
    public boolean isConnected() {
        return plain.isConnected();
    }

    @Override
    public boolean isBound() {
        return plain.isBound();
    }

    @Override
    public boolean isClosed() {
        return plain.isClosed();
    }

    @Override
    public InetAddress getInetAddress() {
        return plain.getInetAddress();
    }

    @Override
    public int getPort() {
        return plain.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return plain.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return plain.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return plain.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return plain.getLocalSocketAddress();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        plain.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return plain.getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        plain.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return plain.getTcpNoDelay();
    }

    @Override
    public void shutdownInput() throws IOException {
        plain.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        plain.shutdownOutput();
    }

    @Override
    public boolean isInputShutdown() {
        return plain.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return plain.isOutputShutdown();
    }

    @Override
    public synchronized void close() throws IOException {
        plain.close();
    }
}
