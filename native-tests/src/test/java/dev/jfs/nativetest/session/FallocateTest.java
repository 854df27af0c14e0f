package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.run;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.nativetest.CliProcess.Result;
import dev.jfs.posix.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * fallocate(1) through the mount, on a lower file (which it copies up) and on a new one:
 * allocate past the end ({@code -l}), allocate keeping the size ({@code -n}), punch a hole ({@code -p}),
 * zero a range ({@code -z}); then the data and holes that lseek's SEEK_DATA and SEEK_HOLE find.
 * Each step succeeds with the kernel's overlayfs's sizes, bytes and hole map.
 */
@ExtendWith(WatchdogVerdict.class)
class FallocateTest {
    static final int MIB = 1 << 20;
    /** Prints each data extent as START-END, then SEEK_HOLE from 0 and SEEK_DATA from 4096. */
    static final String SEEK_MAP = """
            import os, sys
            fd = os.open(sys.argv[1], os.O_RDONLY)
            size, off, extents = os.fstat(fd).st_size, 0, []
            while off < size:
                try:
                    data = os.lseek(fd, off, os.SEEK_DATA)
                except OSError:
                    break
                off = os.lseek(fd, data, os.SEEK_HOLE)
                extents.append('%d-%d' % (data, off))
            print(' '.join(extents))
            print(os.lseek(fd, 0, os.SEEK_HOLE), os.lseek(fd, 4096, os.SEEK_DATA))
            """;
    static final List<List<String>> STEPS = List.of(
            List.of("-l", "2MiB"),
            List.of("-n", "-o", "2MiB", "-l", "1MiB"),
            List.of("-p", "-o", "4096", "-l", "8192"),
            List.of("-z", "-o", "65536", "-l", "4096"));

    @TempDir Path tmp;
    Path lower;
    byte[] data;
    final List<Stack> stacks = new ArrayList<>();

    @BeforeEach
    void layer() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        data = new byte[MIB];
        new Random(6).nextBytes(data);
        Files.write(lower.resolve("f"), data);
    }

    @AfterEach
    void unmount() {
        stacks.forEach(Stack::close);
    }

    /** What a program sees of the steps on one file. */
    record Seen(List<String> steps, long allocatedPastTheEnd, String extents, String seekHoleSeekData, byte[] content) {
        /** All but the allocation, which depends on how the file was copied up. */
        String comparable() {
            return String.join("\n", steps) + "\nextents " + extents + "\nSEEK_HOLE(0) SEEK_DATA(4096) " + seekHoleSeekData
                    + "\ncontent " + Arrays.hashCode(content);
        }
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void everyModeWorksOnALowerAndANewFile(Fs fs) throws Exception {
        Stack stack = mount(fs);
        byte[] expected = Arrays.copyOf(data, 2 * MIB);
        Arrays.fill(expected, 4096, 4096 + 8192, (byte) 0);
        Arrays.fill(expected, 65536, 65536 + 4096, (byte) 0);
        for (String name : List.of("f", "new")) {
            Seen seen = steps(stack, name);
            assertEquals(List.of("-l 2MiB: exit 0, size 2097152", "-n -o 2MiB -l 1MiB: exit 0, size 2097152",
                    "-p -o 4096 -l 8192: exit 0, size 2097152", "-z -o 65536 -l 4096: exit 0, size 2097152"), seen.steps(),
                    fs + ", " + name);
            assertTrue(seen.allocatedPastTheEnd() >= 3 * MIB, fs + ", " + name + ": -n allocated past the end: "
                    + seen.allocatedPastTheEnd() + " bytes");
            assertEquals("4096 12288", seen.seekHoleSeekData(), fs + ", " + name + ": the punched hole, by SEEK_HOLE and SEEK_DATA");
            assertArrayEquals(expected, seen.content(), fs + ", " + name + ": the bytes");
        }
    }

    @Test
    void jfsGivesTheKernelsResults() throws Exception {
        Stack kernel = mount(Fs.KERNEL), jfs = mount(Fs.JFS);
        for (String name : List.of("f", "new")) {
            assertEquals(steps(kernel, name).comparable(), steps(jfs, name).comparable(), name + ": jfs (below) and the kernel's overlayfs (above)");
        }
    }

    private Stack mount(Fs fs) throws Exception {
        Stack s = Stack.mount(fs, tmp, lower);
        stacks.add(s);
        Files.write(s.path("new"), data);
        return s;
    }

    private static Seen steps(Stack stack, String name) throws Exception {
        Path f = stack.path(name);
        List<String> steps = new ArrayList<>();
        long allocated = -1;
        for (List<String> step : STEPS) {
            List<String> cmd = new ArrayList<>(List.of("fallocate"));
            cmd.addAll(step);
            cmd.add(f.toString());
            Result r = run(cmd);
            String err = r.err().isBlank() ? "" : " (" + r.err().replace(f.toString(), name).strip() + ")";
            steps.add(String.join(" ", step) + ": exit " + r.exit() + err + ", size " + Files.size(f));
            if (step.get(0).equals("-n")) allocated = 512 * Posix.lstat(f.toString()).blocks();
        }
        String[] map = Processes.python(SEEK_MAP, f.toString()).out().split("\n");
        return new Seen(steps, allocated, map[0], map.length > 1 ? map[1] : "", Files.readAllBytes(f));
    }
}
