package dev.jfs.union;

import dev.jfs.copyup.CopyUp;
import dev.jfs.copyup.WorkDir;
import dev.jfs.layout.Markers;
import dev.jfs.layout.UpperFormat;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The mounted union: {@link UnionView} plus every change a process can make through the mount,
 * as overlayfs makes it. Changes only ever touch the upper: the first change to a lower entry
 * copies it (and its parent directories) up; deleting a name the lowers hold leaves a whiteout;
 * a directory made over a whiteout is opaque; a renamed directory carries a redirect to where
 * its lower contents are.
 *
 * <p>Locking, one rule for the whole tree: every operation that changes names takes the write
 * lock; lookups and reads take the read lock; data I/O on open files takes none. So a lookup
 * never sees a change half made (say, a rename before its whiteout).
 *
 * <p>Caching: a writer says what it is about to change before it changes anything, either a few
 * names ({@link #changeLeaf}: a file, or an empty directory only the upper has, made or removed in
 * an upper directory, an upper file renamed between upper directories with no whiteout needed,
 * attributes of an upper entry) or more ({@link #changeStructure}: copy-up, whiteouts, other
 * renames, other rmdirs). What the view had
 * cached is forgotten for those names only, or all of it. Until then the writer's own lookups may
 * use the caches, which are still true.
 */
public final class UnionFs {
    private final UnionView view;
    private final UpperLayer upper;
    private final UpperFormat format;
    private final CopyUp copyUp;
    private final HardlinkIndex index;
    private final Lock read;
    private final Lock write;
    /** What the writer holding the lock has said it changes (see {@link #writing}). */
    private final List<String> leaves = new ArrayList<>();
    /** Entries whose own attributes alone the writer changes: their directories stay as they are. */
    private final List<String> attributeLeaves = new ArrayList<>();
    private boolean structural;
    /** The regular file the writer made in place, if any: marked for {@link #getxattr} once done. */
    private String madeFile;
    /** The directory the writer made in place, and its stat once made: cached for the lookup that follows. */
    private String madeDir;
    private Stat madeDirStat;
    /** Set before the mount serves requests; see {@link #prefetchDirectories}. */
    private boolean prefetch;
    /** Set before the mount serves requests; see {@link #leaveAccessTimes}. */
    private boolean leaveAccessTimes;
    /** Directories the writer copied up, for {@link #directoriesCopiedUp} once it is done. */
    private final List<String> copiedDirectories = new ArrayList<>();
    private Consumer<List<String>> directoriesCopiedUp = paths -> { };

    private UnionFs(UnionView view, UpperFormat format, CopyUp copyUp) {
        this.view = view;
        this.upper = (UpperLayer) view.layer(0);
        this.format = format;
        this.copyUp = copyUp;
        this.index = view.index();
        ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        this.read = rw.readLock();
        this.write = rw.writeLock();
    }

    /**
     * Opens a validated stack for writing: prepares the work directory (removing a crashed
     * mount's leftovers) and picks the upper's marker format. Sets this process's umask to 0:
     * modes arrive with the caller's umask already applied.
     */
    public static UnionFs open(LayerStack stack, UpperFormat forced) {
        WorkDir work = new WorkDir(stack.work().toString());
        work.prepare();
        UpperFormat format = forced != null ? forced : UpperFormat.probe(work.tmp());
        Posix.umask(0);
        return new UnionFs(UnionView.open(stack), format, new CopyUp(work.tmp(), format));
    }

    /**
     * Whether a lower file opened to read has the small files of its directory read ahead, and a
     * listed directory its lower subdirectories looked up ahead ({@link DirectoryPrefetch}); off
     * unless asked for: only a mount's readers gain from it.
     */
    public void prefetchDirectories(boolean on) {
        prefetch = on;
    }

    /**
     * Whether files opened through the union are read without changing their atime (O_NOATIME,
     * where the owner or CAP_FOWNER allows), as the kernel's overlayfs opens its real files: a
     * noatime mount's reads must not move the atime it shows, nor a lower layer's.
     */
    public void leaveAccessTimes(boolean on) {
        leaveAccessTimes = on;
    }

    /** Opens a real file for {@link #openFile}, with O_NOATIME if asked and allowed. */
    private int openReal(String real, int flags) {
        if (!leaveAccessTimes) return Posix.open(real, flags, 0);
        try {
            return Posix.open(real, flags | Posix.O_NOATIME, 0);
        } catch (FsException e) {
            if (e.errno() != Errno.EPERM) throw e; // not the owner, without CAP_FOWNER
            return Posix.open(real, flags, 0);
        }
    }

    /**
     * Set before the mount serves requests: told, once each change is done, of the directories
     * it copied up besides the ones it names (parents of what it changed). Such a directory now
     * merges with its lower copy and shows st_nlink 1, a change the kernel's cache of its
     * attributes has not seen.
     */
    public void onDirectoriesCopiedUp(Consumer<List<String>> listener) {
        directoriesCopiedUp = listener;
    }

    /** Set before the mount serves requests: whether copy-ups are synced to disk ({@link CopyUp}). */
    public void durableCopyUps(boolean on) {
        copyUp.durable(on);
    }

    public UnionView view() {
        return view;
    }

    public UpperFormat format() {
        return format;
    }

    // ---- reading -------------------------------------------------------------------------------

    /** stat of a merged path, with the union's inode number and link count ({@link UnionView#attributes}). */
    public Stat getattr(String path) {
        // The lock taken here, not through reading(): a lambda capturing the path is an
        // allocation through the VM on C1, once per request (so also in find, setattr, create, unlink).
        read.lock();
        try {
            return view.attributes(view.require(path));
        } finally {
            read.unlock();
        }
    }

    /**
     * {@link #getattr}, or null where nothing is (ENOENT): a miss, the answer to many lookups
     * (every name a program creates is looked up first), is not thrown.
     */
    public Stat find(String path) {
        read.lock();
        try {
            Node n = view.find(path);
            return n != null ? view.attributes(n) : null;
        } finally {
            read.unlock();
        }
    }

    /**
     * What {@link #getattr} says of a file {@link #create} made and opened as {@code fd}, from the
     * descriptor: a file the mount made has no origin, so its st_ino is its own (the stat of a
     * file open for writing is never cached: no lock needed).
     */
    public Stat madeFileStat(int fd) {
        Stat st = Posix.fstat(fd);
        return st.withIno(view.inode(st));
    }

    public List<DirEntry> readdir(String path) {
        return reading(() -> {
            Node n = view.require(path);
            List<DirEntry> entries = view.readdir(n);
            if (prefetch) view.listed(n);
            return entries;
        });
    }

    public String readlink(String path) {
        return reading(() -> view.readlink(view.require(path)));
    }

    public List<String> listxattr(String path) {
        return reading(() -> view.listxattr(view.require(path)));
    }

    /** An xattr's value; ENODATA if the entry has none of that name. */
    public byte[] getxattr(String path, String name) {
        byte[] v = getxattrOrNull(path, name);
        if (v == null) throw new FsException(Errno.ENODATA, "/" + path + " " + name);
        return v;
    }

    /**
     * {@link #getxattr}, or null where the entry has no such xattr: the usual answer to the
     * kernel's question before writes (security.capability), not thrown each time.
     */
    public byte[] getxattrOrNull(String path, String name) {
        read.lock();
        try {
            // The kernel asks for this before the first write to each inode (file_remove_privs):
            // for a file this mount has just made, the answer is known without a system call.
            if (CAPABILITY.equals(name) && upper.isMadeFile(path)) return null;
            return view.getxattr(view.require(path), name);
        } finally {
            read.unlock();
        }
    }

    /**
     * {@link #getxattrOrNull} of a file no name reaches any more (unlinked while open), through a
     * descriptor open on it: the kernel asks for security.capability before each write to it.
     */
    public byte[] getxattrOrNull(int fd, String name) {
        return Markers.isInternalXattr(name) ? null : Posix.fgetxattr(fd, name);
    }

    /** {@link #listxattr} of a file no name reaches any more, through a descriptor open on it. */
    public List<String> listxattr(int fd) {
        List<String> names = Posix.flistxattr(fd);
        names.removeIf(Markers::isInternalXattr);
        return names;
    }

    /**
     * The upper's copy of a merged directory, opened for fsync(2); -1 where the upper has none:
     * the lowers never change, and a copy-up syncs the directories it makes.
     */
    public int openUpperDirectory(String path) {
        return reading(() -> {
            Node n = view.require(path);
            if (!n.isDirectory()) throw new FsException(Errno.ENOTDIR, "/" + path);
            if (n.layer != 0 || !view.touchesUpper(n)) return -1;
            return Posix.open(n.realPath, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW, 0);
        });
    }

    /** statvfs of the upper's filesystem. */
    public long[] statfs() {
        return Posix.statvfs(upper.root);
    }

    // ---- opening files -------------------------------------------------------------------------

    /**
     * Open flags the kernel has already applied on the mount's side, kept off the real file: with
     * O_DIRECT the kernel bypasses the mount's page cache and sends each read and write to us,
     * but our buffers are not aligned as O_DIRECT on the real file would demand (reads failed
     * with EINVAL).
     */
    private static final int KERNEL_DOES = Posix.O_DIRECT;
    private static final String CAPABILITY = "security.capability";

    /**
     * Opens a file and returns the descriptor of its real file. Opening for writing or with
     * O_TRUNC copies it up first (without data when O_TRUNC will empty it anyway).
     */
    public int open(String path, int flags) {
        return openFile(path, flags).fd();
    }

    /** A descriptor {@link #openFile} opened, and whether its file is the upper's (else a lower layer's). */
    public record Opened(int fd, boolean inUpper) {}

    /** {@link #open}, telling which layer the descriptor's file is in, as the lookup that opened it found it. */
    public Opened openFile(String path, int flags) {
        boolean writes = (flags & Posix.O_ACCMODE) != Posix.O_RDONLY || (flags & Posix.O_TRUNC) != 0;
        int realFlags = flags & ~(Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOCTTY | Posix.O_APPEND | KERNEL_DOES);
        if (!writes) {
            Node n = reading(() -> view.require(path));
            if (prefetch) view.openedToRead(n);
            return new Opened(openReal(n.realPath, realFlags | Posix.O_NOFOLLOW), view.touchesUpper(n));
        }
        return writingLeaves(() -> {
            Node n = view.require(path);
            if (n.isDirectory()) throw new FsException(Errno.EISDIR, "/" + path);
            // A file already in the upper: opening it changes nothing the view caches.
            String real = copyUp(n, (flags & Posix.O_TRUNC) == 0);
            return new Opened(openReal(real, realFlags | Posix.O_NOFOLLOW), true);
        });
    }

    /**
     * What {@link #create} opened: a file it made ({@code made}), or the file the name already
     * had (the kernel believed the name unused, but it is not: opened as O_CREAT without O_EXCL).
     * {@code stat}: what {@link #getattr} says of the file made, where making it read that
     * already (else null: ask {@link #madeFileStat}).
     */
    public record Created(int fd, boolean made, Stat stat) {}

    /** Creates and opens a new regular file (O_CREAT on a name that does not exist). */
    public Created create(String path, int mode, int flags, Caller caller) {
        int realFlags = (flags & ~(Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOCTTY | Posix.O_APPEND | Posix.O_TRUNC | KERNEL_DOES));
        startWriting(false);
        boolean done = false;
        try {
            Node existing = view.lookup(path);
            if (existing != null) {
                if ((flags & Posix.O_EXCL) != 0) throw new FsException(Errno.EEXIST, "/" + path);
                if (existing.isDirectory()) throw new FsException(Errno.EISDIR, "/" + path);
                String real = copyUp(existing, (flags & Posix.O_TRUNC) == 0);
                Created opened = new Created(Posix.open(real, realFlags | (flags & Posix.O_TRUNC) | Posix.O_NOFOLLOW, 0), false, null);
                done = true;
                return opened;
            }
            int[] fd = new int[1];
            boolean inPlace = place(path, Stat.S_IFREG | (mode & 07777), caller, at -> {
                fd[0] = Posix.open(at, realFlags | Posix.O_CREAT | Posix.O_EXCL, mode & 07777);
                return fd[0];
            });
            if (inPlace) madeFile = path;
            Stat made = inPlace ? madeInPlace : null;
            Created created = new Created(fd[0], true, made != null ? made.withIno(view.inode(made)) : null);
            done = true;
            return created;
        } finally {
            endWriting(done);
        }
    }

    // ---- making names --------------------------------------------------------------------------

    public void mkdir(String path, int mode, Caller caller) {
        writingLeaves(() -> {
            if (view.lookup(path) != null) throw new FsException(Errno.EEXIST, "/" + path);
            place(path, Stat.S_IFDIR | (mode & 07777), caller, unopened(at -> Posix.mkdir(at, mode & 07777)));
            return null;
        });
    }

    /**
     * FIFOs, sockets and (as root) device nodes. A character device 0/0 is refused (EPERM), as the
     * kernel's overlayfs refuses it: in the upper it is a whiteout, so it would hide the name made.
     */
    public void mknod(String path, int mode, long rdev, Caller caller) {
        if ((mode & Stat.S_IFMT) == Stat.S_IFCHR && rdev == 0) {
            throw new FsException(Errno.EPERM, "/" + path + ": a character device 0/0 is a whiteout");
        }
        writingLeaves(() -> {
            if (view.lookup(path) != null) throw new FsException(Errno.EEXIST, "/" + path);
            place(path, mode, caller, unopened(at -> Posix.mknod(at, mode, rdev)));
            return null;
        });
    }

    public void symlink(String target, String path, Caller caller) {
        writingLeaves(() -> {
            if (view.lookup(path) != null) throw new FsException(Errno.EEXIST, "/" + path);
            place(path, Stat.S_IFLNK | 0777, caller, unopened(at -> Posix.symlink(target, at)));
            return null;
        });
    }

    /** A hard link: the file is copied up (through the index if it has lower names) and linked. */
    public void link(String from, String to) {
        writingLeaves(() -> {
            Node src = view.require(from);
            if (src.isDirectory()) throw new FsException(Errno.EPERM, "/" + from);
            if (view.lookup(to) != null) throw new FsException(Errno.EEXIST, "/" + to);
            String real = copyUp(src, true);
            long copy = index != null && index.inUse() ? indexCopy(Posix.lstat(real).ino()) : -1;
            place(to, src.stat.mode(), null, unopened(at -> Posix.link(real, at)));
            namesChanged(copy, +1);
            return null;
        });
    }

    /**
     * Puts a new entry at a merged path that shows nothing: in the upper, in place of a whiteout
     * if there is one. A directory made where the lowers still hold something (behind that
     * whiteout) is made opaque, so what was deleted stays deleted. With a caller, the entry is
     * given the caller's ownership (and the parent's group if the parent is setgid).
     */
    private boolean place(String path, int mode, Caller caller, Maker maker) {
        String name = RelPath.name(path);
        if (Markers.isMarkerName(name)) throw new FsException(Errno.EINVAL, "/" + path + ": .wh. names are reserved");
        Node parent = view.require(RelPath.parent(path));
        if (!parent.isDirectory()) throw new FsException(Errno.ENOTDIR, "/" + path);
        Probe there = view.upperProbe(parent, path);
        boolean whiteout = there.kind() == Probe.Kind.WHITEOUT;
        if (parent.layer == 0 && !whiteout) {
            // The common case: a new name in a directory the upper already has.
            changeLeaf(path);
            String dst = parent.realPath + "/" + name;
            int fd = maker.make(dst);
            Stat made = finish(dst, fd, mode, caller, parent.stat, false);
            if (made != null) upper.hasNoOrigin(made.ino()); // spares asking its xattrs at the next stat
            madeInPlace = made != null && finishedAsMade ? made : null;
            if ((mode & Stat.S_IFMT) == Stat.S_IFDIR) {
                madeDir = path;
                madeDirStat = made != null && finishedAsMade ? made : Posix.lstat(dst);
            }
            return true;
        }
        changeStructure();
        String parentReal = upperDir(parent);
        String dst = parentReal + "/" + name;
        boolean isDir = (mode & Stat.S_IFMT) == Stat.S_IFDIR;
        boolean whiteoutDevice = whiteout && Posix.lstatOrNull(dst) != null;
        if (!whiteoutDevice) {
            // Nothing in the upper, or a .wh.NAME file beside it: make the entry in place.
            int fd = maker.make(dst);
            finish(dst, fd, mode, caller, statIfCaller(parentReal, caller), isDir && whiteout);
            if (whiteout) Posix.unlink(parentReal + "/" + Markers.WHITEOUT_PREFIX + name);
            return false;
        }
        // A whiteout device sits at the name: build aside and swap it in atomically.
        String tmp = copyUp.tmpPath();
        int fd = maker.make(tmp);
        finish(tmp, fd, mode, caller, statIfCaller(parentReal, caller), isDir);
        if (isDir) {
            Posix.rename(tmp, dst, Posix.RENAME_EXCHANGE);
            Posix.unlink(tmp);
        } else {
            Posix.rename(tmp, dst);
        }
        return false;
    }

    /**
     * Gives a new entry, opened as {@code fd} or not (-1), its owner and mode; returns its stat as
     * it was then (null without a caller). {@code parent}: the upper directory's stat.
     */
    private Stat finish(String at, int fd, int mode, Caller caller, Stat parent, boolean opaque) {
        Stat made = null;
        if (caller != null) {
            boolean setgidParent = (parent.mode() & 02000) != 0;
            int gid = setgidParent ? parent.gid() : caller.gid();
            boolean isDir = (mode & Stat.S_IFMT) == Stat.S_IFDIR;
            Stat now = fd >= 0 ? Posix.fstat(fd) : Posix.lstat(at);
            finishedAsMade = true;
            if (now.uid() != caller.uid() || now.gid() != gid) {
                Posix.lchown(at, caller.uid(), gid);
                finishedAsMade = false;
            }
            int perms = mode & 07777;
            if (isDir && setgidParent) perms |= 02000;
            if ((mode & Stat.S_IFMT) != Stat.S_IFLNK && (perms != now.permissions() || (perms & 06000) != 0)) {
                Posix.chmod(at, perms);
                finishedAsMade = false;
            }
            made = now;
        }
        if (opaque) format.makeOpaque(at);
        return made;
    }

    /** Whether the last {@link #finish} with a caller left the entry as made: the stat it returned is still true. */
    private boolean finishedAsMade;
    /** The stat of the entry the writer's last {@link #place} made in place, if still true; else null. */
    private Stat madeInPlace;

    @FunctionalInterface
    private interface Maker {
        /** Makes the entry at {@code realPath}; returns the descriptor it is open on, or -1. */
        int make(String realPath);
    }

    /** The stat finish() needs of the parent: only with a caller. */
    private static Stat statIfCaller(String parentReal, Caller caller) {
        return caller == null ? null : Posix.lstat(parentReal);
    }

    /** A maker of an entry that is not opened. */
    private static Maker unopened(Consumer<String> make) {
        return at -> {
            make.accept(at);
            return -1;
        };
    }

    // ---- removing names ------------------------------------------------------------------------

    public void unlink(String path) {
        startWriting(false);
        boolean done = false;
        try {
            Node n = view.require(path);
            if (n.isDirectory()) throw new FsException(Errno.EISDIR, "/" + path);
            remove(n);
            done = true;
        } finally {
            endWriting(done);
        }
    }

    public void rmdir(String path) {
        writingLeaves(() -> {
            if (path.isEmpty()) throw new FsException(Errno.EBUSY, "/");
            Node n = view.require(path);
            if (!n.isDirectory()) throw new FsException(Errno.ENOTDIR, "/" + path);
            // Empty on disk, so empty in the union: no listing needed first.
            if (removedAlone(n)) return null;
            if (!view.readdir(n).isEmpty()) throw new FsException(Errno.ENOTEMPTY, "/" + path);
            changeStructure();
            remove(n);
            return null;
        });
    }

    /**
     * Removes a directory only the upper has, empty on disk, in an upper directory, with nothing
     * of the lowers at its name: a change of that one name, as the removal of a file only the
     * upper has. False, having changed nothing, if it is not such a directory or holds anything
     * (names, or whiteouts only, which the caller tells apart).
     */
    private boolean removedAlone(Node dir) {
        if (dir.layer != 0 || hasLowerPart(dir)) return false;
        Node parent = view.require(RelPath.parent(dir.path));
        if (parent.layer != 0 || view.childBelowUpper(parent, RelPath.name(dir.path)) != null) return false;
        changeLeaf(dir.path);
        try {
            Posix.rmdir(dir.realPath);
        } catch (FsException e) {
            if (e.errno() != Errno.ENOTEMPTY && e.errno() != Errno.EEXIST) throw e;
            leaves.remove(dir.path); // nothing changed: an ENOTEMPTY thrown next keeps the caches
            return false;
        }
        upper.forgetOrigin(dir.stat.ino());
        return true;
    }

    /**
     * Removes a name from the merged view: its upper entry goes (a directory with the whiteouts
     * inside it), and if the lowers hold the name a whiteout takes its place, swapped in
     * atomically where the format allows. A name of an index copy counts no more for it.
     */
    private void remove(Node n) {
        indexBeforeRemoving(n);
        long copy = indexCopy(n);
        removeName(n);
        namesChanged(copy, -1);
    }

    private void removeName(Node n) {
        String name = RelPath.name(n.path);
        Node parent = view.require(RelPath.parent(n.path));
        boolean lowerHasIt = view.childBelowUpper(parent, name) != null;
        boolean inUpper = n.layer == 0;
        if (inUpper && !lowerHasIt && !n.isDirectory() && parent.layer == 0) {
            // A file only the upper has: its name goes, nothing takes its place.
            changeLeaf(n.path);
            upper.forgetOrigin(n.stat.ino());
            Posix.unlink(parent.realPath + "/" + name);
            return;
        }
        changeStructure();
        String parentReal = upperDir(parent);
        String real = parentReal + "/" + name;
        if (!inUpper) {
            format.writeWhiteout(parentReal, name);
            return;
        }
        if (lowerHasIt && format == UpperFormat.KERNEL) {
            String wh = copyUp.tmpPath();
            format.writeWhiteout(RelPath.parent(wh), RelPath.name(wh));
            if (n.isDirectory()) {
                Posix.rename(wh, real, Posix.RENAME_EXCHANGE);
                WorkDir.removeTree(wh);
            } else {
                Posix.rename(wh, real);
            }
            return;
        }
        if (n.isDirectory()) {
            String aside = copyUp.tmpPath();
            Posix.rename(real, aside);
            WorkDir.removeTree(aside);
        } else {
            Posix.unlink(real);
        }
        if (lowerHasIt) format.writeWhiteout(parentReal, name);
    }

    // ---- rename --------------------------------------------------------------------------------

    /**
     * rename(2) for any entry, lower, merged or upper, files and directories alike (no EXDEV).
     * A directory with lower contents is copied up alone and carries a redirect to where those
     * contents are; a directory without any, moved over a name the lowers hold, becomes opaque.
     */
    public void rename(String from, String to) {
        writingLeaves(() -> {
            Node src = view.require(from);
            if (from.equals(to)) return null;
            String toName = RelPath.name(to);
            if (Markers.isMarkerName(toName)) throw new FsException(Errno.EINVAL, "/" + to);
            if (src.isDirectory() && RelPath.isWithin(to, from)) throw new FsException(Errno.EINVAL, "/" + to);
            Node dstParent = view.require(RelPath.parent(to));
            if (!dstParent.isDirectory()) throw new FsException(Errno.ENOTDIR, "/" + to);
            Node dst = view.child(dstParent, toName);
            if (dst != null) {
                if (src.isDirectory() && !dst.isDirectory()) throw new FsException(Errno.ENOTDIR, "/" + to);
                if (!src.isDirectory() && dst.isDirectory()) throw new FsException(Errno.EISDIR, "/" + to);
                if (dst.isDirectory() && !view.readdir(dst).isEmpty()) throw new FsException(Errno.ENOTEMPTY, "/" + to);
                if (!src.isDirectory() && view.inode(src) == view.inode(dst)) return null; // same file
            }
            Node srcParent = view.require(RelPath.parent(from));
            // A name replaced counts no more for its index copy, however the rename is made.
            if (dst != null) indexBeforeRemoving(dst);
            long replaced = dst != null ? indexCopy(dst) : -1;
            if (!renamedAlone(src, srcParent, dst, dstParent, to)) renameWithMarkers(src, srcParent, from, to);
            namesChanged(replaced, -1);
            return null;
        });
    }

    /**
     * renameat2(RENAME_EXCHANGE): both entries copied up and swapped in the upper, as the kernel's
     * overlayfs swaps them. Each directory is marked as a rename would mark it at its new name (a
     * redirect to its lower contents, or opaque over a name the lowers hold); neither name is
     * left empty, so no whiteout is written.
     */
    public void exchange(String a, String b) {
        writingLeaves(() -> {
            Node na = view.require(a), nb = view.require(b);
            if (a.equals(b)) return null;
            if (RelPath.isWithin(a, b) || RelPath.isWithin(b, a)) throw new FsException(Errno.EINVAL, "/" + b);
            if (!na.isDirectory() && !nb.isDirectory() && view.inode(na) == view.inode(nb)) return null; // one file
            if (exchangedAlone(na, nb, a, b)) return null;
            changeStructure();
            String redirectA = na.isDirectory() && hasLowerPart(na) ? redirectTo(a) : null;
            String redirectB = nb.isDirectory() && hasLowerPart(nb) ? redirectTo(b) : null;
            boolean lowersHoldA = view.childBelowUpper(view.require(RelPath.parent(a)), RelPath.name(a)) != null;
            boolean lowersHoldB = view.childBelowUpper(view.require(RelPath.parent(b)), RelPath.name(b)) != null;
            String realA = copyUp(na, true);
            String realB = copyUp(view.require(b), true);
            if (na.isDirectory()) markMoved(realA, redirectA, lowersHoldB);
            if (nb.isDirectory()) markMoved(realB, redirectB, lowersHoldA);
            Posix.rename(realA, realB, Posix.RENAME_EXCHANGE);
            return null;
        });
    }

    /**
     * Two entries that are not directories and are both in the upper swap there, and only those
     * two names change: the caches of everything else stay.
     */
    private boolean exchangedAlone(Node na, Node nb, String a, String b) {
        if (na.isDirectory() || nb.isDirectory() || na.layer != 0 || nb.layer != 0) return false;
        changeLeaf(a);
        changeLeaf(b);
        Posix.rename(na.realPath, nb.realPath, Posix.RENAME_EXCHANGE);
        return true;
    }

    /** A directory about to move to a new name: redirected to its lower contents, or made opaque over the lowers'. */
    private void markMoved(String real, String redirect, boolean lowersHoldNewName) {
        if (redirect != null) format.setRedirect(real, redirect);
        else if (lowersHoldNewName && !Markers.isOpaque(real)) format.makeOpaque(real);
    }

    /**
     * A rename that may copy up, whiteout the old name, clear whiteouts or an emptied directory at
     * the new one, or mark a directory opaque or redirected: every cache is forgotten.
     */
    private void renameWithMarkers(Node src, Node srcParent, String from, String to) {
        String toName = RelPath.name(to);
        changeStructure();
        String redirect = src.isDirectory() && hasLowerPart(src) ? redirectTo(from) : null;
        boolean whiteoutSource = view.childBelowUpper(srcParent, RelPath.name(from)) != null;
        String srcReal = copyUp(src, true);
        String dstParentReal = upperDir(view.require(RelPath.parent(to)));
        String dstReal = dstParentReal + "/" + toName;
        // Clear the target in the upper: an empty merged directory may still hold whiteouts.
        String aside = null;
        Probe there = upper.probe(to);
        if (there.isDirectory()) {
            aside = copyUp.tmpPath();
            Posix.rename(dstReal, aside);
            there = upper.probe(to);
        }
        if (src.isDirectory()) {
            markMoved(srcReal, redirect, view.childBelowUpper(view.require(RelPath.parent(to)), toName) != null);
        }
        boolean whiteoutDevice = there.kind() == Probe.Kind.WHITEOUT && Posix.lstatOrNull(dstReal) != null;
        if (src.isDirectory() && whiteoutDevice) {
            Posix.rename(srcReal, dstReal, Posix.RENAME_EXCHANGE);
            // The whiteout now sits at the source name: just what is needed there if the
            // lowers hold that name too.
            if (whiteoutSource) whiteoutSource = false;
            else Posix.unlink(srcReal);
        } else {
            Posix.rename(srcReal, dstReal);
            if (there.kind() == Probe.Kind.WHITEOUT && !whiteoutDevice) {
                Posix.unlink(dstParentReal + "/" + Markers.WHITEOUT_PREFIX + toName);
            }
        }
        if (whiteoutSource) format.writeWhiteout(RelPath.parent(srcReal), RelPath.name(from));
        if (aside != null) WorkDir.removeTree(aside);
    }

    /**
     * Renames a file only the upper has, between directories the upper has, where nothing of the
     * lowers is at its old name and no whiteout at its new one: one rename(2) in the upper, a
     * change of those two names alone (the caches of the rest stay), as the removal of such a
     * file is. A file it replaces must be the upper's too. False, having changed nothing, if the
     * rename is not of this kind.
     */
    private boolean renamedAlone(Node src, Node srcParent, Node dst, Node dstParent, String to) {
        if (src.isDirectory() || src.layer != 0 || srcParent.layer != 0 || dstParent.layer != 0) return false;
        if (dst != null && (dst.isDirectory() || dst.layer != 0)) return false;
        if (view.childBelowUpper(srcParent, RelPath.name(src.path)) != null) return false;
        Probe there = view.upperProbe(dstParent, to);
        if (there.kind() == Probe.Kind.WHITEOUT || there.isDirectory()) return false;
        changeLeaf(src.path);
        changeLeaf(to);
        Posix.rename(src.realPath, dstParent.realPath + "/" + RelPath.name(to));
        if (dst != null) upper.forgetOrigin(dst.stat.ino());
        return true;
    }

    /** Whether some lower layer holds part of a directory's contents (so a rename needs a redirect). */
    private static boolean hasLowerPart(Node dir) {
        for (int i = 0; i < dir.sourceCount(); i++) {
            if (dir.sourceLayers[i] > 0) return true;
        }
        return false;
    }

    /**
     * The redirect a directory renamed away from {@code from} carries, composed as overlayfs
     * composes it ({@code ovl_get_redirect}): the path the merged view shows, except where a
     * directory on it has a redirect in the upper (renamed earlier), which stands for its name,
     * and an absolute one for the whole path up to it. The layers below then walk that path
     * from their roots, following the redirects they hold themselves ({@link UnionView#child}).
     * Not a lower layer's own path: a whiteout may stand there in a layer above it.
     */
    private String redirectTo(String from) {
        String path = "";
        for (String dir = from; !dir.isEmpty(); dir = RelPath.parent(dir)) {
            Probe p = upper.probe(dir);
            String own = p.isDirectory() ? p.redirect() : null;
            if (own != null && UnionView.isAbsolute(own)) return prepend(own.substring(1), path);
            path = prepend(own != null ? own : RelPath.name(dir), path);
        }
        return path;
    }

    private static String prepend(String dir, String path) {
        return path.isEmpty() ? dir : RelPath.join(dir, path);
    }

    // ---- changing attributes -------------------------------------------------------------------

    /**
     * What one request changes of an entry's attributes: each part, or nothing of it (-1 for
     * mode, uid, gid and size; null times, else atime and mtime as {@link Posix#utimens} takes
     * them, each a time, UTIME_NOW or UTIME_OMIT).
     */
    public record Attributes(int mode, int uid, int gid, long size, long[] times) {
        public static final Attributes NONE = new Attributes(-1, -1, -1, -1, null);

        public Attributes withMode(int m) {
            return new Attributes(m, uid, gid, size, times);
        }

        public Attributes withOwner(int u, int g) {
            return new Attributes(mode, u, g, size, times);
        }

        public Attributes withSize(long s) {
            return new Attributes(mode, uid, gid, s, times);
        }

        public Attributes withTimes(long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
            return new Attributes(mode, uid, gid, size, new long[] {atimeSec, atimeNsec, mtimeSec, mtimeNsec});
        }

        boolean changesNothing() {
            return mode < 0 && uid == -1 && gid == -1 && size < 0 && times == null;
        }
    }

    /**
     * Changes an entry's attributes, all in one change of the union, and returns its stat after
     * (what {@link #getattr} would then say): owner, then mode, then size, then times, as
     * lchown(2), chmod(2), truncate(2) and utimensat(2) would in turn. A lower entry is copied
     * up first (without data if its size is set to 0), unless nothing is to change.
     */
    public Stat setattr(String path, Attributes change) {
        if (change.changesNothing()) return getattr(path); // nothing to copy up for
        startWriting(false);
        boolean done = false;
        try {
            Node n = view.require(path);
            boolean resizes = change.size() >= 0;
            if (resizes && n.isDirectory()) throw new FsException(Errno.EISDIR, "/" + path);
            long ino = view.inode(n); // kept through copy-up: the copy records it as its origin
            String real = copyUp(attributesOf(n), !resizes || change.size() > 0);
            // owner before mode: chown(2) clears set-id bits, and the mode asked for is the one to keep
            if (change.uid() != -1 || change.gid() != -1) Posix.lchown(real, change.uid(), change.gid());
            if (change.mode() >= 0) Posix.chmod(real, change.mode() & 07777);
            if (resizes) Posix.truncate(real, change.size());
            long[] t = change.times();
            if (t != null) Posix.utimens(real, t[0], t[1], t[2], t[3]);
            // A directory copied up now merges with its lower copy.
            boolean merged = n.sourceCount() > 1 || n.layer != 0;
            Stat st = Posix.lstat(real);
            Stat shown = st.withInoAndNlink(ino, view.nlink(st, merged, true));
            done = true;
            return shown;
        } finally {
            endWriting(done);
        }
    }

    public void chmod(String path, int mode) {
        setattr(path, Attributes.NONE.withMode(mode & 07777));
    }

    public void chown(String path, int uid, int gid) {
        setattr(path, Attributes.NONE.withOwner(uid, gid));
    }

    public void truncate(String path, long size) {
        setattr(path, Attributes.NONE.withSize(size));
    }

    public void utimens(String path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        setattr(path, Attributes.NONE.withTimes(atimeSec, atimeNsec, mtimeSec, mtimeNsec));
    }

    public void setxattr(String path, String name, byte[] value, int flags) {
        if (Markers.isInternalXattr(name)) throw new FsException(Errno.EPERM, name);
        FsException refused = writingLeaves(() -> {
            String real = xattrsOf(view.require(path));
            try {
                Posix.setxattr(real, name, value, flags);
            } catch (FsException e) {
                return e; // XATTR_CREATE of a name it has, a value too big: nothing changed
            }
            if (CAPABILITY.equals(name)) upper.forgetMadeFiles();
            return null;
        });
        if (refused != null) throw refused;
    }

    public void removexattr(String path, String name) {
        if (Markers.isInternalXattr(name)) throw new FsException(Errno.ENODATA, name);
        FsException refused = writingLeaves(() -> {
            Node n = view.require(path);
            // A lower entry is copied up only to remove what it has; the upper's own call says ENODATA.
            if (n.layer != 0 && view.getxattr(n, name) == null) {
                return new FsException(Errno.ENODATA, "/" + path + " " + name);
            }
            try {
                Posix.removexattr(xattrsOf(n), name);
            } catch (FsException e) {
                return e; // nothing changed
            }
            return null;
        });
        if (refused != null) throw refused;
    }

    /**
     * The node whose attributes are about to change: one already in the upper changes alone
     * (copy-up, which a lower one needs, is a structural change of its own).
     */
    private Node attributesOf(Node n) {
        if (n.layer == 0 && !n.indexed) changeAttributes(n.path);
        return n;
    }

    /**
     * The real file whose xattrs change for a node. A lower hard link whose inode is already in
     * the index changes the index's copy, with no name of its own in the upper: overlayfs's xattr
     * calls act on the inode's upper copy (chmod, chown, utimes and writes link the name first).
     * It matters once the upper is read without its work directory, as a lower or as a layer.
     */
    private String xattrsOf(Node n) {
        if (n.layer != 0 && n.indexed) {
            changeStructure(); // every name of the inode changes
            return n.realPath;
        }
        return copyUp(attributesOf(n), true);
    }

    // ---- copy-up -------------------------------------------------------------------------------

    /**
     * Gives a node its own entry in the upper, parents first, and returns its real path there.
     * This is where every first change to a lower entry goes through.
     */
    private String copyUp(Node n, boolean withData) {
        if (n.layer == 0) return n.realPath;
        changeStructure();
        String parentReal = upperDir(view.require(RelPath.parent(n.path)));
        String dst = parentReal + "/" + RelPath.name(n.path);
        long origin = view.inode(n);
        if (n.isDirectory()) copiedDirectories.add(n.path);
        if (n.indexed) {
            copyUp.linkUp(n.realPath, dst);
            namesChanged(n.stat.ino(), 0); // a name the union already counted, now the copy's too
        } else if (needsIndex(n)) {
            copyUp.copyIndexed(n.realPath, n.stat, index.pathFor(n.stat), dst, origin);
            index.added(n.stat, format);
        } else {
            copyUp.copy(n.realPath, n.stat, dst, origin, withData);
        }
        return dst;
    }

    /**
     * Before a name of a lower file with several names goes (unlink, or a rename over it), the
     * file is copied into the index, as overlayfs does (ovl_nlink_start): its other names then
     * share that copy, and xattr calls through them change it in place without linking a name.
     */
    private void indexBeforeRemoving(Node n) {
        if (n.layer == 0 || n.indexed || !needsIndex(n)) return;
        changeStructure();
        copyUp.copyToIndex(n.realPath, n.stat, index.pathFor(n.stat), view.inode(n));
        index.added(n.stat, format);
    }

    /**
     * The inode number of the index copy whose names the union counts ({@link HardlinkIndex}) for
     * a node's name, or -1: a lower name already indexed, an upper name linked to a copy, or a
     * lower name whose inode was copied into the index since it was looked up.
     */
    private long indexCopy(Node n) {
        if (index == null || n.isDirectory()) return -1;
        if (n.indexed || n.layer == 0) return indexCopy(n.stat.ino());
        String copy = HardlinkIndex.applies(n.stat) ? index.find(n.stat) : null;
        return copy == null ? -1 : Posix.lstat(copy).ino();
    }

    /** {@code ino} if it is an upper inode with a copy in the index, else -1. */
    private long indexCopy(long ino) {
        return index != null && index.inUse() && index.unionNames(ino) >= 0 ? ino : -1;
    }

    /** The union shows {@code delta} more names of index copy {@code copy} (nothing if -1). */
    private void namesChanged(long copy, int delta) {
        if (copy >= 0) index.namesChanged(copy, delta, format);
    }

    /** Whether a lower entry's copy belongs in the hard-link index (overlayfs's ovl_need_index). */
    private boolean needsIndex(Node n) {
        return index != null && !n.isDirectory() && HardlinkIndex.applies(n.stat);
    }

    /** The upper directory of a merged directory, copied up (with its parents) if need be. */
    private String upperDir(Node dir) {
        if (dir.layer == 0) return dir.realPath;
        return copyUp(dir, false);
    }

    // ---- locking -------------------------------------------------------------------------------

    private <T> T reading(Supplier<T> op) {
        read.lock();
        try {
            return op.get();
        } finally {
            read.unlock();
        }
    }

    /** Runs a change that may reach anywhere: every cache is forgotten after it. */
    private <T> T writing(Supplier<T> op) {
        return writing(true, op);
    }

    /**
     * Runs a change that says what it changes, {@link #changeLeaf} or {@link #changeStructure},
     * before it changes anything; it may look up through the caches until then.
     */
    private <T> T writingLeaves(Supplier<T> op) {
        return writing(false, op);
    }

    /**
     * A writer whose change failed with nothing changed returns its error, to be thrown once it
     * is done: a failure thrown from inside forgets every cache.
     */
    private <T> T writing(boolean structuralFromStart, Supplier<T> op) {
        startWriting(structuralFromStart);
        boolean done = false;
        try {
            T result = op.get();
            done = true;
            return result;
        } finally {
            endWriting(done);
        }
    }

    /** Takes the write lock for one change ({@link #writing}); every start is followed by {@link #endWriting}. */
    private void startWriting(boolean structuralFromStart) {
        write.lock();
        structural = false;
        leaves.clear();
        attributeLeaves.clear();
        madeFile = null;
        madeDir = null;
        madeInPlace = null;
        copiedDirectories.clear();
        if (structuralFromStart) changeStructure();
    }

    /** Ends the change {@link #startWriting} began: {@code done} if it succeeded, else it failed (or threw). */
    private void endWriting(boolean done) {
        List<String> copiedDirs = List.of();
        try {
            // A failure half-way through a leaf change: forget everything, to be sure.
            if (structural || (!done && !(leaves.isEmpty() && attributeLeaves.isEmpty()))) {
                upper.changed();
            } else {
                upper.changedOnly(leaves, attributeLeaves);
                for (int i = 0; i < leaves.size(); i++) view.forget(leaves.get(i));
                for (int i = 0; i < attributeLeaves.size(); i++) view.forget(attributeLeaves.get(i));
                if (done && madeFile != null) upper.madeFile(madeFile);
                if (done && madeDir != null) upper.madeDirectory(madeDir, madeDirStat);
            }
            if (!copiedDirectories.isEmpty()) copiedDirs = List.copyOf(copiedDirectories);
        } finally {
            write.unlock();
        }
        if (!copiedDirs.isEmpty()) directoriesCopiedUp.accept(copiedDirs);
    }

    /** The writer is about to change the entry at {@code path}, and nothing else. */
    private void changeLeaf(String path) {
        upper.changing();
        leaves.add(path);
    }

    /** The writer is about to change the attributes of the entry at {@code path} (not its directory's). */
    private void changeAttributes(String path) {
        upper.changing();
        attributeLeaves.add(path);
    }

    /** The writer is about to change more than single entries. */
    private void changeStructure() {
        upper.changing();
        structural = true;
    }
}
