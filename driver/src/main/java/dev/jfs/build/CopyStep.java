package dev.jfs.build;

import dev.jfs.UserError;
import dev.jfs.posix.Stat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * COPY and ADD with Docker's rules: a directory source is copied by its content, a file into a
 * destination ending in {@code /} (or an existing directory, or with several sources) keeps its
 * name, ADD extracts a local tar (plain, gzip, bzip2, xz, zstd) and refuses URLs; copied files
 * are root's unless {@code --chown} (an image's files keep their owners), modes are kept unless
 * {@code --chmod}. Its digest covers the path, type, mode, owner and content of every copied
 * file, never a time.
 */
final class CopyStep {
    /** An owner for every copied entry ({@code --chown}), already resolved to numbers. */
    record Owner(int uid, int gid) {}

    /** A heredoc source: a file named after its delimiter. */
    record HeredocFile(String name, byte[] content) {}

    /**
     * @param dest the absolute destination, cleaned, ending in {@code /} when written so
     * @param sources the source words as written, heredoc words ({@code <<EOF}) included
     */
    record Spec(String instruction, boolean add, List<String> sources, String dest, Integer chmod, Owner owner,
            List<HeredocFile> heredocs) {}

    private final SourceTree tree;
    private final Spec spec;

    CopyStep(SourceTree tree, Spec spec) {
        this.tree = tree;
        this.spec = spec;
    }

    /** A source resolved: a tree entry, an archive ADD extracts, or a heredoc's content. */
    private record Source(SourceTree.Entry entry, boolean archive, HeredocFile heredoc) {}

    private List<Source> sources() throws IOException {
        List<Source> out = new ArrayList<>();
        int heredoc = 0;
        for (String s : spec.sources()) {
            if (s.matches("\\d*<<-?.+") && heredoc < spec.heredocs().size()) {
                out.add(new Source(null, false, spec.heredocs().get(heredoc++)));
                continue;
            }
            if (s.matches("(?i)^(https?|git|ftp)://.*") || s.startsWith("git@")) {
                throw new UserError(spec.instruction() + ": " + s + ": remote sources need the network, which jfs build"
                        + " does not use; download it into the build context and " + (spec.add() ? "ADD" : "COPY") + " the file");
            }
            for (SourceTree.Entry e : tree.resolve(s, spec.instruction())) {
                boolean archive = spec.add() && e.stat().isRegular() && Archives.isArchive(tree.hostPath(e.rel()));
                out.add(new Source(e, archive, null));
            }
        }
        return out;
    }

    /** The part of the step's cache key that stands for what it copies. */
    String digest() throws IOException {
        MessageDigest md = sha256();
        for (Source s : sources()) {
            if (s.heredoc() != null) {
                update(md, "heredoc", s.heredoc().name(), hex(sha256().digest(s.heredoc().content())));
            } else if (s.archive()) {
                update(md, "archive", s.entry().rel(), fileHash(tree.hostPath(s.entry().rel())));
            } else {
                update(md, "source", s.entry().rel());
                entryDigest(md, s.entry(), "");
                if (s.entry().stat().isDirectory()) walk(s.entry().rel(), "", (e, under) -> entryDigest(md, e, under));
            }
        }
        return hex(md.digest());
    }

    private void entryDigest(MessageDigest md, SourceTree.Entry e, String under) throws IOException {
        Stat st = e.stat();
        String owner = tree.keepsOwners() ? st.uid() + ":" + st.gid() : "";
        String what = st.isRegular() ? fileHash(tree.hostPath(e.rel())) : st.isSymlink() ? tree.readlink(e.rel()) : Long.toString(st.rdev());
        update(md, under, Integer.toOctalString(st.mode()), owner, Long.toString(st.size()), what);
    }

