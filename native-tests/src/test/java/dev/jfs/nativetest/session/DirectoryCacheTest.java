package dev.jfs.nativetest.session;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Directory listings the kernel keeps are never stale. Three open streams of one directory,
 * stepped one getdents(2) batch at a time (glibc's readdir reads one batch, the kernel answers it
 * with one READDIR): one lists it whole (the kernel keeps that listing), another has read its
 * first batch when a name is removed, a third starts over after the removal (the kernel drops
 * its listing and keeps the new one as it comes). When the second reads on, its old listing
 * must not be taken into the kept one: a later listing would show the removed name for good.
 */
class DirectoryCacheTest extends StackTest {
    /** glibc's directory streams: one getdents(2) batch per refill. Public: jnr implements it in a loader of its own. */
    public interface Dirs {
        Pointer opendir(String path);

        Pointer readdir(Pointer dir);

        int closedir(Pointer dir);
    }

    private static final Dirs LIBC = LibraryLoader.create(Dirs.class).load("c");
    private static final int D_NAME = 19;

    @BeforeEach
    void layer() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("lower/big"));
        for (int i = 0; i < 400; i++) Files.writeString(d.resolve(String.format("name-%03d-of-a-listing", i)), "x");
        lower = tmp.resolve("lower");
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void aListingReadAcrossARemovalIsNotKept(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        String big = stack.path("big").toString();
        Pointer whole = open(big), early = open(big);
        try {
            List<String> listed = new ArrayList<>(List.of(name(LIBC.readdir(whole))));
            assertNotNull(LIBC.readdir(early), "the second stream reads its first batch");
            listed.addAll(rest(whole));
            assertEquals(402, listed.size(), fs + ": 400 names with . and ..");
            String removed = listed.get(listed.size() - 3);
            Files.delete(stack.path("big/" + removed));
            Pointer after = open(big);
            try {
                assertNotNull(LIBC.readdir(after), "the third stream reads its first batch");
                rest(early);
            } finally {
                LIBC.closedir(after);
            }
            for (int round = 0; round < 2; round++) {
                List<String> now = list(big);
                assertEquals(401, now.size(), fs + ": listing " + round + " after the removal");
                assertFalse(now.contains(removed), fs + ": " + removed + " was removed, yet listed");
            }
        } finally {
            LIBC.closedir(whole);
            LIBC.closedir(early);
        }
    }

    private static Pointer open(String path) {
        Pointer d = LIBC.opendir(path);
        assertTrue(d != null && d.address() != 0, "opendir " + path);
        return d;
    }

    private static String name(Pointer entry) {
        assertTrue(entry != null && entry.address() != 0, "readdir gave an entry");
        return entry.getString(D_NAME, 256, StandardCharsets.UTF_8);
    }

    private static List<String> rest(Pointer dir) {
        List<String> names = new ArrayList<>();
        for (Pointer e = LIBC.readdir(dir); e != null && e.address() != 0; e = LIBC.readdir(dir)) {
            names.add(name(e));
        }
        return names;
    }

    private static List<String> list(String path) {
        Pointer d = open(path);
        try {
            return rest(d);
        } finally {
            LIBC.closedir(d);
        }
    }
}
