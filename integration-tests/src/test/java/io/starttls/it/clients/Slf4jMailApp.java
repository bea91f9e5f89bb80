package io.starttls.it.clients;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An application with its own SLF4J 1.7 and slf4j-simple configuration, which sends one mail. */
public final class Slf4jMailApp {
    private static final Logger LOG = LoggerFactory.getLogger("legacy.app");

    public static void main(String[] args) throws Exception {
        LOG.info("starting the nightly report");
        LOG.debug("this line is below the configured level");
        SmtpIdiomsClient.main(new String[] {"new-socket", args[0]});
        LOG.info("report sent");
    }
}
