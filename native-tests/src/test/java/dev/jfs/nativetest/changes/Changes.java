package dev.jfs.nativetest.changes;

import com.github.luben.zstd.ZstdInputStream;
import dev.jfs.nativetest.CliProcess;
import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.nativetest.kernel.Operation;
import dev.jfs.nativetest.kernel.Operations;
import dev.jfs.nativetest.kernel.Tree;
import dev.jfs.posix.DirEntry;
import dev.jfs.posix.Posix;
import dev.jfs.posix.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** What the commit/diff tests share: walking trees, random changes, reading commit's output. */
final class Changes {
    private Changes() {}

    /** Every path under {@code root} ("/" for the root), through readdir and lstat. */
    static Set<String> paths(Path root) {
        Set<String> out = new TreeSet<>();
        out.add("/");
        walk(root.toString(), "", out, null);
        return out;
    }

    /** path -> mtime seconds of the regular files under {@code root}. */
    static Map<String, Long> fileMtimes(Path root) {
        Map<String, Long> out = new TreeMap<>();
        walk(root.toString(), "", new HashSet<>(), out);
        return out;
    }

    private static void walk(String root, String rel, Set<String> paths, Map<String, Long> mtimes) {
        for (DirEntry e : Posix.readDir(rel.isEmpty() ? root : root + "/" + rel)) {
            String r = rel.isEmpty() ? e.name() : rel + "/" + e.name();
            Stat st = Posix.lstat(root + "/" + r);
            paths.add("/" + r);
            if (mtimes != null && st.isRegular()) mtimes.put("/" + r, st.mtimeSec());
            if (st.isDirectory()) walk(root, r, paths, mtimes);
        }
    }

    /** Seeded random operations through the mount; their errors are part of the game. */
    static void randomOps(Path mnt, Random rnd, int count, List<String> log) {
        for (int i = 0; i < count; i++) {
            Operation op = Operations.next(rnd, paths(mnt));
            int r = op.applyTo(mnt.toString());
            log.add("op " + i + ": " + op + " -> " + (r == 0 ? "ok" : "errno " + r));
        }
    }

    /**
     * Tree snapshot without the root, whose metadata no layer carries; user xattr values are
     * added in hex, since Tree shows them as text and binary values would compare loosely.
     */
    static TreeMap<String, String> snapshot(Path root) throws Exception {
        TreeMap<String, String> t = Tree.snapshot(root);
        t.remove("/");
        for (Map.Entry<String, String> e : t.entrySet()) {
            String real = root + e.getKey();
            if (Posix.lstat(real).isSymlink()) continue;
            List<String> names = Posix.listxattr(real).stream().filter(n -> n.startsWith("user.")).sorted().toList();
            StringBuilder hex = new StringBuilder();
            for (String n : names) hex.append(' ').append(n).append("=0x").append(HexFormat.of().formatHex(Posix.getxattr(real, n)));
            if (hex.length() > 0) e.setValue(e.getValue() + " |" + hex);
        }
        return t;
    }

    /**
     * Directories the upper shows as removed and made again: opaque (xattr or marker file), or
     * carrying an overlay redirect to another path. Paths as in the merged view.
     */
    static Set<String> madeAgain(Path upper) {
        Set<String> out = new TreeSet<>();
        madeAgain(upper.toString(), "", out);
        return out;
    }

    private static void madeAgain(String root, String rel, Set<String> out) {
        for (DirEntry e : Posix.readDir(rel.isEmpty() ? root : root + "/" + rel)) {
            String r = rel.isEmpty() ? e.name() : rel + "/" + e.name();
            String real = root + "/" + r;
            if (!Posix.lstat(real).isDirectory()) continue;
            boolean opaque = Posix.lstatOrNull(real + "/" + OciApplier.OPQ) != null;
            for (String ns : new String[] {"trusted.overlay.", "user.overlay."}) {
                byte[] o = Posix.getxattr(real, ns + "opaque");
                if (o != null && new String(o, StandardCharsets.UTF_8).equals("y")) opaque = true;
                byte[] red = Posix.getxattr(real, ns + "redirect");
                if (red != null && red.length > 0) {
                    String v = new String(red, StandardCharsets.UTF_8);
                    String abs = v.startsWith("/") ? v.replaceAll("/+$", "") : "/" + (rel.isEmpty() ? v : rel + "/" + v);
                    if (!abs.equals("/" + r)) opaque = true;
                }
            }
            if (opaque) out.add("/" + r);
            madeAgain(root, r, out);
        }
    }

    static String sha256(Path f) throws IOException {
        return dev.jfs.nativetest.CliProcess.sha256(f);
    }

    static String sha256(InputStream in) throws IOException {
        return dev.jfs.nativetest.CliProcess.sha256(in);
    }

