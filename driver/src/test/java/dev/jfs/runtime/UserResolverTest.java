package dev.jfs.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jfs.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserResolverTest {
    @TempDir
    Path root;

    void files() throws IOException {
        // /etc is a symlink to a directory elsewhere in the root, as some images have it
        Files.createDirectories(root.resolve("real/etc"));
        Files.createSymbolicLink(root.resolve("etc"), Path.of("/real/etc"));
        Files.writeString(root.resolve("real/etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "alice:x:1000:1001::/home/alice:/bin/sh\n# a comment\nbob:x:1002:1002::/home/bob:/bin/sh\n");
        Files.writeString(root.resolve("real/etc/group"), "root:x:0:\nalices:x:1001:\nstaff:x:50:alice,bob\n"
                + "wheel:x:10:alice\nshort:x:77\n");
    }

    @Test
    void namesAndNumbersResolveThroughTheRootsFiles() throws IOException {
        files();
        assertEquals(new UserResolver.ResolvedUser(0, 0, List.of(), "/root"), UserResolver.resolve(root, ""));
        assertEquals(new UserResolver.ResolvedUser(1000, 1001, List.of(50, 10), "/home/alice"),
                UserResolver.resolve(root, "alice"));
        assertEquals(new UserResolver.ResolvedUser(1000, 1001, List.of(50, 10), "/home/alice"),
                UserResolver.resolve(root, "1000"), "a uid in passwd is that user");
        assertEquals(new UserResolver.ResolvedUser(1000, 50, List.of(), "/home/alice"),
                UserResolver.resolve(root, "alice:staff"));
        assertEquals(new UserResolver.ResolvedUser(4242, 0, List.of(), "/"), UserResolver.resolve(root, "4242"));
        assertEquals(new UserResolver.ResolvedUser(4242, 77, List.of(), "/"), UserResolver.resolve(root, "4242:short"));
        assertEquals(new UserResolver.ResolvedUser(5, 6, List.of(), "/"), UserResolver.resolve(root, "5:6"));
        assertThrows(UserError.class, () -> UserResolver.resolve(root, "carol"));
        assertThrows(UserError.class, () -> UserResolver.resolve(root, "alice:nogroup"));
    }

    @Test
    void numericIdsNeedNoFiles() {
        assertEquals(new UserResolver.ResolvedUser(7, 9, List.of(), "/"), UserResolver.resolve(root, "7:9"));
        assertThrows(UserError.class, () -> UserResolver.resolve(root, "root"), "a name needs a passwd entry");
    }

    @Test
    void symlinksResolveInsideTheRoot() throws IOException {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.createSymbolicLink(root.resolve("usr/bin/escape"), Path.of("../../../../../etc"));
        assertEquals(root.resolve("usr/bin/sh"), RootfsPath.resolve(root, "/bin/sh"));
        assertEquals(root.resolve("etc/passwd"), RootfsPath.resolve(root, "/bin/escape/passwd"), ".. stops at the root");
    }
}
