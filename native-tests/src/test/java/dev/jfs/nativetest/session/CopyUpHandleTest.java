package dev.jfs.nativetest.session;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A descriptor opened read-only on a lower file, before another process opens the file for
 * writing (which copies it up) and changes it, reads the changed bytes from then on: as on the
 * kernel's overlayfs, whose read-only files follow the copy-up, not the lower file left behind.
 * The reader has read only the start of a large file when the writer changes bytes far from it,
 * so that what it reads there next is not in the page cache yet: it is read through its own
 * descriptor.
 */
class CopyUpHandleTest extends StackTest {
    static final int SIZE = 8 << 20, AT = 6 << 20, START = 1 << 16;
    byte[] original;

    @BeforeEach
    void layer() throws Exception {
        lower = Files.createDirectories(tmp.resolve("lower"));
        original = new byte[SIZE];
        Random rnd = new Random(4);
        for (int i = 0; i < SIZE; i++) original[i] = (byte) ('a' + rnd.nextInt(26)); // readable in a failure's message
        Files.write(lower.resolve("f"), original);
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void aReadOnlyDescriptorReadsWhatAnotherProcessWroteAfterOpeningIt(Fs fs) throws Exception {
        stack = Stack.mount(fs, tmp, lower);
        Path f = stack.path("f");
        try (FileChannel reader = FileChannel.open(f, StandardOpenOption.READ)) {
            assertArrayEquals(Arrays.copyOf(original, START), read(reader, 0, START), fs + ": the lower content first");
            // Another process, so that it is another open: it copies the file up and changes bytes in the middle and at the end.
            Processes.ok("sh", "-c", "printf 'CHANGED BY A WRITER' | dd of='" + f + "' bs=1 seek=" + AT + " conv=notrunc status=none"
                    + " && printf 'APPENDED' >> '" + f + "'");
            assertEquals(SIZE + 8, reader.size(), fs + ": fstat of the read-only descriptor shows the new size");
            assertEquals("CHANGED BY A WRITER", new String(read(reader, AT, 19)), fs + ": the read-only descriptor reads the new bytes");
            assertEquals("APPENDED", new String(read(reader, SIZE, 8)), fs + ": and the appended ones");
            assertArrayEquals(Arrays.copyOfRange(original, AT + 19, SIZE), read(reader, AT + 19, SIZE - AT - 19),
                    fs + ": and the old ones after them");
            assertArrayEquals(Arrays.copyOf(original, AT), read(reader, 0, AT), fs + ": and before them");
        }
        assertArrayEquals(original, Files.readAllBytes(lower.resolve("f")), "the lower is untouched");
    }

    private static byte[] read(FileChannel ch, long at, int length) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {}
        return Arrays.copyOf(b.array(), b.position());
    }
}
