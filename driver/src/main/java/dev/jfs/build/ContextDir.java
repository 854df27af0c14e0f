package dev.jfs.build;

import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.util.ArrayList;
import java.util.List;

/** The build context directory, with its {@code .dockerignore} applied. */
public final class ContextDir extends SourceTree {
    private final String root;
    private final DockerIgnore ignore;

    public ContextDir(String root, DockerIgnore ignore) {
        this.root = root;
        this.ignore = ignore;
    }

    @Override
    protected Stat lstat(String rel) {
        return Posix.lstatOrNull(hostPath(rel));
    }

    @Override
    protected List<String> names(String rel) {
        List<String> out = new ArrayList<>();
        for (DirEntry d : Posix.readDir(hostPath(rel))) out.add(d.name());
        return out;
    }

    @Override
    public String readlink(String rel) {
        return Posix.readlink(hostPath(rel));
    }

    @Override
    public String hostPath(String rel) {
        return rel.isEmpty() ? root : root + "/" + rel;
    }

    @Override
    public boolean excluded(String rel) {
        return ignore.excludes(rel);
    }

    @Override
    protected boolean mayIncludeBelow(String rel) {
        return ignore.mayIncludeBelow(rel);
    }

    @Override
    public boolean keepsOwners() {
        return false;
    }

    @Override
    public String describe() {
        return "the build context " + root;
    }
}
