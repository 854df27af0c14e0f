package dev.jfs.runtime;

import dev.jfs.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The container's /etc/hosts, /etc/hostname and /etc/resolv.conf: files jfs writes beside the
 * container (as docker keeps them in its container directory) and binds over the root's, so a
 * container's changes never include them. The network is the host's: resolv.conf is the host's.
 */
final class RuntimeFiles {
    static final String DIR = "runtime";

    /** Host path and container path of each file, in mount order. */
    record File(Path host, String container) {}

    private RuntimeFiles() {}

    static List<File> write(Path containerDir, String hostname) {
        Path dir = containerDir.resolve(DIR);
        try {
            Files.createDirectories(dir);
            Path hosts = dir.resolve("hosts");
            Path name = dir.resolve("hostname");
            Path resolv = dir.resolve("resolv.conf");
            Files.writeString(hosts, hosts(hostname), StandardCharsets.UTF_8);
            Files.writeString(name, hostname + "\n", StandardCharsets.UTF_8);
            Files.write(resolv, resolvConf());
            List<File> out = new ArrayList<>();
            out.add(new File(hosts, "/etc/hosts"));
            out.add(new File(name, "/etc/hostname"));
            out.add(new File(resolv, "/etc/resolv.conf"));
            for (File f : out) Files.setPosixFilePermissions(f.host(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            return out;
        } catch (IOException e) {
            throw new UserError(dir + ": cannot write the container's /etc files (" + e.getMessage() + ")", e);
        }
    }

    private static String hosts(String hostname) {
        return "127.0.0.1\tlocalhost\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n"
                + "fe00::0\tip6-localnet\n"
                + "ff00::0\tip6-mcastprefix\n"
                + "ff02::1\tip6-allnodes\n"
                + "ff02::2\tip6-allrouters\n"
                + "127.0.1.1\t" + hostname + "\n";
    }

    private static byte[] resolvConf() throws IOException {
        Path host = Path.of("/etc/resolv.conf");
        if (Files.isReadable(host)) return Files.readAllBytes(host);
        return new byte[0];
    }
}
