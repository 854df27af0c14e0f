package dev.jfs.archive;

import dev.jfs.UserError;
import dev.jfs.layout.Markers;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Names;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Extracts a layer tarball (tar, tar.gz or tar.zst) into an empty directory without ever writing
 * outside it (SPEC 6), and computes the layer's diffID on the way.
 *
 * <h2>The rules</h2>
 * <ul>
 *   <li><b>Names</b> are normalized ({@code ./a//b/} is {@code a/b}). Absolute names, {@code ..}
 *       components and NUL bytes are <em>refused</em>, not rewritten: an OCI layer never has
 *       them, so one that does is hostile or broken.</li>
 *   <li><b>Parents</b>: every parent component of every path created is checked with lstat to be
 *       a real directory of the layer (created as needed, 0755). A symlink there, even one the
 *       same tar made earlier, refuses the entry: nothing is ever written through a symlink.
 *       There is no canonical-path check, which would follow symlinks.</li>
 *   <li><b>Symlinks</b> are created as symlinks with their target untouched: a target is only
 *       data and may point anywhere, since nothing is later written through it.</li>
 *   <li><b>Hard links</b> must name an entry already extracted in this layer (same name rules,
 *       no symlink among its parents), and not a directory.</li>
 *   <li><b>Whiteouts</b> {@code .wh.NAME} and {@code .wh..wh..opq} are kept as they are (the
 *       union reads that format); they must be empty regular files, and {@code .wh.},
 *       {@code .wh..} and {@code .wh...} are refused. Other {@code .wh..wh.*} names (aufs
 *       bookkeeping) are skipped, as Docker does.</li>
 *   <li><b>Duplicates</b>: a later entry for a path replaces the earlier one (removing it, and
 *       if it was a directory its contents), except a directory over a directory, which keeps
 *       the contents and takes the later entry's metadata. This is what {@code tar -x} and
 *       Docker do; a replaced path is removed without following symlinks.</li>
 *   <li><b>Privilege</b>: owners (numeric), device nodes, setuid/setgid bits and trusted.*,
 *       security.*, system.* xattrs only when {@link ExtractOptions#privileged()}. Otherwise a
 *       device node is refused (except a character device 0/0, an overlay whiteout, which is
 *       written as the equivalent {@code .wh.NAME} file), setuid/setgid bits are stripped and
 *       those xattrs dropped. user.* xattrs are always kept; the union's own bookkeeping xattrs
 *       ({@code *.overlay.*}, {@code *.jfs.*}) never are.</li>
 *   <li><b>Metadata</b>: mode, mtime (and atime if recorded, else mtime), xattrs from PAX
 *       {@code SCHILY.xattr.*}. Directory metadata is applied at the end, deepest first, so a
 *       read-only directory can still be filled and its mtime is the recorded one.</li>
 *   <li><b>Damage</b>: a corrupt compressed stream, a header that does not parse, data shorter
 *       than its header says, or an archive without its end-of-archive block is a
 *       {@link UserError} naming the source. The caller extracts into a scratch directory and
 *       removes it on failure.</li>
 * </ul>
 *
 * The target must be a directory only this extraction writes to (the store's private tmp dir):
 * the lstat checks guard against the archive, not against a concurrent local attacker.
 */
public final class SafeExtractor {
    private static final int S_IFIFO = Stat.S_IFIFO, S_IFCHR = Stat.S_IFCHR, S_IFBLK = Stat.S_IFBLK;
    private static final String XATTR_PAX = "SCHILY.xattr.";

    private final String root;
    private final String source;
    private final boolean privileged;
    /** Layer-relative paths known to be real directories we made or checked ("" is the root). */
    private final TreeSet<String> knownDirs = new TreeSet<>();
    /** Directory metadata applied at the end; a null entry means an implicit parent (0755). */
    private final TreeMap<String, DirMeta> dirMeta = new TreeMap<>();
    /** Exact xattr values of the current entry (null: use commons-compress's decoded ones). */
    private Map<String, byte[]> rawXattrs;
    private static final int BLOCK = 512;

    /** A directory's entry and its xattrs, applied at the end. */
    private record DirMeta(TarArchiveEntry entry, Map<String, byte[]> xattrs) {}
    private final byte[] buffer = new byte[1 << 20];
    private final int euid = Posix.geteuid(), egid = Posix.getegid();
    /** The current entry's name and link target, exact ({@link #readExactly}). */
    private String current = "", currentLink = "";

    private SafeExtractor(Path target, String source, ExtractOptions options) {
        this.root = target.toAbsolutePath().normalize().toString();
        this.source = source;
        this.privileged = options.privileged();
        knownDirs.add("");
    }

    /**
     * Extracts {@code raw} (tar, tar.gz or tar.zst, told by content) into {@code target}, an
     * existing empty directory. {@code source} names the input in error messages. On a
     * {@link UserError} the target holds a partial tree that the caller must remove.
     */
    public static ExtractResult extract(InputStream raw, String source, Path target, ExtractOptions options)
            throws IOException {
        Decompress.Opened opened = Decompress.open(raw, source);
        ExtractDigestStream tar = new ExtractDigestStream(opened.stream());
        SafeExtractor x = new SafeExtractor(target, source, options);
        long entries = x.run(tar);
        return new ExtractResult(tar.digest(), tar.count(), entries, opened.format(), x.dirMeta.containsKey(""));
    }

    private long run(ExtractDigestStream tarBytes) throws IOException {
        ExtractTarInput tar = new ExtractTarInput(tarBytes);
        long entries = 0;
        while (true) {
            TarArchiveEntry e;
            long headerStart = tarBytes.count();
            tarBytes.startCapture();
            try {
                e = tar.getNextEntry();
            } catch (IOException ex) {
                throw new UserError(source + ": " + (entries == 0 ? "not a tar archive"
                        : "truncated or corrupt tar archive after '" + current + "'") + " (" + message(ex) + ")", ex);
            } catch (IllegalArgumentException ex) { // commons-compress's number parsers
                throw new UserError(source + ": corrupt tar header after '" + current + "' (" + message(ex) + ")", ex);
            }
            byte[] headers = tarBytes.stopCapture();
            if (e == null) break;
            entries++;
            readExactly(e, headers, (int) ((BLOCK - headerStart % BLOCK) % BLOCK));
            try {
                apply(e, tar);
                drainEntry(tar, e);
            } catch (FsException ex) {
                throw new UserError(source + ": extracting '" + current + "': " + ex.getMessage(), ex);
            } catch (IOException ex) {
                throw new UserError(source + ": extracting '" + current + "': " + message(ex), ex);
            }
        }
        if (!tar.sawEndMarker()) {
            if (tarBytes.count() == 0) throw new UserError(source + ": empty archive, not a tar layer");
            if (entries == 0) throw new UserError(source + ": not a tar archive (no tar header found)");
            throw new UserError(source + ": truncated tar archive: it ends after '" + current
                    + "' without the end-of-archive block");
        }
        tarBytes.drain();
        try {
            finishDirectories();
        } catch (FsException ex) {
            throw new UserError(source + ": extracting '" + current + "': " + ex.getMessage(), ex);
        }
        return entries;
    }

    /**
     * Sets the current entry's name, link target and raw xattrs: as commons-compress decoded
     * them where that is exact (most ASCII names, no xattrs), else read again from {@code headers},
     * the entry's header bytes ({@link ExtractHeaders}), so a name that is not UTF-8 is written
     * to disk as the bytes the tar holds.
     */
    private void readExactly(TarArchiveEntry e, byte[] headers, int skip) {
        current = e.getName();
        currentLink = e.getLinkName();
        rawXattrs = null;
        boolean xattrs = e.getExtraPaxHeaders().keySet().stream().anyMatch(k -> k.startsWith(XATTR_PAX));
        boolean names = maybeInexact(current) || maybeInexact(currentLink);
        if (headers == null || !(xattrs || names)) return;
        ExtractHeaders.Parsed raw = ExtractHeaders.parse(headers, skip);
        if (raw == null) return;
        if (xattrs) rawXattrs = raw.xattrs();
        if (names) {
            String path = Names.decode(raw.path());
            // commons-compress drops the leading slashes of a PAX path; the same name must fare the same.
            current = current.startsWith("/") ? path : path.replaceFirst("^/+", "");
            currentLink = Names.decode(raw.linkPath());
        }
    }

    /**
     * Whether commons-compress's decoding of a name may not be its bytes: anything not ASCII
     * (a PAX value decoded as UTF-8 has U+FFFD where a byte was not), or a '?' (what it puts in
     * a ustar or GNU long name field for such a byte). Plain ASCII names, all but a few, are exact.
     */
    private static boolean maybeInexact(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == '?') return true;
        }
        return false;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private UserError refuse(String what) {
        return new UserError(source + ": refusing entry '" + current + "': " + what);
    }

    // ---- names ---------------------------------------------------------------------------------

    /** The layer-relative form of a tar name: "" for the root, else "a/b". Refuses what escapes. */
    String normalize(String name) {
        if (name.indexOf('\0') >= 0) throw refuse("the name contains a NUL byte");
        if (name.startsWith("/")) throw refuse("absolute path");
        StringBuilder out = new StringBuilder(name.length());
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) throw refuse("'..' path component");
            if (out.length() > 0) out.append('/');
            out.append(c);
        }
        return out.toString();
    }

    private String abs(String rel) {
        return rel.isEmpty() ? root : root + "/" + rel;
    }

    private static String parentOf(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? "" : rel.substring(0, i);
    }

    private static String baseName(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    /** Makes sure every parent component of {@code rel} is a real directory, creating missing ones. */
    private void ensureParents(String rel) {
        String parent = parentOf(rel);
        if (knownDirs.contains(parent)) return;
        String cur = "";
        for (String c : parent.split("/")) {
            cur = cur.isEmpty() ? c : cur + "/" + c;
            if (knownDirs.contains(cur)) continue;
            Stat st = Posix.lstatOrNull(abs(cur));
            if (st == null) {
                Posix.mkdir(abs(cur), 0700);
                dirMeta.put(cur, null);
            } else if (st.isSymlink()) {
                throw refuse("its path goes through the symlink '" + cur + "'");
            } else if (!st.isDirectory()) {
                throw refuse("its parent '" + cur + "' is not a directory");
            }
            knownDirs.add(cur);
        }
    }

    /** Checks that an existing entry is reachable without symlinks; returns its lstat. */
    private Stat existing(String rel, String what) {
        String cur = "";
        String parent = parentOf(rel);
        if (!parent.isEmpty()) {
            for (String c : parent.split("/")) {
                cur = cur.isEmpty() ? c : cur + "/" + c;
                if (knownDirs.contains(cur)) continue;
                Stat st = Posix.lstatOrNull(abs(cur));
                if (st == null) throw refuse(what + " '" + rel + "' is not in the layer");
                if (st.isSymlink()) throw refuse(what + " '" + rel + "' goes through the symlink '" + cur + "'");
                if (!st.isDirectory()) throw refuse(what + " '" + rel + "': '" + cur + "' is not a directory");
            }
        }
        Stat st = Posix.lstatOrNull(abs(rel));
        if (st == null) throw refuse(what + " '" + rel + "' is not in the layer (it must come earlier in the tar)");
        return st;
    }

    /** Removes whatever an earlier entry put at {@code rel} (a duplicate entry replaces it). */
    private void clear(String rel) {
        Stat st = Posix.lstatOrNull(abs(rel));
        if (st == null) return;
        if (st.isDirectory()) {
            removeTree(abs(rel));
            knownDirs.subSet(rel, true, rel + "0", false).removeIf(p -> p.equals(rel) || p.startsWith(rel + "/"));
            dirMeta.subMap(rel, true, rel + "0", false).keySet()
                    .removeIf(p -> p.equals(rel) || p.startsWith(rel + "/"));
        } else {
            Posix.unlink(abs(rel));
        }
    }

    private static void removeTree(String path) {
        for (var d : Posix.readDir(path)) {
            String child = path + "/" + d.name();
            Stat st = Posix.lstat(child);
            if (st.isDirectory()) {
                removeTree(child);
            } else {
                Posix.unlink(child);
            }
        }
        Posix.rmdir(path);
    }

    // ---- entries -------------------------------------------------------------------------------

    private void apply(TarArchiveEntry e, InputStream data) throws IOException {
        String rel = normalize(current);
        Kind kind = kind(e);
        if (rel.isEmpty()) {
            if (kind != Kind.DIRECTORY) throw refuse("the layer root must be a directory");
            dirMeta.put("", new DirMeta(e, xattrsOf(e, rawXattrs)));
            return;
        }
        if (!checkWhiteoutNames(rel, e, kind)) return; // aufs bookkeeping: skipped
        switch (kind) {
            case DIRECTORY -> directory(rel, e);
            case SYMLINK -> symlink(rel, e);
            case HARD_LINK -> hardLink(rel, e);
            case CHAR_DEVICE, BLOCK_DEVICE -> device(rel, e);
            case FIFO -> {
                ensureParents(rel);
                clear(rel);
                Posix.mknod(abs(rel), S_IFIFO | (mode(e) & 07777), 0);
                setMetadata(rel, e, false);
            }
            case REGULAR -> regularFile(rel, e, data);
        }
    }

    private enum Kind { REGULAR, DIRECTORY, SYMLINK, HARD_LINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO }

    /** The entry's type from its type flag; anything else (volume labels, multi-volume parts) is refused. */
    private Kind kind(TarArchiveEntry e) {
        byte f = e.getLinkFlag();
        if (e.isDirectory()) return Kind.DIRECTORY; // type '5', or an old-style regular name ending in '/'
        return switch (f) {
            case TarArchiveEntry.LF_NORMAL, TarArchiveEntry.LF_OLDNORM, TarArchiveEntry.LF_CONTIG,
                 TarArchiveEntry.LF_GNUTYPE_SPARSE -> Kind.REGULAR;
            case TarArchiveEntry.LF_SYMLINK -> Kind.SYMLINK;
            case TarArchiveEntry.LF_LINK -> Kind.HARD_LINK;
            case TarArchiveEntry.LF_CHR -> Kind.CHAR_DEVICE;
            case TarArchiveEntry.LF_BLK -> Kind.BLOCK_DEVICE;
            case TarArchiveEntry.LF_FIFO -> Kind.FIFO;
            default -> throw refuse("unsupported tar entry type '" + (char) f + "'");
        };
    }

    /**
     * Checks the {@code .wh.} names on the path; false if the entry is aufs bookkeeping to skip
     * ({@code .wh..wh.*} other than the opaque marker, and anything under such a directory).
     */
    private boolean checkWhiteoutNames(String rel, TarArchiveEntry e, Kind kind) {
        String[] parts = rel.split("/");
        for (int i = 0; i < parts.length; i++) {
            String c = parts[i];
            if (!c.startsWith(Markers.WHITEOUT_PREFIX)) continue;
            boolean last = i == parts.length - 1;
            if (c.equals(Markers.OPAQUE_MARKER)) {
                if (!last) throw refuse("an opaque marker cannot be a directory");
                if (kind != Kind.REGULAR || e.getSize() != 0) throw refuse("an opaque marker must be an empty regular file");
                continue;
            }
            if (c.startsWith(Markers.WHITEOUT_PREFIX + Markers.WHITEOUT_PREFIX)) return false;
            String hidden = c.substring(Markers.WHITEOUT_PREFIX.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                throw refuse("a whiteout must name an entry ('" + c + "' does not)");
            }
            if (!last || kind != Kind.REGULAR) throw refuse("a whiteout must be an empty regular file");
            if (e.getSize() != 0) throw refuse("a whiteout must be empty");
        }
        return true;
    }

    private void directory(String rel, TarArchiveEntry e) {
        ensureParents(rel);
        Stat st = Posix.lstatOrNull(abs(rel));
        if (st == null || !st.isDirectory()) {
            if (st != null) clear(rel);
            Posix.mkdir(abs(rel), 0700);
        }
        knownDirs.add(rel);
        dirMeta.put(rel, new DirMeta(e, xattrsOf(e, rawXattrs)));
    }

    private void regularFile(String rel, TarArchiveEntry e, InputStream data) throws IOException {
        ensureParents(rel);
        int fd = createNew(rel);
        try {
            long left = e.getSize();
            while (true) {
                int n = readData(data, e, buffer);
                if (n < 0) break;
                Posix.writeFully(fd, buffer, n);
                left -= n;
            }
            if (left > 0) throw truncated(e, "the data stops " + left + " bytes short");
        } finally {
            Posix.close(fd);
        }
        setMetadata(rel, e, false);
    }

    /**
     * Creates a new regular file and returns its descriptor: O_CREAT|O_EXCL, which never opens
     * through a symlink at the last component. Whatever an earlier duplicate entry left there is
     * removed first (only looked for when the create finds something, to spare a syscall per
     * file). Through {@link Posix}, not {@code java.nio.file}: a name need not be UTF-8.
     */
    private int createNew(String rel) {
        int flags = Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW;
        try {
            return Posix.open(abs(rel), flags, 0666);
        } catch (FsException ex) {
            if (ex.errno() != Errno.EEXIST) throw ex;
            clear(rel);
            return Posix.open(abs(rel), flags, 0666);
        }
    }

    private void symlink(String rel, TarArchiveEntry e) {
        String target = currentLink;
        if (target == null || target.isEmpty()) throw refuse("symlink with an empty target");
        if (target.indexOf('\0') >= 0) throw refuse("symlink target contains a NUL byte");
        ensureParents(rel);
        clear(rel);
        Posix.symlink(target, abs(rel));
        setMetadata(rel, e, true);
    }

    private void hardLink(String rel, TarArchiveEntry e) {
        String target = normalizeLinkTarget(currentLink);
        if (target.equals(rel)) throw refuse("hard link to itself");
        Stat st = existing(target, "hard link target");
        if (st.isDirectory()) throw refuse("hard link to the directory '" + target + "'");
        ensureParents(rel);
        clear(rel);
        try {
            Posix.link(abs(target), abs(rel));
        } catch (FsException ex) {
            if (ex.errno() == Errno.ENOENT) {
                throw refuse("hard link target '" + target + "' is not in the layer (it was replaced)");
            }
            throw ex;
        }
    }

    private String normalizeLinkTarget(String name) {
        if (name == null || name.isEmpty()) throw refuse("hard link with an empty target");
        if (name.indexOf('\0') >= 0) throw refuse("hard link target contains a NUL byte");
        if (name.startsWith("/")) throw refuse("hard link to the absolute path '" + name + "' (outside the layer)");
        for (String c : name.split("/")) {
            if (c.equals("..")) throw refuse("hard link target '" + name + "' leaves the layer");
        }
        String rel = normalize(name);
        if (rel.isEmpty()) throw refuse("hard link to the layer root");
        return rel;
    }

    private void device(String rel, TarArchiveEntry e) throws IOException {
        boolean chr = e.isCharacterDevice();
        if (!privileged) {
            if (chr && e.getDevMajor() == 0 && e.getDevMinor() == 0) {
                // An overlay whiteout; as a user, write the equivalent .wh. file instead.
                String wh = (parentOf(rel).isEmpty() ? "" : parentOf(rel) + "/") + Markers.WHITEOUT_PREFIX
                        + baseName(rel);
                ensureParents(wh);
                clear(rel);
                clear(wh);
                Posix.close(createNew(wh));
                return;
            }
            throw refuse((chr ? "character" : "block") + " device node: only root can import device nodes "
                    + "(run the import as root)");
        }
        ensureParents(rel);
        clear(rel);
        long dev = makedev(e.getDevMajor(), e.getDevMinor());
        Posix.mknod(abs(rel), (chr ? S_IFCHR : S_IFBLK) | (mode(e) & 07777), dev);
        setMetadata(rel, e, false);
    }

    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    /** Reads the rest of an entry's data (a link or skipped entry that carries some). */
    private void drainEntry(InputStream tar, TarArchiveEntry e) {
        while (readData(tar, e, buffer) >= 0) {
            // discarded
        }
    }

    /** Reads entry data; a read failure here means the archive ends before the header said. */
    private int readData(InputStream tar, TarArchiveEntry e, byte[] buf) {
        try {
            return tar.read(buf, 0, buf.length);
        } catch (IOException ex) {
            throw truncated(e, message(ex));
        }
    }

    private UserError truncated(TarArchiveEntry e, String why) {
        return new UserError(source + ": truncated tar archive: entry '" + current + "' declares "
                + e.getSize() + " bytes of data that are not all there (" + why + ")");
    }

    // ---- metadata ------------------------------------------------------------------------------

    /** Permission bits to apply: setuid/setgid stripped unless privileged. */
    private int mode(TarArchiveEntry e) {
        int m = e.getMode() & 07777;
        return privileged ? m : m & ~06000;
    }

    private void setMetadata(String rel, TarArchiveEntry e, boolean isSymlink) {
        setMetadata(rel, e, isSymlink, xattrsOf(e, rawXattrs));
    }

    private void setMetadata(String rel, TarArchiveEntry e, boolean isSymlink, Map<String, byte[]> xattrs) {
        String p = abs(rel);
        int uid = (int) e.getLongUserId(), gid = (int) e.getLongGroupId();
        // What we create is ours already (no setgid dirs exist until the end): chown only to others.
        if (privileged && (uid != euid || gid != egid)) Posix.lchown(p, uid, gid);
        if (!isSymlink) Posix.chmod(p, mode(e)); // after chown, which clears setuid bits
        setXattrs(p, xattrs, isSymlink);
        setTimes(p, e);
    }

    /** The entry's xattrs, values as the exact bytes of the archive where they could be read so. */
    private Map<String, byte[]> xattrsOf(TarArchiveEntry e, Map<String, byte[]> raw) {
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            if (!h.getKey().startsWith(XATTR_PAX)) continue;
            String name = h.getKey().substring(XATTR_PAX.length());
            byte[] exact = raw == null ? null : raw.get(name);
            out.put(name, exact != null ? exact : h.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private void setXattrs(String path, Map<String, byte[]> xattrs, boolean isSymlink) {
        for (Map.Entry<String, byte[]> h : xattrs.entrySet()) {
            String name = h.getKey();
            if (!xattrAllowed(name)) continue;
            try {
                Posix.setxattr(path, name, h.getValue(), 0);
            } catch (FsException ex) {
                // Filesystems without xattrs, and user.* on symlinks (EPERM), keep the entry without.
                if (ex.errno() == Errno.EOPNOTSUPP || (isSymlink && ex.errno() == Errno.EPERM)) continue;
                throw ex;
            }
        }
    }

    /** user.* always; trusted.*, security.*, system.* only privileged; never the union's own. */
    boolean xattrAllowed(String name) {
        if (Markers.isInternalXattr(name)) return false;
        if (name.startsWith("user.")) return true;
        if (name.startsWith("trusted.") || name.startsWith("security.") || name.startsWith("system.")) {
            return privileged;
        }
        return false;
    }

    private static void setTimes(String path, TarArchiveEntry e) {
        FileTime m = e.getLastModifiedTime();
        FileTime a = e.getLastAccessTime();
        if (m == null) return;
        if (a == null) a = m;
        var mi = m.toInstant();
        var ai = a.toInstant();
        Posix.utimens(path, ai.getEpochSecond(), ai.getNano(), mi.getEpochSecond(), mi.getNano());
    }

    /** Directory modes, owners, xattrs and times, deepest first (children change a dir's mtime). */
    private void finishDirectories() {
        NavigableMap<String, DirMeta> order = dirMeta.descendingMap();
        for (Map.Entry<String, DirMeta> d : order.entrySet()) {
            current = d.getKey();
            String p = abs(d.getKey());
            DirMeta m = d.getValue();
            if (m == null) {
                Posix.chmod(p, 0755);
            } else {
                setMetadata(d.getKey(), m.entry(), false, m.xattrs());
            }
        }
    }
}
