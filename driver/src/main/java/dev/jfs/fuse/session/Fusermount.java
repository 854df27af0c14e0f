package dev.jfs.fuse.session;

import dev.jfs.UserError;
import dev.jfs.posix.Errno;
import dev.jfs.posix.Posix;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Mounting and unmounting for a process that may not call mount(2) itself: through the setuid
 * {@code fusermount3}, as libfuse does. fusermount3 opens /dev/fuse, mounts it, and sends the
 * descriptor back over the socket named by {@code _FUSE_COMMFD} (SCM_RIGHTS); when it cannot, it
 * says why on stderr and closes the socket without sending anything.
 */
public final class Fusermount {
    private static final String PROGRAM = "fusermount3";
    private static final String COMMFD_ENV = "_FUSE_COMMFD";
    private static final int CAP_SYS_ADMIN = 21;
    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 02000000, O_CLOEXEC = 02000000, O_RDONLY = 0;
    private static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_CMSG_CLOEXEC = 0x40000000;
    // struct msghdr, struct iovec and struct cmsghdr on 64-bit Linux (x86_64 and aarch64 alike).
    private static final int MSGHDR_SIZE = 56, MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32, MSG_CONTROLLEN = 40;
    private static final int IOVEC_SIZE = 16;
    private static final int CMSG_LEVEL = 8, CMSG_TYPE = 12, CMSG_DATA = 16, CMSG_LEN_ONE_FD = 20, CMSG_SPACE_ONE_FD = 24;
    /** glibc's and musl's posix_spawn_file_actions_t are 80 bytes; room to spare. */
    private static final int FILE_ACTIONS_SIZE = 128;

    /** Loaded on first mount: {@link #needed()} and unmount need no native code. */
    private static final class Native {
        static final FusermountLibC LIBC = LibraryLoader.create(FusermountLibC.class).failImmediately().load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private Fusermount() {}

    /**
     * Mounts MOUNTPOINT through the setuid fusermount3 with the given -o option list (e.g.
     * "fsname=jfs-123,subtype=jfs,default_permissions,allow_other"), and returns the /dev/fuse
     * descriptor fusermount3 passes back over the _FUSE_COMMFD socket (SCM_RIGHTS), close-on-exec.
     * Nothing answers the kernel yet: the caller must not touch the mountpoint before it serves
     * INIT. {@code auto_unmount} does not belong in the list (fusermount3 would wait on the socket).
     *
     * @throws UserError with one line if fusermount3 is missing or refuses (its stderr line)
     */
    public static int mount(Path mountPoint, String options) {
        String mnt = mountPoint.toAbsolutePath().normalize().toString();
        Child child = Child.start(program(), List.of(PROGRAM, "-o", options, "--", mnt));
        int fd;
        try {
            fd = receiveDescriptor(child.socket);
        } finally {
            child.finish();
        }
        if (fd < 0) throw new UserError("mounting " + mnt + ": " + child.reason());
        return fd;
    }

    /** fusermount3 -u (-z when lazy) MOUNTPOINT; UserError with one line on failure. */
    public static void unmount(Path mountPoint, boolean lazy) {
        String mnt = mountPoint.toAbsolutePath().normalize().toString();
        List<String> cmd = new ArrayList<>(List.of(program().toString(), "-u"));
        if (lazy) cmd.add("-z");
        cmd.addAll(List.of("--", mnt));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = p.waitFor();
            if (status != 0) throw new UserError("unmounting " + mnt + ": " + reason(output, "exit status " + status));
        } catch (IOException e) {
            throw new UserError("unmounting " + mnt + ": cannot run " + PROGRAM + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("unmounting " + mnt + ": interrupted");
        }
    }

