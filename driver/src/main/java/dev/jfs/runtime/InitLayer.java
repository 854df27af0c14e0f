package dev.jfs.runtime;

import dev.jfs.UserError;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import dev.jfs.union.LayerStack;
import dev.jfs.union.Node;
import dev.jfs.union.UnionView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The layer between a container's image and its upper that holds what the runtime needs to find
 * in the root: the mount points of /proc, /dev, /sys, the bind-mounted /etc/hosts, /etc/hostname,
 * /etc/resolv.conf and the volumes (docker's "-init" layer). runc makes a missing mount point in
 * the root itself; made here instead, they are part of no container's changes: not in
 * {@code jfs diff}, not in a commit. A directory made here on the way to a mount point is a copy
 * of the image's (mode, owner, times), so the merged view shows the image's own.
 */
public final class InitLayer {
    /** The directory of a container's init layer, beside its upper (the store stacks it if present). */
    public static final String DIR = "init";

    /** A path the runtime mounts on, and whether it is a directory or a file. */
    public record MountPoint(String path, boolean directory, boolean shadowSymlink) {}

    /** The mount points every container needs; an image's symlinked /etc files are shadowed, as docker does. */
    static final List<MountPoint> STANDARD = List.of(
            new MountPoint("/proc", true, false), new MountPoint("/dev", true, false),
            new MountPoint("/sys", true, false),
            new MountPoint("/etc/hosts", false, true), new MountPoint("/etc/hostname", false, true),
            new MountPoint("/etc/resolv.conf", false, true));

    private final Path dir;
    private final UnionView image;
    /** Directories that copy the image's, with the stat whose times they get back at the end. */
    private final List<Copied> copied = new ArrayList<>();

    private record Copied(String path, Stat like) {}

    private InitLayer(Path dir, List<Path> imageLowers) {
        this.dir = dir;
        this.image = UnionView.open(new LayerStack(imageLowers, null, null));
    }

    /**
     * Makes (or completes) the init layer {@code dir} over {@code imageLowers} (top-most first) so
     * that every one of {@code points} exists in the merged view.
     */
    public static void prepare(Path dir, List<Path> imageLowers, List<MountPoint> points) {
        try {
            InitLayer init = new InitLayer(dir, imageLowers);
            init.makeRoot();
            for (MountPoint p : points) init.make(p);
            init.restoreTimes();
        } catch (FsException e) {
            throw new UserError("init layer " + dir + ": cannot make it (" + e.getMessage() + ")", e);
        }
    }

    private void makeRoot() {
        Stat root = image.root().stat();
        if (Posix.lstatOrNull(dir.toString()) == null) {
            Posix.mkdir(dir.toString(), 0755);
            copyAttributes(dir.toString(), root);
        } else {
            copied.add(new Copied(dir.toString(), root));
        }
    }

    private void make(MountPoint point) {
        String rel = point.path().replaceAll("^/+", "").replaceAll("/+$", "");
        if (rel.isEmpty()) return;
        Node there = image.lookup(rel);
        boolean wanted = there == null || (point.shadowSymlink() && there.stat().isSymlink());
        if (!wanted || Posix.lstatOrNull(dir.resolve(rel).toString()) != null) return;
        String[] parts = rel.split("/+");
        String sofar = "";
        for (int i = 0; i < parts.length - 1; i++) {
            sofar = sofar.isEmpty() ? parts[i] : sofar + "/" + parts[i];
            if (!makeDirectory(sofar)) return; // a symlink or file on the way: runc resolves it
        }
        String target = dir.resolve(rel).toString();
        if (point.directory()) {
            Posix.mkdir(target, 0755);
        } else {
            Posix.close(Posix.open(target, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0644));
        }
    }

    /** A directory on the way to a mount point: the image's copied, or a new one. False if the image has no directory there. */
    private boolean makeDirectory(String rel) {
        String target = dir.resolve(rel).toString();
        Stat mine = Posix.lstatOrNull(target);
        Node there = image.lookup(rel);
        if (mine != null) {
            if (there != null && mine.isDirectory()) copied.add(new Copied(target, there.stat()));
            return mine.isDirectory();
        }
        if (there != null && !there.stat().isDirectory()) return false;
        Posix.mkdir(target, 0755);
        if (there != null) copyAttributes(target, there.stat());
        return true;
    }

    private void copyAttributes(String path, Stat like) {
        Posix.lchown(path, like.uid(), like.gid());
        Posix.chmod(path, like.permissions());
        copied.add(new Copied(path, like));
    }

    /** Directories copied from the image get its times back, once the entries made in them are in place. */
    private void restoreTimes() {
        for (int i = copied.size() - 1; i >= 0; i--) {
            Stat t = copied.get(i).like();
            Posix.utimens(copied.get(i).path(), t.atimeSec(), t.atimeNsec(), t.mtimeSec(), t.mtimeNsec());
        }
    }
}
