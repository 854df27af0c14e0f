package dev.jfs.nativetest.session;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code touch -a -d} sets the access time alone and {@code touch -m -d} the modification time
 * alone (utimensat with UTIME_OMIT for the other), on a lower file and on a new one, as on the
 * kernel's overlayfs.
 */
class UtimensOmitTest extends StackTest {
    static final Instant LOWER_ATIME = Instant.parse("2000-01-01T00:00:00Z"), LOWER_MTIME = Instant.parse("2000-01-02T00:00:00Z");
    static final Instant NEW_ATIME = Instant.parse("2001-02-03T04:05:06Z"), NEW_MTIME = Instant.parse("2002-03-04T05:06:07Z");

    @BeforeEach
    void layer() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.writeString(lower.resolve("f"), "lower\n");
        Processes.ok("touch", "-a", "-d", LOWER_ATIME.toString(), lower.resolve("f").toString());
        Processes.ok("touch", "-m", "-d", LOWER_MTIME.toString(), lower.resolve("f").toString());
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void touchSetsOnlyTheTimeItIsAskedFor(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Path lowerFile = stack.path("f"), newFile = stack.path("new");
        Files.writeString(newFile, "new\n");
        Processes.ok("touch", "-a", "-d", LOWER_ATIME.toString(), newFile.toString());
        Processes.ok("touch", "-m", "-d", LOWER_MTIME.toString(), newFile.toString());
        assertTimes(lowerFile, LOWER_ATIME, LOWER_MTIME, fs + ", mounted");
        assertTimes(newFile, LOWER_ATIME, LOWER_MTIME, fs + ", touched when new");

        for (Path f : new Path[] {lowerFile, newFile}) {
            Processes.ok("touch", "-a", "-d", NEW_ATIME.toString(), f.toString());
            assertTimes(f, NEW_ATIME, LOWER_MTIME, fs + ", touch -a " + f.getFileName());
            Processes.ok("touch", "-m", "-d", NEW_MTIME.toString(), f.toString());
            assertTimes(f, NEW_ATIME, NEW_MTIME, fs + ", touch -m " + f.getFileName());
        }
        stack.remount();
        assertTimes(lowerFile, NEW_ATIME, NEW_MTIME, fs + ", remounted");
        assertTimes(newFile, NEW_ATIME, NEW_MTIME, fs + ", remounted");
    }

    private static void assertTimes(Path f, Instant atime, Instant mtime, String when) throws Exception {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertEquals(FileTime.from(atime), a.lastAccessTime(), when + ": atime");
        assertEquals(FileTime.from(mtime), a.lastModifiedTime(), when + ": mtime");
    }
}
