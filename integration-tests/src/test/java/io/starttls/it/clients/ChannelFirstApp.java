package io.starttls.it.clients;

import java.io.File;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;

/**
 * An application that has used a java.nio SocketChannel, and never a java.net.Socket, before the
 * agent is attached: its PID goes to CONTROL/pid; when CONTROL/go appears it runs a hand-written
 * Socket session to PORT ({@link MultiDestinationSender}, "SENT" or "FAILED"), then a SocketChannel
 * SMTP exchange ({@link NioSmtpClient}, "RESULT: ...", exit status 75 when it fails).
 */
public final class ChannelFirstApp {
    private ChannelFirstApp() {
    }

    public static void main(String[] args) throws Exception {
        File control = new File(args[0]);
        SocketChannel.open().close(); // loads the JDK's SocketChannelImpl
        Files.write(new File(control, "pid.tmp").toPath(), Long.toString(ProcessHandle.current().pid()).getBytes());
        Files.move(new File(control, "pid.tmp").toPath(), new File(control, "pid").toPath());
        while (!new File(control, "go").exists()) {
            Thread.sleep(20);
        }
        MultiDestinationSender.main(new String[] {"127.0.0.1:" + args[1]});
        NioSmtpClient.main(new String[] {args[1]});
    }
}
