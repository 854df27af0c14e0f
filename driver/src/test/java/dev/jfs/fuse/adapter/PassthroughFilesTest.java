package dev.jfs.fuse.adapter;

import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.posix.Errno;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules by which opens of one kernel inode agree on passthrough, against a fake kernel. */
class PassthroughFilesTest {
    /** Descriptors are open on files named by {@link #fileOf}; registration answers {@link #answer}. */
    static final class FakeKernel implements PassthroughFiles.Backings {
        final Map<Integer, String> fileOf = new HashMap<>();
        final Map<String, Long> changed = new HashMap<>();
        final List<Integer> registered = new ArrayList<>();
        final List<Integer> unregistered = new ArrayList<>();
        int answer = 0; // 0: the next free id
        int nextId = 1;

        @Override
        public int register(int fd) {
            if (answer != 0) return answer;
            registered.add(fd);
            return nextId++;
        }

        @Override
        public void unregister(int backingId) {
            unregistered.add(backingId);
        }

        @Override
        public PassthroughFiles.Seen see(int fd) {
            return new PassthroughFiles.Seen(fileOf.get(fd), changed.getOrDefault(fileOf.get(fd), 0L));
        }
    }

    final FakeKernel kernel = new FakeKernel();
    final PassthroughFiles files = new PassthroughFiles(kernel, true);
    final Map<Long, FsNode> nodes = new HashMap<>();

    FsNode node(long id) {
        return nodes.computeIfAbsent(id, k -> new FsNode(k, k, 0100000));
    }

    @Test
    void opensOfTheSameFileShareOneBackingFileUntilTheLastRelease() {
        kernel.fileOf.put(10, "upper/a");
        kernel.fileOf.put(11, "upper/a");
        kernel.fileOf.put(12, "upper/a");
        int id = files.opened(node(5), 10, true);
        assertTrue(id > 0);
        assertEquals(id, files.opened(node(5), 11, false), "a reader of the same file passes through too");
        assertEquals(id, files.opened(node(5), 12, true));
        assertEquals(List.of(10), kernel.registered, "registered once");
        files.released(node(5));
        files.released(node(5));
        assertEquals(List.of(), kernel.unregistered);
        files.released(node(5));
        assertEquals(List.of(id), kernel.unregistered, "freed with the last open");
        assertEquals(0, files.openInodes());
    }

    @Test
    void theLastReleaseOfWritersThatChangedTheFileIsTold() {
        kernel.fileOf.put(30, "upper/c");
        kernel.fileOf.put(31, "upper/c");
        kernel.fileOf.put(33, "upper/c");
        kernel.changed.put("upper/c", 100L);
        assertTrue(files.opened(node(8), 30, true, false) > 0);
        assertTrue(files.opened(node(8), 31, true, true) > 0);
        assertTrue(files.opened(node(8), 33, true, true) > 0);
        kernel.changed.put("upper/c", 200L); // a store through a mapping
        assertFalse(files.released(node(8), 30, false), "a reader");
        assertFalse(files.released(node(8), 31, true), "one writer of two");
        assertTrue(files.released(node(8), 33, true), "the last writer, the file changed");

        assertTrue(files.opened(node(8), 31, true, true) > 0);
        assertFalse(files.released(node(8), 31, true), "the last writer, the file as it was");

        kernel.fileOf.put(32, "lower/d");
        kernel.changed.put("lower/d", 100L);
        assertEquals(0, files.opened(node(9), 32, false, true));
        kernel.changed.put("lower/d", 200L);
        assertFalse(files.released(node(9), 32, true), "a cached writer: its writes came through jfs");
    }

    @Test
    void anInodeFirstOpenedCachedStaysCachedWhileAnyOpenLasts() {
        kernel.fileOf.put(20, "lower/b");
        kernel.fileOf.put(21, "upper/b");
        assertEquals(0, files.opened(node(7), 20, false), "a lower file read: cached");
        assertEquals(0, files.opened(node(7), 21, true), "the kernel would refuse a passthrough beside a cached open");
        assertEquals(List.of(), kernel.registered);
        files.released(node(7));
        files.released(node(7));
        assertTrue(files.opened(node(7), 21, true) > 0, "once all are closed, the next open decides afresh");
    }

    @Test
    void anotherFileUnderAPassedThroughInodeIsNotPassedThrough() {
        kernel.fileOf.put(30, "upper/c");
        kernel.fileOf.put(31, "upper/other");
        int id = files.opened(node(9), 30, true);
        assertEquals(0, files.opened(node(9), 31, true));
        files.released(node(9));
        assertEquals(List.of(), kernel.unregistered, "still counted: one open left");
        files.released(node(9));
        assertEquals(List.of(id), kernel.unregistered);
    }

    @Test
    void withoutPrivilegeOrKernelSupportEveryLaterOpenIsCached() {
        kernel.fileOf.put(40, "upper/d");
        kernel.answer = -Errno.EPERM;
        assertEquals(0, files.opened(node(1), 40, true));
        assertFalse(files.enabled());
        kernel.answer = 0;
        files.released(node(1));
        assertEquals(0, files.opened(node(2), 40, true), "not asked again");
        assertEquals(List.of(), kernel.registered);
    }

    @Test
    void aFileOnAStackedFilesystemIsCachedAndOthersStillPassThrough() {
        kernel.fileOf.put(50, "overlay/e");
        kernel.fileOf.put(51, "upper/f");
        kernel.answer = -Errno.ELOOP;
        assertEquals(0, files.opened(node(1), 50, true));
        assertTrue(files.enabled());
        kernel.answer = 0;
        assertTrue(files.opened(node(2), 51, true) > 0);
    }

    @Test
    void releasesOfInodesNeverSeenOpenAreIgnored() {
        files.released(node(99));
        assertEquals(0, files.openInodes());
        assertEquals(List.of(), kernel.unregistered);
    }

    @Test
    void disabledNeverRegisters() {
        PassthroughFiles off = new PassthroughFiles(kernel, false);
        kernel.fileOf.put(60, "upper/g");
        assertEquals(0, off.opened(node(3), 60, true));
        assertEquals(List.of(), kernel.registered);
    }

    @Test
    void theCachedOpensRightAfterAPassthroughDropThePageCacheAndLaterOnesKeepIt() {
        kernel.fileOf.put(70, "upper/h");
        kernel.fileOf.put(71, "upper/h");
        assertEquals(0, files.opened(node(8), 71, false), "never passed through: keeps the cache");
        files.released(node(8));
        assertTrue(files.opened(node(8), 70, true) > 0);
        files.released(node(8));
        assertEquals(PassthroughFiles.DROP_CACHE, files.opened(node(8), 71, false),
                "passthrough writes went past the page cache");
        assertEquals(PassthroughFiles.DROP_CACHE, files.opened(node(8), 71, false), "so does every open of that run");
        files.released(node(8));
        files.released(node(8));
        assertEquals(0, files.opened(node(8), 71, false), "the cache is current once that run ended");
    }
}
