package dev.jfs.build;

import dev.jfs.UserError;
import dev.jfs.posix.Stat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where COPY and ADD take files from: the build context, or another stage's or image's root
 * (COPY --from). Paths are relative and {@code /}-separated ("" is the root) and never leave the
 * tree: a symlink's absolute or {@code ..} target is taken from the tree's root. Wildcards are
 * matched one name at a time like Go's filepath.Match.
 */
public abstract class SourceTree {
    private static final int MAX_LINKS = 40;

    /**
     * A path in the tree and its lstat; {@code name} is what it is called where it was named
     * (a symlink's name, when the entry is what the link leads to).
     */
    public record Entry(String rel, Stat stat, String name) {
        public Entry(String rel, Stat stat) {
            this(rel, stat, nameOf(rel));
        }

        Entry named(String newName) {
            return new Entry(rel, stat, newName);
        }
    }

    /** lstat, or null when nothing is there. */
    protected abstract Stat lstat(String rel);

    /** The names in a directory, in any order. */
    protected abstract List<String> names(String rel);

    public abstract String readlink(String rel);

    /** A host path whose data is the file's (for copying its bytes). */
    public abstract String hostPath(String rel);

    /** Whether .dockerignore leaves the path out (never, for an image). */
    public abstract boolean excluded(String rel);

    /** Whether an excluded directory may hold paths an exception lets back in. */
    protected abstract boolean mayIncludeBelow(String rel);

    /** Whether copied files keep their owners (an image's do; the context's become root's). */
    public abstract boolean keepsOwners();

    /** What the tree is, for messages. */
    public abstract String describe();

    static boolean hasWildcards(String source) {
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\') i++;
            else if (c == '*' || c == '?' || c == '[') return true;
        }
        return false;
    }

    /** A source as a path inside the tree: cleaned as if the tree were {@code /}. */
    static String relative(String source) {
        String cleaned = DockerIgnore.clean("/" + source);
        return cleaned.equals("/") ? "" : cleaned.substring(1);
    }

    /** What a COPY source names: one entry (its symlink followed), or every match of a wildcard, sorted. */
    public List<Entry> resolve(String source, String instruction) {
        String rel = relative(source);
        if (!hasWildcards(rel)) {
            Entry e = lookup(rel);
            if (e == null || (!e.rel().isEmpty() && excluded(e.rel()))) {
                throw new UserError(instruction + ": " + source + ": not found in " + describe()
                        + (e != null ? " (excluded by .dockerignore)" : ""));
            }
            return List.of(e.named(nameOf(rel)));
        }
        List<Entry> found = new ArrayList<>();
        match(rel.split("/"), 0, "", found);
        if (found.isEmpty()) throw new UserError(instruction + ": nothing in " + describe() + " matches " + source);
        found.sort(Comparator.comparing(Entry::rel));
        return found;
    }

    private void match(String[] parts, int i, String dir, List<Entry> out) {
        Stat dirStat = lstat(dir);
        if (dirStat == null || !dirStat.isDirectory()) return;
        Pattern p = Pattern.compile(DockerIgnore.toRegex(parts[i]));
        List<String> names = new ArrayList<>(names(dir));
        names.sort(null);
        for (String name : names) {
            if (!p.matcher(name).matches()) continue;
            String rel = join(dir, name);
            if (i == parts.length - 1) {
                if (excluded(rel)) continue;
                Entry e = lookup(rel);
                if (e != null) out.add(e.named(name));
            } else {
                Entry e = lookup(rel);
                if (e != null && e.stat().isDirectory()) match(parts, i + 1, e.rel(), out);
            }
        }
    }

    /** The children of a directory that .dockerignore lets through (or may, below), sorted by name. */
    public List<Entry> children(String dirRel) {
        List<Entry> out = new ArrayList<>();
        for (String name : names(dirRel)) {
            String rel = join(dirRel, name);
            Stat st = lstat(rel);
            if (st == null) continue;
            if (excluded(rel) && !(st.isDirectory() && mayIncludeBelow(rel))) continue;
            out.add(new Entry(rel, st));
        }
        out.sort(Comparator.comparing(Entry::name));
        return out;
    }

    /** The entry at {@code rel} with every symlink on the way, the last one too, followed inside the tree; or null. */
    Entry lookup(String rel) {
        String current = rel;
        for (int hops = 0; hops <= MAX_LINKS; hops++) {
            if (current.isEmpty()) return new Entry("", lstat(""));
            String parent = resolveDirs(parentOf(current));
            if (parent == null) return null;
            String path = join(parent, nameOf(current));
            Stat st = lstat(path);
            if (st == null) return null;
            if (!st.isSymlink()) return new Entry(path, st);
            String target = readlink(path);
            current = relative(target.startsWith("/") ? target : join(parent, target));
        }
        throw new UserError(rel + ": too many levels of symbolic links in " + describe());
    }

    private String resolveDirs(String rel) {
        if (rel.isEmpty()) return "";
        Entry e = lookup(rel);
        return e == null || !e.stat().isDirectory() ? null : e.rel();
    }

    static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    static String parentOf(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? "" : rel.substring(0, i);
    }

    static String nameOf(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }
}
