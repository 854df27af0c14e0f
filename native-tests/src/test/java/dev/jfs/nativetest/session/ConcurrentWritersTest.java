package dev.jfs.nativetest.session;

import static dev.jfs.nativetest.CliProcess.run;
import static org.junit.jupiter.api.Assertions.*;

import dev.jfs.nativetest.kernel.Operation;
import dev.jfs.posix.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Four writers on one mount, each in its own subtree doing a seeded random sequence of creates,
 * writes, appends, truncates, renames, links, unlinks, mkdirs, rmdirs, removals and re-creations
 * of trees, symlinks and chmods over three lowers, beside two walkers running {@code find -exec
 * stat} and {@code ls -lR} over the whole mount. Then the mount must answer, its tree must equal
 * the tree of a remount and of the kernel's overlayfs mounted on the same lowers and upper, and
 * each writer's list replayed alone on the kernel's overlayfs over the same lowers must give
 * every operation the same errno and end in the same tree (the subtrees are disjoint, so the
 * outcome does not depend on how the writers interleaved). A hung mount is aborted by the
 * watchdog and fails the test.
 * {@code -Djfs.session.seconds=N} runs longer, {@code -Djfs.session.seed=S} draws other operations.
 */
@ExtendWith(WatchdogVerdict.class)
class ConcurrentWritersTest {
    static final int WRITERS = 4;
    static final Duration RUN = Duration.ofSeconds(Long.getLong("jfs.session.seconds", 30));
    static final long SEED = Long.getLong("jfs.session.seed", 24);
    /** What every operation on a mount gets once its connection was aborted. */
    static final int ECONNABORTED = 103;
    static final List<String> WALKS = List.of("find '%s' -exec stat {} + >/dev/null 2>&1", "ls -lR '%s' >/dev/null 2>&1");

    @TempDir Path tmp;
    final List<Stack> stacks = new ArrayList<>();

    record Done(Operation op, int errno) {}

    @AfterEach
    void unmount() {
        stacks.forEach(Stack::close);
    }

