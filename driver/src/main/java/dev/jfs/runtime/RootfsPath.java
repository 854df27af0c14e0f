package dev.jfs.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Paths inside a container's root seen from the host: symlinks are followed as the container
 * would follow them (an absolute target starts again at the root, {@code ..} stops at the root),
 * so nothing resolves outside it. Docker's merged-/usr images need this for /bin and /etc files.
 */
final class RootfsPath {
    private static final int MAX_LINKS = 40;

    private RootfsPath() {}

    /** The host path of {@code path} (absolute inside the container) with every symlink followed. */
    static Path resolve(Path root, String path) {
        Deque<String> todo = new ArrayDeque<>(split(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) continue;
            if (c.equals("..")) {
                if (!done.isEmpty()) done.remove(done.size() - 1);
                continue;
            }
            Path here = join(root, done).resolve(c);
            if (Files.isSymbolicLink(here) && links++ < MAX_LINKS) {
                String target;
                try {
                    target = Files.readSymbolicLink(here).toString();
                } catch (IOException e) {
                    done.add(c);
                    continue;
                }
                if (target.startsWith("/")) done.clear();
                List<String> t = split(target);
                for (int i = t.size() - 1; i >= 0; i--) todo.addFirst(t.get(i));
                continue;
            }
            done.add(c);
        }
        return join(root, done);
    }

    private static List<String> split(String path) {
        return List.of(path.split("/", -1));
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) p = p.resolve(s);
        return p;
    }
}
