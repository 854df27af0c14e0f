package dev.jfs.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.io.IOException;
import java.util.Set;

/**
 * Finds the program a container will exec, before runc is asked: runc says only "exec failed" with
 * its own status 1; users and scripts expect docker's 127 (not found) and 126 (not executable).
 */
final class CommandLookup {
    private CommandLookup() {}

    /** Checks {@code spec}'s argv[0] resolves to an executable file in {@code rootfs}, as execvp would find it. */
    static void check(Path rootfs, ProcessSpec spec) {
        String program = spec.args().get(0);
        if (program.contains("/")) {
            String abs = program.startsWith("/") ? program : spec.cwd() + "/" + program;
            Path p = RootfsPath.resolve(rootfs, abs);
            if (!Files.isRegularFile(p)) {
                throw new CommandNotRunnable("exec: \"" + program + "\": no such file or directory",
                        CommandNotRunnable.NOT_FOUND);
            }
            if (!executable(p)) {
                throw new CommandNotRunnable("exec: \"" + program + "\": permission denied",
                        CommandNotRunnable.NOT_EXECUTABLE);
            }
            return;
        }
        String path = spec.getenv("PATH");
        if (path == null) path = ProcessSpec.DEFAULT_PATH;
        boolean sawNonExecutable = false;
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) dir = spec.cwd();
            Path p = RootfsPath.resolve(rootfs, (dir.startsWith("/") ? dir : spec.cwd() + "/" + dir) + "/" + program);
            if (Files.isRegularFile(p)) {
                if (executable(p)) return;
                sawNonExecutable = true;
            }
        }
        if (sawNonExecutable) {
            throw new CommandNotRunnable("exec: \"" + program + "\": permission denied", CommandNotRunnable.NOT_EXECUTABLE);
        }
        throw new CommandNotRunnable("exec: \"" + program + "\": executable file not found in $PATH",
                CommandNotRunnable.NOT_FOUND);
    }

    private static boolean executable(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            return perms.contains(PosixFilePermission.OWNER_EXECUTE) || perms.contains(PosixFilePermission.GROUP_EXECUTE)
                    || perms.contains(PosixFilePermission.OTHERS_EXECUTE);
        } catch (IOException e) {
            return false;
        }
    }
}
