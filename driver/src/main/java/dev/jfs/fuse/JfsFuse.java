package dev.jfs.fuse;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.Caller;
import dev.jfs.union.RelPath;
import dev.jfs.union.UnionFs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.uid_t;
import ru.serce.jnrfuse.FuseCallbacks;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The jnr-fuse adapter: one method per FUSE callback, each translating arguments, calling
 * {@link UnionFs}, and turning {@link FsException} into {@code -errno} in {@link #call}. No union
 * logic lives here. Open files are real file descriptors kept in {@code fi.fh}; data moves
 * between them and the FUSE buffer with pread/pwrite, never through the Java heap.
 */
public final class JfsFuse extends FuseStubFS {
    private static final Logger LOG = Logger.getLogger(JfsFuse.class.getName());
    private static final ThreadLocal<Pointer> DIRENT_STAT =
            ThreadLocal.withInitial(() -> Memory.allocateDirect(Runtime.getSystemRuntime(), 256));

    /** Set once by {@link #attach} before the mount starts; read by every callback thread. */
    private volatile UnionFs fs;
    private volatile HardLinkSiblings siblings;
    /** Descriptors open for writing on files with several names: fd to st_ino. */
    private final ConcurrentHashMap<Long, Long> sharedWrites = new ConcurrentHashMap<>();
    /**
     * Descriptors just handed out on upper files with one name (created, opened to write, or
     * large ones opened to read), until {@link PassthroughOpens} takes them: those may be passed
     * through to the kernel.
     */
    private final Set<Integer> passthroughCandidates = ConcurrentHashMap.newKeySet();
    /** Descriptors create() handed out, until released: open on files the mount made. */
    private final Set<Integer> made = ConcurrentHashMap.newKeySet();
    /**
     * Descriptors create() handed out, until released or a link is made through the mount: their
     * file still has the one name it was made with (only the mount changes the upper), so their
     * release need not ask for its link count.
     */
    private final Set<Integer> oneNamed = ConcurrentHashMap.newKeySet();
    /** Whether the loop may still pass files through ({@link PassthroughOpens#enabled}): off without root or kernel support. */
    private volatile BooleanSupplier passthrough = () -> false;

    /** Loads libfuse and builds the callbacks; slow (jnr generates code), so done in parallel. */
    JfsFuse() {
        // In place of jnr-fuse's own (same interfaces: no new code generated).
        // jnr-fuse would wrap each struct stat in a new FileStat (some twenty objects) and box every
        // field it sets: the stat is written into the struct directly instead (Posix.writeStat).
        fuseOperations.getattr.set((FuseCallbacks.GetAttrCallback) this::getattr);
        fuseOperations.fgetattr.set((FuseCallbacks.FgetattrCallback) (path, stbuf, fi) -> fgetattr(path, stbuf, FuseFileInfo.of(fi)));
    }

    /**
     * The struct fuse_operations jnr-fuse filled with our callbacks, for {@link FuseLoop}: copied
     * to native memory (jnr keeps it on the Java heap and copies it only when passed as a struct).
     * The callbacks stay alive with this object.
     */
    Pointer operations() {
        Pointer heap = jnr.ffi.Struct.getMemory(fuseOperations);
        int size = (int) operationsSize();
        byte[] bytes = new byte[size];
        heap.get(0, bytes, 0, size);
        Pointer direct = Memory.allocateDirect(Runtime.getSystemRuntime(), size);
        direct.put(0, bytes, 0, size);
        // flag_nullpath_ok (bit 0 of the bitfield word jnr-fuse spells as byte paddings): when
        // libfuse has no name left for an open file (hard_remove, or a .fuse_hidden file whose
        // directory went away), read, write, fsync, ftruncate and fgetattr reach us with a null
        // path and are served from the descriptor, instead of libfuse answering ENOENT.
        long flags = nullpathFlagOffset();
        direct.putByte(flags, (byte) (direct.getByte(flags) | 1));
        return direct;
    }

    /** Where flag_nullpath_ok is: jnr-ffi makes Member.offset() unreachable to javac, so by reflection. */
    private long nullpathFlagOffset() {
        try {
            java.lang.reflect.Method offset = Class.forName("jnr.ffi.Struct$AbstractMember").getMethod("offset");
            return (long) offset.invoke(fuseOperations.flag_nullpath_ok);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("jnr-fuse's struct fuse_operations has no flag_nullpath_ok", e);
        }
    }

    long operationsSize() {
        return jnr.ffi.Struct.size(fuseOperations);
    }

    void attach(UnionFs unionFs, String mountPoint, int loopThreads) {
        this.fs = unionFs;
        this.siblings = new HardLinkSiblings(mountPoint, loopThreads);
    }

    /** After a change through {@code path}: other names of the same file must not show old attributes. */
    private void changed(String path) {
        try {
            Stat st = fs.getattr(rel(path));
            if (HardLinkSiblings.applies(st)) siblings.changed(path, st.ino());
        } catch (FsException ignored) {
            // gone already: nothing to refresh
        }
    }

    /** Runs one callback: 0 or a byte count on success, -errno on failure. */
    private static int call(String op, String path, IntSupplier body) {
        try {
            return body.getAsInt();
        } catch (FsException e) {
            return -e.errno();
        } catch (RuntimeException | Error e) {
            return failed(op, path, e);
        }
    }

    /** A callback failed in a way no errno explains: a bug. Logged with its stack; EIO to the caller. */
    private static int failed(String op, String path, Throwable e) {
        LOG.log(Level.SEVERE, op + " " + path + " failed unexpectedly", e);
        return -Errno.EIO;
    }

    private static String rel(String fusePath) {
        // null: a file unlinked while open (flag_nullpath_ok); only descriptor calls can serve it.
        if (fusePath == null) throw new FsException(Errno.ENOENT, "an unlinked open file");
        return RelPath.fromFuse(fusePath);
    }

    private Caller caller() {
        FuseContext c = getContext();
        return new Caller((int) c.uid.get(), (int) c.gid.get());
    }

    // ---- attributes ----------------------------------------------------------------------------

    /**
     * The hottest callback (libfuse asks it for every lookup): a try of its own rather than
     * {@link #call}, whose lambda would be one more object per call.
     */
    private int getattr(String path, Pointer stbuf) {
        try {
            Stat st = fs.getattr(rel(path));
            Posix.writeStat(stbuf, st);
            siblings.seen(path, st);
            return 0;
        } catch (FsException e) {
            return -e.errno();
        } catch (RuntimeException | Error e) {
            return failed("getattr", path, e);
        }
    }

    private int fgetattr(String path, Pointer stbuf, FuseFileInfo fi) {
        return call("fgetattr", path, () -> {
            // A file libfuse has no name for (flag_nullpath_ok): only its descriptor.
            // libfuse asks this right after each create: the file is at hand, no need to look it up.
            int fd = (int) fi.fh.get();
            Stat st;
            if (path != null && made.contains(fd)) st = fs.madeFileStat(fd);
            else st = path != null ? fs.getattr(rel(path)) : Posix.fstat(fd);
            Posix.writeStat(stbuf, st);
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        return call("readlink", path, () -> {
            byte[] target = fs.readlink(rel(path)).getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        return call("chmod", path, () -> {
            fs.chmod(rel(path), (int) mode);
            changed(path);
            return 0;
        });
    }

    @Override
    public int chown(String path, @uid_t long uid, @gid_t long gid) {
        return call("chown", path, () -> {
            fs.chown(rel(path), (int) uid, (int) gid);
            changed(path);
            return 0;
        });
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return call("truncate", path, () -> {
            fs.truncate(rel(path), size);
            changed(path);
            return 0;
        });
    }

    @Override
    public int utimens(String path, Timespec[] ts) {
        return call("utimens", path, () -> {
            fs.utimens(rel(path), ts[0].tv_sec.get(), ts[0].tv_nsec.longValue(),
                    ts[1].tv_sec.get(), ts[1].tv_nsec.longValue());
            changed(path);
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs st) {
        return call("statfs", path, () -> {
            long[] v = fs.statfs();
            st.f_bsize.set(v[0]);
            st.f_frsize.set(v[1]);
            st.f_blocks.set(v[2]);
            st.f_bfree.set(v[3]);
            st.f_bavail.set(v[4]);
            st.f_files.set(v[5]);
            st.f_ffree.set(v[6]);
            st.f_favail.set(v[7]);
            st.f_fsid.set(v[8]);
            st.f_flag.set(v[9]);
            st.f_namemax.set(v[10]);
            return 0;
        });
    }

    // ---- directories and names -----------------------------------------------------------------

    // opendir, releasedir, fsyncdir and flush are left to libfuse (jnr-fuse registers only the
    // callbacks a class overrides): they had nothing to do here, and each cost a Java upcall.
    // Without flush, libfuse answers the first FLUSH with ENOSYS and the kernel sends no more:
    // one round trip less on every close. Data never waits in this process to be flushed.

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        return call("readdir", path, () -> {
            List<DirEntry> entries = fs.readdir(rel(path));
            // Passing a stat with st_mode gives the kernel d_type, so find(1) need not stat.
            FileStat st = FileStat.of(DIRENT_STAT.get());
            filler.apply(buf, ".", null, 0);
            filler.apply(buf, "..", null, 0);
            for (DirEntry e : entries) {
                st.st_mode.set(e.dtype() << 12);
                st.st_ino.set(e.ino());
                if (filler.apply(buf, e.name(), st, 0) != 0) break;
            }
            return 0;
        });
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        return call("mkdir", path, () -> {
            fs.mkdir(rel(path), (int) mode, caller());
            return 0;
        });
    }

    @Override
    public int mknod(String path, @mode_t long mode, @dev_t long rdev) {
        return call("mknod", path, () -> {
            fs.mknod(rel(path), (int) mode, rdev, caller());
            return 0;
        });
    }

    @Override
    public int symlink(String target, String path) {
        return call("symlink", path, () -> {
            fs.symlink(target, rel(path), caller());
            return 0;
        });
    }

    @Override
    public int link(String from, String to) {
        return call("link", to, () -> {
            fs.link(rel(from), rel(to));
            oneNamed.clear(); // the file linked may be open from its create
            // Both names are cached by the kernel now, the older one from when it had one link.
            // No refresh here: link(2) holds the directory's lock, which a statx of a name in it
            // would wait for (a deadlock); only the link count changed, which later changes refresh.
            Stat st = fs.getattr(rel(to));
            siblings.seen(from, st);
            siblings.seen(to, st);
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return call("unlink", path, () -> {
            fs.unlink(rel(path));
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return call("rmdir", path, () -> {
            fs.rmdir(rel(path));
            return 0;
        });
    }

    @Override
    public int rename(String from, String to) {
        return call("rename", from, () -> {
            fs.rename(rel(from), rel(to));
            siblings.renamed(from, to, fs.getattr(rel(to)));
            return 0;
        });
    }

    // ---- xattrs --------------------------------------------------------------------------------

    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        return call("getxattr", path, () -> {
            byte[] v = fs.getxattr(rel(path), name);
            if (size == 0) return v.length;
            if (size < v.length) return -Errno.ERANGE;
            value.put(0, v, 0, v.length);
            return v.length;
        });
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        return call("listxattr", path, () -> {
            StringBuilder sb = new StringBuilder();
            for (String n : fs.listxattr(rel(path))) sb.append(n).append('\0');
            byte[] names = sb.toString().getBytes(StandardCharsets.UTF_8);
            if (size == 0) return names.length;
            if (size < names.length) return -Errno.ERANGE;
            list.put(0, names, 0, names.length);
            return names.length;
        });
    }

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return call("setxattr", path, () -> {
            byte[] v = new byte[(int) size];
            value.get(0, v, 0, v.length);
            fs.setxattr(rel(path), name, v, flags);
            changed(path);
            return 0;
        });
    }

    @Override
    public int removexattr(String path, String name) {
        return call("removexattr", path, () -> {
            fs.removexattr(rel(path), name);
            changed(path);
            return 0;
        });
    }

    // ---- open files ----------------------------------------------------------------------------

    @Override
    public int open(String path, FuseFileInfo fi) {
        return call("open", path, () -> {
            int flags = fi.flags.get();
            UnionFs.Opened opened = fs.openFile(rel(path), flags);
            int fd = opened.fd();
            fi.fh.set(fd);
            boolean writes = (flags & Posix.O_ACCMODE) != Posix.O_RDONLY;
            Stat st = Posix.fstat(fd);
            if (st.nlink() > 1) {
                if (writes) sharedWrites.put((long) fd, fs.getattr(rel(path)).ino());
            } else {
                keepCache(fi);
                if (writes || opened.inUpper() && passesReadsThrough(flags, st.size())) passthroughCandidate(fd);
            }
            return 0;
        });
    }

    /** Reads of upper files this large pass through: see {@link #passesReadsThrough}. */
    private static final long PASSTHROUGH_READS_FROM = InitReply.MAX_IO;

    /**
     * Whether an open to read only of an upper file may pass it through to the kernel. A large
     * file's reads then cost no round trip, and its pages are cached once, not again as the
     * mount's. A small file stays cached: read warm, the mount's page cache answers without any
     * request, where a passthrough open costs two ioctls and, after its read, a GETATTR (the
     * kernel drops the atime it holds after every passed-through read): a warm tar of 50k small
     * files took 4.1 s passed through, 2.6 s cached. A reader asking for O_DIRECT stays served by
     * jfs from the page cache (see "Data" in the README): passed through, its reads would go to
     * the disk.
     *
     * <p>Never a lower file: while a lower file's open passes through, every other open of that
     * kernel inode must name the same backing file, and the kernel opens it with that open's
     * flags. An open for writing, which copies the file up, would get the lower file opened for
     * writing, and a shared mapping through it wrote into the lower layer (seen on Linux 6.18).
     * An upper file stays the file of its kernel inode while open.
     */
    private static boolean passesReadsThrough(int flags, long size) {
        return size >= PASSTHROUGH_READS_FROM && (flags & Posix.O_DIRECT) == 0;
    }

    /**
     * Lets the kernel keep the file's page cache across opens (without it, every open drops it
     * and warm reads cross into this process again). Safe for a file with one name: lowers never
     * change, and every write to it comes through this mount and the same kernel inode. Not for
     * hard-linked files: libfuse's high-level API gives each name a kernel inode of its own, so
     * a write through one name would leave another's cache stale.
     *
     * <p>jnr-fuse declares each bitfield of {@code struct fuse_file_info} as a byte of its own,
     * so its {@code keep_cache} lands inside {@code writepage}. In libfuse 2.9's real layout (LP64)
     * the bitfield word follows {@code writepage} at offset 20; keep_cache is its bit 1.
     */
    private static void keepCache(FuseFileInfo fi) {
        Pointer mem = jnr.ffi.Struct.getMemory(fi);
        mem.putByte(FILE_INFO_BITS, (byte) (mem.getByte(FILE_INFO_BITS) | KEEP_CACHE_BIT));
    }

    private static final int FILE_INFO_BITS = 20;
    private static final int KEEP_CACHE_BIT = 1 << 1;

    /**
     * Whether writes through {@code fh} must reach {@link #write} with the file's name: the file
     * has other names, whose attributes the kernel must be told to fetch again. Asked on every
     * WRITE: the common answer (no such file open) boxes no key.
     */
    boolean writesNeedName(long fh) {
        return !sharedWrites.isEmpty() && sharedWrites.containsKey(fh);
    }

    private void passthroughCandidate(int fd) {
        if (passthrough.getAsBoolean()) passthroughCandidates.add(fd);
    }

    /** The loop asks {@link #tookPassthroughCandidate} about opens while {@code enabled} holds. */
    void passThroughWhile(BooleanSupplier enabled) {
        this.passthrough = enabled;
    }

    /** Whether {@code fd} was handed out by create on a file it made (not one the name already had). */
    boolean madeByCreate(int fd) {
        return made.contains(fd);
    }

    /** Whether {@code fd}, just handed out by open or create, may be passed through; asked once. */
    boolean tookPassthroughCandidate(int fd) {
        return passthroughCandidates.remove(fd);
    }

    private void wroteTo(String path, long fd) {
        Long ino = sharedWrites.get(fd);
        if (ino != null) siblings.changed(path, ino);
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        return call("create", path, () -> {
            UnionFs.Created created = fs.create(rel(path), (int) mode, fi.flags.get(), caller());
            int fd = created.fd();
            fi.fh.set(fd);
            if (created.made()) {
                made.add(fd);
                oneNamed.add(fd);
            }
            keepCache(fi); // a new file has one name
            passthroughCandidate(fd);
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return call("read", path, () -> {
            int fd = (int) fi.fh.get();
            int total = 0;
            while (total < size) {
                int n = Posix.pread(fd, buf.slice(total), size - total, offset + total);
                if (n == 0) break;
                total += n;
            }
            return total;
        });
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return call("write", path, () -> {
            int fd = (int) fi.fh.get();
            int total = 0;
            while (total < size) total += Posix.pwrite(fd, buf.slice(total), size - total, offset + total);
            wroteTo(path, fd);
            return total;
        });
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return call("ftruncate", path, () -> {
            Posix.ftruncate((int) fi.fh.get(), size);
            wroteTo(path, fi.fh.get());
            return 0;
        });
    }

    @Override
    public int fsync(String path, int datasync, FuseFileInfo fi) {
        return call("fsync", path, () -> {
            Posix.fsync((int) fi.fh.get(), datasync != 0);
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return call("release", path, () -> {
            int fd = (int) fi.fh.get();
            // Writes the kernel made itself (passthrough) never came here, to refresh the other
            // names of a file that has them (given them while open, or opened as another open of
            // the same kernel inode was passing through): their cached attributes are refreshed
            // now, at the latest. Once more for a file whose writes did come here: harmless.
            sharedWrites.remove(fi.fh.get());
            made.remove(fd);
            boolean oneName = oneNamed.remove(fd);
            if (!oneName && (fi.flags.get() & Posix.O_ACCMODE) != Posix.O_RDONLY && Posix.fstat(fd).nlink() > 1) changed(path);
            // A candidate the loop never took (passthrough turned off since, an answer it did not
            // look at) must not outlive its descriptor: the number is reused by the next open.
            passthroughCandidates.remove(fd);
            Posix.close(fd);
            return 0;
        });
    }
}
