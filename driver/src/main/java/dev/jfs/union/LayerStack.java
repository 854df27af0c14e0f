package dev.jfs.union;

import dev.jfs.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A stack to mount: read-only lower directories, top-most first (overlayfs {@code lowerdir=}
 * order), a writable upper and the work directory for atomic copy-up. Paths are absolute and
 * normalized. {@link #validate()} checks what a user can get wrong.
 */
public record LayerStack(List<Path> lowers, Path upper, Path work) {
    public static final int MAX_LOWERS = 500;

    public LayerStack {
        lowers = List.copyOf(lowers);
    }

    /**
     * Parses {@code A:B:C} into absolute lower paths (top-most first). A symlink to a directory
     * stands for that directory, as overlayfs takes it: the layer is the directory itself, its
     * {@link LayerIndex} the one beside it.
     */
    public static List<Path> parseLowers(String spec) {
        if (spec == null || spec.isBlank()) throw new UserError("--lower: at least one directory is needed");
        List<Path> out = new ArrayList<>();
        for (String part : spec.split(":", -1)) {
            if (part.isEmpty()) throw new UserError("--lower '" + spec + "': empty layer path");
            Path p = Path.of(part).toAbsolutePath().normalize();
            try {
                p = p.toRealPath();
            } catch (IOException e) {
                // missing or unreadable: validate() says which
            }
            out.add(p);
        }
        return out;
    }

    /** The stack for {@code --lower/--upper/--work}; work defaults to a sibling of the upper. */
    public static LayerStack of(String lowerSpec, Path upper, Path work) {
        Path u = upper.toAbsolutePath().normalize();
        Path w = work != null ? work.toAbsolutePath().normalize()
                : u.resolveSibling(u.getFileName() + ".work");
        return new LayerStack(parseLowers(lowerSpec), u, w);
    }

    /** Checks the lowers exist, are directories and do not overlap the upper; creates upper and work. */
    public LayerStack validate() {
        if (lowers.isEmpty()) throw new UserError("--lower: at least one directory is needed");
        if (lowers.size() > MAX_LOWERS) {
            throw new UserError("--lower: " + lowers.size() + " layers, at most " + MAX_LOWERS);
        }
        for (Path l : lowers) {
            if (!Files.exists(l)) throw new UserError("lower layer " + l + ": no such directory");
            if (!Files.isDirectory(l)) throw new UserError("lower layer " + l + ": not a directory");
            if (upper != null && (upper.startsWith(l) || l.startsWith(upper))) {
                throw new UserError("upper " + upper + " and lower " + l + " overlap: one is inside the other");
            }
        }
        if (upper != null) {
            ensureDir(upper, "upper");
            ensureDir(work, "work");
            if (work.startsWith(upper) || upper.startsWith(work)) {
                throw new UserError("work " + work + " and upper " + upper + " overlap: one is inside the other");
            }
        }
        return this;
    }

    private static void ensureDir(Path dir, String what) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new UserError(what + " " + dir + ": not a directory");
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError(what + " " + dir + ": cannot create (" + e.getMessage() + ")");
        }
    }
}