    /**
     * The operations that name a path {@code op} names (or a directory above it), the last 40,
     * and those naming a path linked or renamed to or from one of those before: the other names
     * of a file, and the directories they were moved in, are part of what a request on it meets.
     */
    private static String touching(List<Done> earlier, Operation op) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String p : new String[] {op.path(), op.other()}) if (p != null) names.add(p);
        for (int before = 0; before != names.size(); ) { // until no link or rename adds a name
            before = names.size();
            for (Done d : earlier) {
                boolean relates = d.errno() == 0 && (d.op().kind().equals("link") || d.op().kind().equals("rename"));
                if (relates && names.stream().anyMatch(n -> mentions(d.op(), n))) {
                    names.add(d.op().path());
                    names.add(d.op().other());
                }
            }
        }
        List<String> hits = new ArrayList<>();
        for (int i = 0; i < earlier.size(); i++) {
            Done d = earlier.get(i);
            if (names.stream().anyMatch(n -> mentions(d.op(), n))) hits.add(i + ": " + d);
        }
        return String.join("\n", hits.subList(Math.max(0, hits.size() - 40), hits.size()));
    }

    private static boolean mentions(Operation op, String path) {
        for (String p : new String[] {op.path(), op.other()}) {
            if (p != null && (p.equals(path) || path.startsWith(p + "/"))) return true;
        }
        return false;
    }

    @ParameterizedTest
    @EnumSource(Fs.class)
    void writersAndWalkersOnOneMountEndInTheKernelsTree(Fs fs) throws Exception {
        List<Path> lowers = WriterLayers.make(tmp.resolve("layers"), WRITERS, SEED);
        Path dir = tmp.resolve(fs.toString());
        // The kernel's run only shows that these checks hold there; jfs's is the one that must not hang.
        Duration runFor = fs == Fs.KERNEL ? RUN.dividedBy(3) : RUN;
        Stack sut = stack(fs, lowers, dir.resolve("upper"), dir.resolve("work"), dir.resolve("mnt"))
                .mount(runFor.plusSeconds(90));

        List<List<Done>> done = writeAndWalk(sut, runFor);
        System.out.println(fs + ": " + summary(done));
        assertFalse(sut.aborted(), fs + ": the mount hung; the watchdog aborted it");
        var answer = run(List.of("timeout", "-s", "KILL", "20", "ls", "-lR", sut.mnt.toString()));
        assertEquals(0, answer.exit(), fs + ": the mount answers after the run: " + answer + daemonLog(sut));

        TreeMap<String, String> after = Snapshot.of(sut.mnt);
        sut.remount();
        assertSameTree(fs + " after the run", after, fs + " remounted", Snapshot.of(sut.mnt));
        sut.unmount();

        Stack kernelOnTheSameLayers = stack(Fs.KERNEL, lowers, sut.upper, dir.resolve("kernel-work"), dir.resolve("kernel-mnt"))
                .mount(Stack.DEADLINE);
        assertSameTree(fs + " after the run", after, "the kernel's overlayfs on the same layers",
                Snapshot.of(kernelOnTheSameLayers.mnt));
        kernelOnTheSameLayers.unmount();

        Stack replay = stack(Fs.KERNEL, lowers, tmp.resolve("replay/upper"), tmp.resolve("replay/work"), tmp.resolve("replay/mnt"))
                .mount(Stack.DEADLINE);
        for (int w = 0; w < WRITERS; w++) {
            List<Done> ops = done.get(w);
            for (int i = 0; i < ops.size(); i++) {
                Done d = ops.get(i);
                int kernel = d.op().applyTo(replay.mnt.toString());
                if (kernel != d.errno()) {
                    fail("writer " + w + ", operation " + i + ": " + d.op() + " gave errno " + d.errno() + " on " + fs
                            + ", " + kernel + " on the kernel's overlayfs replaying it alone; before it:\n"
                            + ops.subList(Math.max(0, i - 15), i).stream().map(Done::toString).collect(Collectors.joining("\n"))
                            + "\nearlier operations of this writer on the same names, or on names linked or renamed to or from them:\n"
                            + touching(ops.subList(0, i), d.op()));
                }
            }
        }
        assertSameTree("the kernel replaying each writer alone", Snapshot.of(replay.mnt), fs + " after the run", after);
    }

    private Stack stack(Fs fs, List<Path> lowers, Path upper, Path work, Path mnt) throws Exception {
        Stack s = new Stack(fs, lowers, upper, work, Files.createDirectories(mnt));
        stacks.add(s);
        return s;
    }

    /** The writers and the walkers, together for {@code runFor}; each writer's operations with their errno. */
    private List<List<Done>> writeAndWalk(Stack sut, Duration runFor) throws Exception {
        long end = System.nanoTime() + runFor.toNanos();
        AtomicBoolean gone = new AtomicBoolean(); // the daemon died: nothing more to learn from the run
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + WALKS.size());
        try {
            List<Future<List<Done>>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                WriterScript script = new WriterScript(SEED * 100 + w, "/w" + w);
                writers.add(pool.submit(() -> {
                    List<Done> done = new ArrayList<>();
                    while (System.nanoTime() < end && !sut.aborted() && !gone.get()) {
                        Operation op = script.next();
                        int errno = op.applyTo(sut.mnt.toString());
                        done.add(new Done(op, errno));
                        if (errno == Errno.ENOTCONN || errno == ECONNABORTED) gone.set(true);
                    }
                    return done;
                }));
            }
            List<Future<?>> walkers = new ArrayList<>();
            for (String walk : WALKS) {
                walkers.add(pool.submit(() -> {
                    ProcessBuilder pb = new ProcessBuilder("sh", "-c", String.format(walk, sut.mnt))
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
                    while (System.nanoTime() < end && !sut.aborted() && !gone.get()) pb.start().waitFor();
                    return null;
                }));
            }
            // Past the watchdog's deadline everything waiting on the mount has been let go.
            long patience = runFor.plusSeconds(150).toMillis();
            List<List<Done>> done = new ArrayList<>();
            for (Future<List<Done>> f : writers) done.add(f.get(patience, TimeUnit.MILLISECONDS));
            for (Future<?> f : walkers) f.get(patience, TimeUnit.MILLISECONDS);
            return done;
        } catch (TimeoutException e) {
            throw new AssertionError(sut.fs + ": writers or walkers still blocked after the watchdog's deadline", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The end of what the jfs daemon logged (its fatal errors among it). */
    private static String daemonLog(Stack s) {
        try {
            List<String> lines = Files.readAllLines(s.work.resolve("jfs.log"));
            return "\njfs.log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (Exception e) {
            return "";
        }
    }

    private static String summary(List<List<Done>> done) {
        Map<Integer, Long> errnos = done.stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(Done::errno, TreeMap::new, Collectors.counting()));
        return done.stream().mapToInt(List::size).sum() + " operations, by errno " + errnos;
    }

    private static void assertSameTree(String expectedName, Map<String, String> expected, String actualName,
            Map<String, String> actual) {
        if (!expected.equals(actual)) {
            fail(actualName + " differs from " + expectedName + ":" + Snapshot.diff(expectedName, expected, actualName, actual));
        }
    }
}
