package dev.jfs.cli;

import dev.jfs.UserError;
import java.util.regex.Pattern;

/** The HOST[:PORT] argument of login and logout. */
final class Hosts {
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private Hosts() {}

    /** {@code HOST[:PORT]}, accepting an {@code https://} in front (as Docker writes it) and refusing paths. */
    static String registryHost(String arg) {
        String h = arg.replaceFirst("^https?://", "").replaceFirst("/$", "");
        if (!HOST_PORT.matcher(h).matches()) throw new UserError("'" + arg + "': not a registry HOST[:PORT]");
        return h;
    }
}
