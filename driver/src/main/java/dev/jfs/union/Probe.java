package dev.jfs.union;

import dev.jfs.posix.Stat;

/**
 * What one layer holds at one path: nothing, a whiteout, or an entry. Directories carry the
 * markers that steer the lookup below them: opaque (stop here) and redirect (continue elsewhere:
 * {@code /a/b} from the layers' roots, or a bare name in the parent's lower directories).
 */
record Probe(Kind kind, Stat stat, boolean opaque, String redirect) {
    enum Kind { ABSENT, WHITEOUT, ENTRY }

    static final Probe ABSENT = new Probe(Kind.ABSENT, null, false, null);
    static final Probe WHITEOUT = new Probe(Kind.WHITEOUT, null, false, null);

    static Probe entry(Stat stat) {
        return new Probe(Kind.ENTRY, stat, false, null);
    }

    static Probe dir(Stat stat, boolean opaque, String redirect) {
        return new Probe(Kind.ENTRY, stat, opaque, redirect);
    }

    boolean isEntry() {
        return kind == Kind.ENTRY;
    }

    boolean isDirectory() {
        return kind == Kind.ENTRY && stat.isDirectory();
    }
}