    /**
     * Whether this process must go through fusermount3: it lacks CAP_SYS_ADMIN (not root, or root
     * in a container without it). Read from /proc, so no native code loads.
     */
    public static boolean needed() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                    return (caps & (1L << CAP_SYS_ADMIN)) == 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: fusermount3 works for root too
        }
        return true;
    }

    /** fusermount3 from PATH (as libfuse finds it), so a user can choose which one. */
    private static Path program() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, PROGRAM);
            if (Files.isExecutable(p)) return p;
        }
        throw new UserError(PROGRAM + " not found in PATH: install fuse3 (users other than root mount through it)");
    }

    /**
     * Receives the descriptor fusermount3 sends: one byte with an SCM_RIGHTS message. -1 when
     * fusermount3 closed the socket without sending one (it failed, and said why on stderr).
     */
    private static int receiveDescriptor(int socket) {
        Runtime rt = Native.RUNTIME;
        Pointer msg = Memory.allocateDirect(rt, MSGHDR_SIZE, true);
        Pointer iov = Memory.allocateDirect(rt, IOVEC_SIZE, true);
        Pointer data = Memory.allocateDirect(rt, 1, true);
        Pointer control = Memory.allocateDirect(rt, CMSG_SPACE_ONE_FD, true);
        iov.putAddress(0, data.address());
        iov.putLong(8, 1);
        msg.putAddress(MSG_IOV, iov.address());
        msg.putLong(MSG_IOVLEN, 1);
        msg.putAddress(MSG_CONTROL, control.address());
        msg.putLong(MSG_CONTROLLEN, CMSG_SPACE_ONE_FD);
        long n;
        int errno;
        do {
            n = Native.LIBC.recvmsg(socket, msg, MSG_CMSG_CLOEXEC);
            errno = rt.getLastError();
        } while (n < 0 && errno == Errno.EINTR);
        Reference.reachabilityFence(iov);
        Reference.reachabilityFence(data);
        if (n < 0) throw new UserError("receiving /dev/fuse from " + PROGRAM + ": " + Posix.strerror(errno));
        boolean passed = n > 0 && msg.getLong(MSG_CONTROLLEN) >= CMSG_LEN_ONE_FD
                && control.getInt(CMSG_LEVEL) == SOL_SOCKET && control.getInt(CMSG_TYPE) == SCM_RIGHTS;
        return passed ? control.getInt(CMSG_DATA) : -1;
    }

    /** The first line fusermount3 printed, else how it ended. */
    private static String reason(String output, String ending) {
        return output.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                .orElse(PROGRAM + " failed (" + ending + ")");
    }

    /**
     * A running fusermount3: its pid, our end of the socket it holds as _FUSE_COMMFD, and the read
     * end of the pipe its stdout and stderr go to.
     */
    private static final class Child {
        final int pid;
        final int socket;
        final int output;
        String printed = "";
        String ending = "";

        private Child(int pid, int socket, int output) {
            this.pid = pid;
            this.socket = socket;
            this.output = output;
        }

        /**
         * posix_spawn, whose file actions give the child its end of the socket without
         * close-on-exec; every descriptor we make is close-on-exec, so no other child of this
         * JVM holds the socket open and hides fusermount3's end of file from us.
         */
        static Child start(Path program, List<String> argv) {
            FusermountLibC libc = Native.LIBC;
            int[] sock = new int[2];
            if (libc.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0) {
                throw new UserError("socketpair: " + Posix.strerror(Native.RUNTIME.getLastError()));
            }
            int[] pipe = new int[2];
            if (libc.pipe2(pipe, O_CLOEXEC) < 0) {
                int errno = Native.RUNTIME.getLastError();
                libc.close(sock[0]);
                libc.close(sock[1]);
                throw new UserError("pipe: " + Posix.strerror(errno));
            }
            // A fixed number in the child other than our own: dup2 onto itself would keep close-on-exec
            // in C libraries older than POSIX 2024's rule.
            int childSocket = sock[0] == 3 ? 4 : 3;
            List<String> env = new ArrayList<>();
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                if (!e.getKey().equals(COMMFD_ENV)) env.add(e.getKey() + "=" + e.getValue());
            }
            env.add(COMMFD_ENV + "=" + childSocket);
            try {
                int pid = spawn(program, argv, env, pipe[1], sock[0], childSocket);
                return new Child(pid, sock[1], pipe[0]);
            } catch (RuntimeException e) {
                libc.close(sock[1]);
                libc.close(pipe[0]);
                throw e;
            } finally {
                libc.close(sock[0]);
                libc.close(pipe[1]);
            }
        }

        private static int spawn(Path program, List<String> argv, List<String> env, int output, int socket, int childSocket) {
            FusermountLibC libc = Native.LIBC;
            Pointer actions = Memory.allocateDirect(Native.RUNTIME, FILE_ACTIONS_SIZE, true);
            check(libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            try {
                check(libc.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0), "addopen");
                check(libc.posix_spawn_file_actions_adddup2(actions, output, 1), "adddup2");
                check(libc.posix_spawn_file_actions_adddup2(actions, output, 2), "adddup2");
                check(libc.posix_spawn_file_actions_adddup2(actions, socket, childSocket), "adddup2");
                List<Pointer> keep = new ArrayList<>();
                Pointer argvArray = cStringArray(argv, keep);
                Pointer envArray = cStringArray(env, keep);
                int[] pid = new int[1];
                int rc = libc.posix_spawn(pid, program.toString(), actions, null, argvArray, envArray);
                Reference.reachabilityFence(keep);
                if (rc != 0) throw new UserError("cannot run " + program + ": " + Posix.strerror(rc));
                return pid[0];
            } finally {
                libc.posix_spawn_file_actions_destroy(actions);
            }
        }

        private static void check(int rc, String call) {
            if (rc != 0) throw new UserError("starting " + PROGRAM + ": " + call + ": " + Posix.strerror(rc));
        }

        /** A NULL-terminated char *[]; {@code keep} holds the memory until the call is made. */
        private static Pointer cStringArray(List<String> strings, List<Pointer> keep) {
            Runtime rt = Native.RUNTIME;
            int word = rt.addressSize();
            Pointer array = Memory.allocateDirect(rt, (strings.size() + 1) * word, true);
            keep.add(array);
            for (int i = 0; i < strings.size(); i++) {
                byte[] b = strings.get(i).getBytes(StandardCharsets.UTF_8);
                Pointer s = Memory.allocateDirect(rt, b.length + 1, true);
                s.put(0, b, 0, b.length);
                keep.add(s);
                array.putAddress((long) i * word, s.address());
            }
            return array;
        }

        /** Closes our socket, reads what fusermount3 printed and waits for it to end. */
        void finish() {
            FusermountLibC libc = Native.LIBC;
            libc.close(socket);
            StringBuilder text = new StringBuilder();
            byte[] buf = new byte[4096];
            for (long n; (n = libc.read(output, buf, buf.length)) != 0; ) {
                if (n < 0 && Native.RUNTIME.getLastError() == Errno.EINTR) continue;
                if (n < 0) break;
                text.append(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
            }
            libc.close(output);
            printed = text.toString();
            int[] status = new int[1];
            int rc;
            do {
                rc = libc.waitpid(pid, status, 0);
            } while (rc < 0 && Native.RUNTIME.getLastError() == Errno.EINTR);
            int s = status[0];
            ending = rc < 0 ? "not waited for" : (s & 0x7f) == 0 ? "exit status " + ((s >> 8) & 0xff) : "signal " + (s & 0x7f);
        }

        String reason() {
            return Fusermount.reason(printed, ending);
        }
    }
}
