package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.requireRootAndFuse;

import dev.jfs.nativetest.CliProcess;
import dev.jfs.nativetest.CliProcess.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The unprivileged user rootless tests run as: created if missing, given /dev/fuse (mode 0600
 * here) by an ACL for the test, and run through setpriv with a fresh environment, as a login
 * would give it. The tests start as root; the commands they check run as this user.
 */
final class RootlessUser {
    static final String NAME = "jfsrootless";

    private RootlessUser() {}

    /**
     * The user exists and may open /dev/fuse. Fails loudly if useradd or setfacl is missing. The
     * ACL stays: test runs on one machine share it, and taking it back would break one still going.
     */
    static void prepare() {
        requireRootAndFuse();
        CliProcess.sh("id -u " + NAME + " >/dev/null 2>&1 || useradd -m " + NAME);
        CliProcess.sh("command -v setfacl >/dev/null || { echo 'setfacl missing: apt-get install acl (scripts/install-deps)' >&2; exit 1; }"
                + " && setfacl -m u:" + NAME + ":rw /dev/fuse");
    }

    /** A new directory the user owns, in a place the user can reach (JUnit's are root's alone). */
    static Path ownedDirectory() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "jfs-rootless-");
        CliProcess.sh("chown " + NAME + ": '" + dir + "' && chmod 755 '" + dir + "'");
        return dir;
    }

    static void remove(Path dir) {
        if (dir != null) CliProcess.sh("rm -rf '" + dir + "'");
    }

    /** Runs {@code command} as the user, in {@code dir}, with a login's environment. */
    static Result run(Path dir, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NAME, "--regid=" + NAME, "--init-groups",
                "--reset-env", "env", "--chdir=" + dir, "LC_ALL=C.UTF-8"));
        cmd.addAll(command);
        return CliProcess.run(cmd);
    }

    /** Runs a shell command as the user, in {@code dir}. */
    static Result shell(Path dir, String command) {
        return run(dir, List.of("bash", "-c", command));
    }

    /**
     * This JVM's class path, readable by the user: jars from root's home (the Maven repository)
     * are copied into {@code into}; the build's own directories are readable as they are.
     */
    static String classPath(Path into) throws IOException {
        String home = System.getProperty("user.home");
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(":")) {
            Path p = Path.of(e);
            if (e.startsWith(home + "/") && Files.isRegularFile(p)) {
                Path copy = into.resolve(p.getFileName());
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                entries.add(copy.toString());
            } else {
                entries.add(e);
            }
        }
        CliProcess.sh("chmod -R a+rX '" + into + "'");
        return String.join(":", entries);
    }
}
