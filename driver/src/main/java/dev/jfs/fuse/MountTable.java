package dev.jfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The kernel's mount table as /proc/self/mountinfo shows it. */
public final class MountTable {
    /** One mount: where, its type (e.g. fuse.jfs) and source (jfs's holds the daemon's pid). */
    public record Mount(String mountPoint, String fsType, String source) {
        /** The pid of the jfs daemon serving this mount, or -1 if it is not a jfs mount. */
        public long jfsPid() {
            if (!fsType.equals("fuse." + FuseMount.SUBTYPE) || !source.startsWith(FuseMount.SUBTYPE + "-")) return -1;
            try {
                return Long.parseLong(source.substring(FuseMount.SUBTYPE.length() + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }

    private MountTable() {}

    /** The top-most mount at exactly this path, if any. */
    public static Optional<Mount> at(Path path) {
        String want = path.toAbsolutePath().normalize().toString();
        Mount found = null;
        for (Mount m : read()) {
            if (m.mountPoint.equals(want)) found = m; // later lines are mounted on top
        }
        return Optional.ofNullable(found);
    }

    public static List<Mount> read() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(MountTable::parse).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/mountinfo", e);
        }
    }

    // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
    private static Mount parse(String line) {
        String[] f = line.split(" ");
        int dash = 6;
        while (!f[dash].equals("-")) dash++;
        return new Mount(unescape(f[4]), f[dash + 1], unescape(f[dash + 2]));
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
