package dev.jfs.build;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Stat;
import dev.jfs.union.Node;
import dev.jfs.union.UnionFs;
import java.util.ArrayList;
import java.util.List;

/** An image's (or a container's) root file tree read through the union, in process: COPY --from's source. */
public final class ImageRoot extends SourceTree {
    private final UnionFs fs;
    private final String what;

    public ImageRoot(UnionFs fs, String what) {
        this.fs = fs;
        this.what = what;
    }

    public UnionFs fs() {
        return fs;
    }

    @Override
    protected Stat lstat(String rel) {
        try {
            return fs.getattr(rel);
        } catch (FsException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) return null;
            throw e;
        }
    }

    @Override
    protected List<String> names(String rel) {
        List<String> out = new ArrayList<>();
        for (DirEntry d : fs.readdir(rel)) {
            if (!d.name().equals(".") && !d.name().equals("..")) out.add(d.name());
        }
        return out;
    }

    @Override
    public String readlink(String rel) {
        return fs.readlink(rel);
    }

    @Override
    public String hostPath(String rel) {
        Node n = fs.view().require(rel);
        return n.realPath();
    }

    @Override
    public boolean excluded(String rel) {
        return false;
    }

    @Override
    protected boolean mayIncludeBelow(String rel) {
        return false;
    }

    @Override
    public boolean keepsOwners() {
        return true;
    }

    @Override
    public String describe() {
        return what;
    }
}
