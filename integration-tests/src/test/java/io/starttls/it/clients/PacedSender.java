package io.starttls.it.clients;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

/**
 * A long-running legacy sender, paced by its test: it writes its PID to CONTROL/pid, then before
 * its n-th session (to the n-th HOST:PORT) waits for the file CONTROL/go-n, and after it writes
 * CONTROL/done-n; at the end it waits for CONTROL/exit. Between sessions the test rotates the
 * audit log, or reads the agent's MBeans, as an operator would while the application runs.
 */
public final class PacedSender {
    private PacedSender() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        File control = new File(args[0]);
        Files.write(new File(control, "pid.tmp").toPath(), Long.toString(ProcessHandle.current().pid()).getBytes());
        Files.move(new File(control, "pid.tmp").toPath(), new File(control, "pid").toPath());
        for (int i = 1; i < args.length; i++) {
            await(new File(control, "go-" + (i - 1)));
            MultiDestinationSender.main(new String[] {args[i]});
            Files.createFile(new File(control, "done-" + (i - 1)).toPath());
        }
        await(new File(control, "exit"));
    }

    private static void await(File file) throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (!file.exists()) {
            if (System.nanoTime() > end) {
                System.out.println("GAVE UP waiting for " + file);
                System.exit(9);
            }
            Thread.sleep(20);
        }
    }
}
