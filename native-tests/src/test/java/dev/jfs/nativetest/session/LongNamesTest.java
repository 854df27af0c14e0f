package dev.jfs.nativetest.session;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Names of 252 to 255 bytes (NAME_MAX) are looked up, created, renamed over a lower name,
 * removed and made directories of as any other, as on the kernel's overlayfs; 256 bytes are too
 * long. The whiteout marker's name for such a name ({@code .wh.NAME}) is longer than NAME_MAX,
 * and its ENAMETOOLONG must mean "no marker", not the answer.
 */
class LongNamesTest extends StackTest {
    static final String A = "a".repeat(255), B = "b".repeat(255), C = "c".repeat(252), D = "d".repeat(254), E = "e".repeat(255);

    @BeforeEach
    void layer() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower/d"));
        Files.writeString(lower.resolve(A), "lower a\n");
        Files.writeString(lower.resolve(C), "lower c\n");
        lower = tmp.resolve("lower");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void namesUpToNameMaxWorkAsAnyOther(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Path d = stack.path("d");
        assertEquals("lower a\n", Files.readString(d.resolve(A)), fs + ": reading a lower 255-byte name");
        assertEquals(Errno.ENOENT, errno(() -> Posix.lstat(d.resolve(E).toString())), fs + ": lstat of a missing 255-byte name");

        assertEquals(0, errno(() -> Posix.close(Posix.open(d.resolve(B).toString(), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0644))),
                fs + ": creating a 255-byte name");
        Files.writeString(d.resolve(B), "new b\n");
        assertEquals(List.of(A, B, C), names(d), fs + ": the names in d");
        assertEquals(0, errno(() -> Posix.rename(d.resolve(B).toString(), d.resolve(A).toString())),
                fs + ": renaming a 255-byte name over a lower one");
        assertEquals("new b\n", Files.readString(d.resolve(A)), fs + ": the renamed file");
        assertEquals(0, errno(() -> Posix.rename(d.resolve(C).toString(), d.resolve(D).toString())),
                fs + ": renaming a lower 252-byte name to a 254-byte one");
        assertEquals(List.of(A, D), names(d), fs + ": the names in d");

        assertEquals(0, errno(() -> Posix.unlink(d.resolve(A).toString())), fs + ": unlinking a 255-byte name over a lower one");
        assertEquals(Errno.ENOENT, errno(() -> Posix.lstat(d.resolve(A).toString())), fs + ": the unlinked name");
        assertEquals(0, errno(() -> Posix.mkdir(d.resolve(E).toString(), 0755)), fs + ": mkdir of a 255-byte name");
        Files.writeString(d.resolve(E).resolve(B), "inside\n");
        assertEquals(Errno.ENOTEMPTY, errno(() -> Posix.rmdir(d.resolve(E).toString())), fs + ": rmdir of a full directory");
        assertEquals(0, errno(() -> Posix.unlink(d.resolve(E).resolve(B).toString())), fs + ": unlinking the file in the new directory");
        assertEquals(0, errno(() -> Posix.rmdir(d.resolve(E).toString())), fs + ": rmdir of a 255-byte name");
        assertEquals(Errno.ENAMETOOLONG, errno(() -> Posix.mkdir(d + "/" + "f".repeat(256), 0755)), fs + ": mkdir of a 256-byte name");
        assertEquals(Errno.ENAMETOOLONG, errno(() -> Posix.lstat(d + "/" + "f".repeat(256))), fs + ": lstat of a 256-byte name");
        assertEquals(List.of(D), names(d), fs + ": the names in d");

        stack.remount();
        assertEquals(List.of(D), names(stack.path("d")), fs + ", remounted");
        assertEquals("lower c\n", Files.readString(stack.path("d").resolve(D)), fs + ", remounted");
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The errno an operation failed with, 0 if it succeeded. */
    private static int errno(Runnable operation) {
        try {
            operation.run();
            return 0;
        } catch (FsException e) {
            return e.errno();
        }
    }
}
