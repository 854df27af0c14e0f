package dev.jfs.fuse;

import dev.jfs.UserError;
import dev.jfs.posix.Posix;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of a mount, parsed from {@code -o a,b=c}: the overlay spelling of the stack
 * (lowerdir/upperdir/workdir), jfs's own FUSE settings, and mount(8)'s generic words, accepted
 * and ignored so that fstab entries work. Anything else is an error naming the option.
 */
public final class MountOptions {
    public String lowerdir;
    public String upperdir;
    public String workdir;
    /**
     * Whether users other than the one mounting may use the mount (permissions then come from
     * the mode bits): by default as root, whose mounts serve containers running as any uid.
     * Null until set by {@code -o allow_other} or {@code -o noallow_other}.
     */
    public Boolean allowOther;
    /**
     * Seconds the kernel may cache names, attributes and misses. Long by default: lowers are
     * immutable, every change goes through the mount, which the kernel sees, and hard links
     * share one kernel inode.
     */
    public double entryTimeout = 3600;
    public double attrTimeout = 3600;
    public double negativeTimeout = 3600;
    public boolean fuseDebug;
    /** Device nodes and setuid programs work as in the image (libfuse's default is nodev,nosuid). */
    public boolean devices = true;
    public boolean setuid = true;
    /** Threads serving requests: blocking calls (fsync, copy-up) must not stall the others. */
    public int threads = 4;
    /**
     * Microseconds one request thread keeps asking for the next request before it sleeps; 0:
     * every thread sleeps at once. A program's requests come a few microseconds apart, and
     * waking a sleeping thread costs more than that on a virtual machine.
     */
    public int spinMicros = 50;
    /**
     * noatime by default: with relatime the kernel drops a file's or directory's cached
     * attributes after every read and readdir to refresh atime, one GETATTR round trip each
     * (warm find ran 5x slower). {@code -o atime} or {@code -o relatime} give the kernel's default.
     */
    public boolean noatime = true;
    /** mount(8)'s flags the kernel applies to the mount itself: ro, noexec, nodiratime, strictatime. */
    public boolean readOnly;
    public boolean executables = true;
    public boolean nodiratime;
    public boolean strictatime;
    /**
     * Files created or opened to write are handed to the kernel to read and write itself (FUSE
     * passthrough), where the kernel (6.9+) and our privileges allow.
     */
    public boolean passthrough = true;
    /**
     * A lower file opened to read has the other small files of its directory read into the page
     * cache in the background ({@code DirectoryPrefetch}): cold, a tar or cp -r of lower files
     * otherwise waits for the disk once per file.
     */
    public boolean prefetch = true;
    /**
     * overlayfs's {@code volatile}: copy-ups are not synced to disk before they replace the
     * lower file, which makes copying up large files faster and leaves them empty or partial
     * after a crash. For containers thrown away after a crash anyway.
     */
    public boolean volatileCopyUps;
    /**
     * Requests come over io_uring (FUSE over io_uring, Linux 6.14+ with the fuse module's
     * enable_uring) instead of reads of /dev/fuse; off by default (see docs/fuse-session.md).
     */
    public boolean uring;

    private static final List<String> IGNORED = List.of("rw", "defaults", "auto", "noauto", "user", "nouser",
            "users", "async", "_netdev", "nofail", "redirect_dir=on", "index=on");

    public void parse(String list) {
        for (String opt : list.split(",")) {
            if (opt.isEmpty() || IGNORED.contains(opt)) continue;
            int eq = opt.indexOf('=');
            String key = eq < 0 ? opt : opt.substring(0, eq);
            String val = eq < 0 ? null : opt.substring(eq + 1);
            switch (key) {
                case "lowerdir" -> lowerdir = need(key, val);
                case "upperdir" -> upperdir = need(key, val);
                case "workdir" -> workdir = need(key, val);
                case "allow_other" -> allowOther = true;
                case "noallow_other" -> allowOther = false;
                case "default_permissions" -> { } // always: the kernel checks permissions from the mode bits
                case "dev" -> devices = true;
                case "nodev" -> devices = false;
                case "suid" -> setuid = true;
                case "nosuid" -> setuid = false;
                case "timeout" -> entryTimeout = attrTimeout = negativeTimeout = seconds(key, val);
                case "entry_timeout" -> entryTimeout = seconds(key, val);
                case "attr_timeout" -> attrTimeout = seconds(key, val);
                case "negative_timeout" -> negativeTimeout = seconds(key, val);
                case "debug" -> fuseDebug = true;
                case "noatime" -> { noatime = true; strictatime = false; }
                case "atime", "relatime" -> { noatime = false; strictatime = false; }
                case "strictatime" -> { noatime = false; strictatime = true; }
                case "nodiratime" -> nodiratime = true;
                case "diratime" -> nodiratime = false;
                case "ro" -> readOnly = true;
                case "rw" -> readOnly = false;
                case "exec" -> executables = true;
                case "noexec" -> executables = false;
                case "passthrough" -> passthrough = true;
                case "nopassthrough" -> passthrough = false;
                case "prefetch" -> prefetch = true;
                case "noprefetch" -> prefetch = false;
                case "volatile" -> volatileCopyUps = true;
                case "uring" -> uring = true;
                case "nouring" -> uring = false;
                case "threads" -> threads = integer(key, val, 1, 256, "not a number from 1 to 256");
                case "spin" -> spinMicros = integer(key, val, 0, 100_000, "not a number of microseconds from 0 to 100000");
                default -> throw new UserError("-o " + opt + ": unknown mount option");
            }
        }
    }

    private static String need(String key, String val) {
        if (val == null || val.isEmpty()) throw new UserError("-o " + key + ": needs a value (" + key + "=...)");
        return val;
    }

    private static int integer(String key, String val, int min, int max, String expected) {
        try {
            int n = Integer.parseInt(need(key, val));
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new UserError("-o " + key + "=" + val + ": " + expected);
        }
    }

    private static double seconds(String key, String val) {
        try {
            double d = Double.parseDouble(need(key, val));
            if (d < 0 || Double.isNaN(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new UserError("-o " + key + "=" + val + ": not a number of seconds");
        }
    }

    /** Whether others may use the mount: as asked, else as root only. */
    public boolean allowOther() {
        return allowOther != null ? allowOther : Posix.geteuid() == 0;
    }

    /** The same options again as one -o list, to hand to the background process. */
    public String toOptionList() {
        List<String> o = new ArrayList<>();
        if (allowOther != null) o.add(allowOther ? "allow_other" : "noallow_other");
        if (!devices) o.add("nodev");
        if (!setuid) o.add("nosuid");
        o.add("entry_timeout=" + entryTimeout);
        o.add("attr_timeout=" + attrTimeout);
        o.add("negative_timeout=" + negativeTimeout);
        if (fuseDebug) o.add("debug");
        o.add(noatime ? "noatime" : strictatime ? "strictatime" : "relatime");
        if (nodiratime) o.add("nodiratime");
        if (readOnly) o.add("ro");
        if (!executables) o.add("noexec");
        o.add("threads=" + threads);
        o.add("spin=" + spinMicros);
        if (!passthrough) o.add("nopassthrough");
        if (!prefetch) o.add("noprefetch");
        if (volatileCopyUps) o.add("volatile");
        if (uring) o.add("uring");
        return String.join(",", o);
    }
}