    /** Writes what the step copies into the build container. */
    void apply(RootWriter out) throws IOException {
        List<Source> sources = sources();
        String dest = spec.dest();
        boolean destIsDir = dest.endsWith("/") || sources.size() > 1;
        String destRel = SourceTree.relative(dest);
        if (!destIsDir && out.existingDir(destRel) != null) destIsDir = true;
        if (sources.size() > 1 && !dest.endsWith("/")) {
            throw new UserError(spec.instruction() + ": with more than one source file the destination must be a directory and end with a /");
        }
        Owner owner = spec.owner() == null ? new Owner(0, 0) : spec.owner();
        for (Source s : sources) {
            if (s.heredoc() != null) {
                String target = destIsDir ? SourceTree.join(out.mkdirs(destRel, owner.uid(), owner.gid()), s.heredoc().name()) : fileTarget(out, destRel, owner);
                out.file(target, new ByteArrayInputStream(s.heredoc().content()), mode(0644), owner.uid(), owner.gid());
            } else if (s.archive()) {
                String dir = out.mkdirs(destRel, owner.uid(), owner.gid());
                Archives.extract(tree.hostPath(s.entry().rel()), dir, out, spec.instruction());
            } else if (s.entry().stat().isDirectory()) {
                String dir = out.mkdirs(destRel, owner.uid(), owner.gid());
                List<String[]> dirTimes = new ArrayList<>();
                walk(s.entry().rel(), "", (e, under) -> {
                    String target = SourceTree.join(dir, under);
                    write(out, e, target);
                    if (e.stat().isDirectory()) dirTimes.add(new String[] {target, Long.toString(e.stat().mtimeSec()), Long.toString(e.stat().mtimeNsec())});
                });
                for (int i = dirTimes.size() - 1; i >= 0; i--) {
                    String[] t = dirTimes.get(i);
                    out.times(t[0], Long.parseLong(t[1]), Long.parseLong(t[2]));
                }
            } else {
                String target = destIsDir ? SourceTree.join(out.mkdirs(destRel, owner.uid(), owner.gid()), s.entry().name()) : fileTarget(out, destRel, owner);
                write(out, s.entry(), target);
            }
        }
    }

    private String fileTarget(RootWriter out, String destRel, Owner owner) {
        String parent = out.mkdirs(SourceTree.parentOf(destRel), owner.uid(), owner.gid());
        return SourceTree.join(parent, SourceTree.nameOf(destRel));
    }

    private void write(RootWriter out, SourceTree.Entry e, String target) throws IOException {
        Stat st = e.stat();
        int uid = spec.owner() != null ? spec.owner().uid() : tree.keepsOwners() ? st.uid() : 0;
        int gid = spec.owner() != null ? spec.owner().gid() : tree.keepsOwners() ? st.gid() : 0;
        if (st.isDirectory()) {
            out.directory(target, mode(st.permissions()), uid, gid);
        } else if (st.isRegular()) {
            out.file(target, tree.hostPath(e.rel()), st.size(), mode(st.permissions()), uid, gid);
            out.times(target, st.mtimeSec(), st.mtimeNsec());
        } else if (st.isSymlink()) {
            out.symlink(target, tree.readlink(e.rel()), uid, gid);
            out.times(target, st.mtimeSec(), st.mtimeNsec());
        } else {
            out.special(target, st.mode(), st.rdev(), uid, gid);
        }
    }

    private int mode(int original) {
        return spec.chmod() != null ? spec.chmod() : original;
    }

    interface Visitor {
        void visit(SourceTree.Entry e, String under) throws IOException;
    }

    /**
     * Everything below a directory, parents first, names sorted; a directory .dockerignore
     * excludes is visited only when an exception lets something below it in.
     */
    private void walk(String dirRel, String under, Visitor v) throws IOException {
        for (SourceTree.Entry e : tree.children(dirRel)) {
            String u = SourceTree.join(under, e.name());
            if (e.stat().isDirectory()) {
                if (tree.excluded(e.rel())) {
                    List<Object[]> inside = new ArrayList<>();
                    walk(e.rel(), u, (c, cu) -> inside.add(new Object[] {c, cu}));
                    if (inside.isEmpty()) continue;
                    v.visit(e, u);
                    for (Object[] c : inside) v.visit((SourceTree.Entry) c[0], (String) c[1]);
                    continue;
                }
                v.visit(e, u);
                walk(e.rel(), u, v);
            } else {
                v.visit(e, u);
            }
        }
    }

    private static String fileHash(String hostPath) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(Path.of(hostPath))) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return hex(md.digest());
    }

    private static void update(MessageDigest md, String... fields) {
        for (String f : fields) {
            md.update(f.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        md.update((byte) '\n');
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
