package io.starttls.agent.instrument;

import io.starttls.agent.guard.SocketAccess;
import io.starttls.agent.guard.SocketGuardMap;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * The second way in: Socket was retransformed and has no field for a guard, so guards live in a
 * {@link SocketGuardMap} and leave it when their socket closes; the timeouts and the original host
 * name come from {@link BootHookClass}'s static methods.
 */
final class RetransformedSocketAccess implements SocketAccess {
    private final SocketGuardMap guards = new SocketGuardMap();
    private final Method setTimeout;
    private final Method getTimeout;
    private final Method originalHostName;

    RetransformedSocketAccess(Class<?> hookClass) throws NoSuchMethodException {
        setTimeout = hookClass.getMethod(BootHookClass.SET_TIMEOUT, Socket.class, int.class);
        getTimeout = hookClass.getMethod(BootHookClass.GET_TIMEOUT, Socket.class);
        originalHostName = hookClass.getMethod(BootHookClass.ORIGINAL_NAME, InetAddress.class);
    }

    @Override
    public Object guardOf(Socket socket) {
        return guards.get(socket);
    }

    @Override
    public void setGuard(Socket socket, Object guard) {
        guards.put(socket, guard);
    }

    @Override
    public void closed(Socket socket) {
        guards.remove(socket);
    }

    @Override
    public void release(Socket socket, Object guard, Object afterwards) {
        guards.release(socket, guard, afterwards);
    }

    @Override
    public void setTimeout(Socket socket, int millis) throws SocketException {
        PatchedSocketAccess.Reflection.callThrowing(setTimeout, null, socket, millis);
    }

    @Override
    public int timeout(Socket socket) throws SocketException {
        return (Integer) PatchedSocketAccess.Reflection.callThrowing(getTimeout, null, socket);
    }

    @Override
    public String originalHostName(InetAddress address) {
        return PatchedSocketAccess.Reflection.originalHostName(originalHostName, address);
    }

    /** Guards held now (for the installer's own check and for tests of the scale). */
    int held() {
        return guards.size();
    }
}
