package io.starttls.it.clients;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A plain-text SMTP exchange over a java.nio SocketChannel: greeting, EHLO, QUIT. Usage:
 * {@code PORT [reverse-dns-first]}; with the second word it asks the address for its host name
 * first, as logging code does, so that the address then carries a reverse-DNS name.
 */
public final class NioSmtpClient {
    public static void main(String[] args) throws IOException {
        java.net.InetAddress address = java.net.InetAddress.getByName("127.0.0.1");
        if (args.length > 1 && args[1].equals("reverse-dns-first")) {
            System.out.println("PTR: " + address.getHostName());
        }
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress(address, Integer.parseInt(args[0])))) {
            System.out.println("S: " + read(channel));
            channel.write(ByteBuffer.wrap("EHLO nio.example.test\r\n".getBytes(StandardCharsets.US_ASCII)));
            System.out.println("S: " + read(channel));
            channel.write(ByteBuffer.wrap("QUIT\r\n".getBytes(StandardCharsets.US_ASCII)));
            System.out.println("RESULT: done");
        } catch (IOException e) {
            System.out.println("RESULT: failed: " + e);
            System.exit(75);
        }
    }

    private static String read(SocketChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        channel.read(buf);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim().split("\r\n")[0];
    }
}