    static byte[] gunzip(Path f) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
            return in.readAllBytes();
        }
    }

    static byte[] unzstd(Path f) throws IOException {
        try (InputStream in = new ZstdInputStream(Files.newInputStream(f))) {
            return in.readAllBytes();
        }
    }

    private static final Pattern FIELD = Pattern.compile("^(diffID|blob|layer)( +)(sha256:[0-9a-f]{64})$");

    /**
     * commit's stdout as field -> digest ("diffID", "blob", "layer"); anything else is an error.
     * The contract's spelling is one space ("blob sha256:..."): other spacing is read, and
     * reported in {@code problems} unless that is null (the tests of the spelling are apart:
     * {@code CommitDiffTest.commitPrintsTheContractsLines}, {@code StoreCommitTest}'s too).
     */
    static Map<String, String> commitOutput(Result r, List<String> problems) {
        if (r.exit() != 0) throw new AssertionError("jfs commit failed: " + r);
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : r.out().split("\n")) {
            if (l.isEmpty()) continue;
            Matcher m = FIELD.matcher(l);
            if (!m.matches()) throw new AssertionError("commit printed an unexpected line '" + l + "': " + r);
            if (!m.group(2).equals(" ") && problems != null) {
                String p = "commit output: '" + m.group(1) + m.group(2) + "sha256:...' is not the contract's '" + m.group(1)
                        + " sha256:<hex>'";
                if (!problems.contains(p)) problems.add(p);
            }
            if (out.put(m.group(1), m.group(3)) != null) throw new AssertionError("commit printed " + m.group(1) + " twice: " + r);
        }
        return out;
    }

    static Result ok(Result r, String what) {
        if (r.exit() != 0) throw new AssertionError(what + " failed: " + r);
        return r;
    }

    /**
     * `jfs diff ARGS --format text` and `--format json`: the same lines, returned once; with
     * {@code plainToo}, also `jfs diff ARGS`, which must print the text form.
     */
    static List<DiffCheck.Line> diff(List<String> problems, boolean plainToo, String... args) throws Exception {
        List<String> plain = new ArrayList<>(List.of("diff"));
        plain.addAll(List.of(args));
        List<String> text = new ArrayList<>(plain), json = new ArrayList<>(plain);
        text.addAll(List.of("--format", "text"));
        json.addAll(List.of("--format", "json"));
        Result t = ok(CliProcess.jfs(text.toArray(String[]::new)), "jfs " + String.join(" ", text));
        Result j = ok(CliProcess.jfs(json.toArray(String[]::new)), "jfs " + String.join(" ", json));
        List<DiffCheck.Line> lt = DiffCheck.parseText(t.out()), lj = DiffCheck.parseJson(j.out());
        if (!lt.equals(lj)) problems.add("diff: text and json differ:\n  text " + lt + "\n  json " + lj);
        if (plainToo) {
            Result p = ok(CliProcess.jfs(plain.toArray(String[]::new)), "jfs diff (default format)");
            if (!p.out().equals(t.out())) problems.add("diff: the default format is not the text format: " + p.out());
        }
        return lt;
    }

    /**
     * Rewrites an upper from the kernel's markers (what jfs writes as root) to the OCI file
     * markers and user.overlay xattrs (what it writes otherwise): character device 0/0 ->
     * empty file {@code .wh.NAME}; {@code trusted.overlay.opaque=y} -> file {@code .wh..wh..opq};
     * other {@code trusted.overlay.*} -> {@code user.overlay.*}. Returns how many it rewrote.
     */
    static int toFileMarkers(Path upper) {
        return toFileMarkers(upper.toString());
    }

    private static int toFileMarkers(String dir) {
        int n = 0;
        Stat dirStat = Posix.lstat(dir); // its times are put back at the end: a layer carries them
        for (String x : Posix.listxattr(dir)) {
            if (!x.startsWith("trusted.overlay.")) continue;
            byte[] v = Posix.getxattr(dir, x);
            Posix.removexattr(dir, x);
            n++;
            if (x.equals("trusted.overlay.opaque")) {
                if (new String(v, StandardCharsets.UTF_8).equals("y")) Posix.close(Posix.open(dir + "/" + OciApplier.OPQ,
                        Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0644));
            } else {
                Posix.setxattr(dir, "user.overlay." + x.substring("trusted.overlay.".length()), v, 0);
            }
        }
        for (DirEntry e : Posix.readDir(dir)) {
            String p = dir + "/" + e.name();
            Stat st = Posix.lstat(p);
            if (st.isWhiteoutDevice()) {
                Posix.unlink(p);
                String wh = dir + "/" + OciApplier.WH + e.name();
                Posix.close(Posix.open(wh, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0));
                Posix.lchown(wh, st.uid(), st.gid());
                Posix.chmod(wh, st.permissions());
                Posix.utimens(wh, st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec());
                n++;
            } else if (st.isDirectory()) {
                n += toFileMarkers(p);
            } else if (!st.isSymlink()) {
                for (String x : Posix.listxattr(p)) {
                    if (!x.startsWith("trusted.overlay.")) continue;
                    byte[] v = Posix.getxattr(p, x);
                    Posix.removexattr(p, x);
                    Posix.setxattr(p, "user.overlay." + x.substring("trusted.overlay.".length()), v, 0);
                    n++;
                }
            }
        }
        String opq = dir + "/" + OciApplier.OPQ;
        if (Posix.lstatOrNull(opq) != null) {
            Posix.utimens(opq, dirStat.atimeSec(), dirStat.atimeNsec(), dirStat.mtimeSec(), dirStat.mtimeNsec());
        }
        Posix.utimens(dir, dirStat.atimeSec(), dirStat.atimeNsec(), dirStat.mtimeSec(), dirStat.mtimeNsec());
        return n;
    }

    /** The exact stdout the contract gives commit: these fields, in this order, one space each. */
    static void assertContractLines(Result r, String... fields) {
        if (r.exit() != 0) throw new AssertionError("jfs commit failed: " + r);
        StringBuilder re = new StringBuilder();
        for (String f : fields) re.append(f).append(" sha256:[0-9a-f]{64}\n");
        if (!r.out().matches(re.toString())) {
            throw new AssertionError("commit's stdout is not the contract's lines " + String.join(", ", fields)
                    + " ('" + fields[0] + " sha256:<hex>', one space):\n" + r.out());
        }
    }
}
