package io.starttls.it.clients;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Sends 64 KiB of binary data to an echo server and prints the digests of what went and came back. */
public final class EchoClient {
    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        byte[] data = new byte[64 * 1024];
        new Random(42).nextBytes(data);
        byte[] back = new byte[data.length];
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(args[0]))) {
            System.out.println("socket class " + s.getInputStream().getClass().getName());
            s.getOutputStream().write(data);
            s.getOutputStream().flush();
            new DataInputStream(s.getInputStream()).readFully(back);
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        System.out.println("sent " + HexFormat.of().formatHex(sha.digest(data)));
        System.out.println("echo " + HexFormat.of().formatHex(sha.digest(back)));
    }
}
