package dev.jfs.nativetest.mount;

import static dev.jfs.nativetest.CliProcess.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing a directory hands the kernel every name with its attributes (READDIRPLUS), so stat-ing the names afterwards costs no LOOKUP round trip, and
 * the attributes so handed over are the union's: the upper's copy over the lower's, no
 * whited-out name, inode numbers that stay those of the origin.
 */
class ReaddirPlusTest {
    static final int FILES = 300;
    @TempDir Path tmp;

    @Test
    void aListedDirectoryIsStatWithoutLookupsAndShowsTheUnion() throws Exception {
        requireRootAndFuse();
        Path lower = Files.createDirectories(tmp.resolve("lower/d"));
        for (int i = 0; i < FILES; i++) Files.write(lower.resolve(String.format("f%03d", i)), new byte[i]);
        Path upper = tmp.resolve("upper"), work = tmp.resolve("work");
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        List<String> mount = List.of("--lower", tmp.resolve("lower").toString(), "--upper", upper.toString(),
                "--work", work.toString(), mnt.toString());

        // Change the union through a first mount: a copy-up, a deletion, a new file.
        assertEquals(0, jfsmount(mount.toArray(String[]::new)).exit());
        Files.write(mnt.resolve("d/f001"), new byte[999]);
        Files.delete(mnt.resolve("d/f002"));
        Files.write(mnt.resolve("d/new"), new byte[5]);
        assertEquals(0, jfs("umount", mnt.toString()).exit());

        // A fresh mount (an empty kernel cache) in the foreground, logging every request.
        Path log = tmp.resolve("debug.log");
        List<String> fg = new java.util.ArrayList<>(List.of("-f", "-o", "debug"));
        fg.addAll(mount);
        Process p = new ProcessBuilder(java("dev.jfs.cli.JfsMount", fg.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Map<String, String> seen = new TreeMap<>();
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.exists(mnt.resolve("d")) && System.nanoTime() < deadline) Thread.sleep(20);
            for (int pass = 0; pass < 2; pass++) { // the second listing finds the kernel holding every name
                try (Stream<Path> names = Files.list(mnt.resolve("d"))) {
                    for (Path f : (Iterable<Path>) names::iterator) {
                        Map<String, Object> a = Files.readAttributes(f, "unix:size,ino", LinkOption.NOFOLLOW_LINKS);
                        seen.put(f.getFileName().toString(), a.get("size") + " " + a.get("ino"));
                    }
                }
            }
        } finally {
            stopForeground(mnt, p);
        }

        assertEquals(FILES, seen.size(), "300 names, less the deleted one, plus the new one: " + seen.keySet());
        assertFalse(seen.containsKey("f002"), "the whited-out name is not listed");
        assertTrue(seen.get("f001").startsWith("999 "), "the upper's copy: " + seen.get("f001"));
        assertTrue(seen.get("new").startsWith("5 "), "the new file: " + seen.get("new"));
        for (int i : new int[] {0, 3, 150, 299}) {
            String name = String.format("f%03d", i);
            long lowerIno = (long) Files.getAttribute(lower.resolve(name), "unix:ino");
            assertEquals(i + " " + lowerIno, seen.get(name), name + ": the lower's size and inode");
        }
        long copiedIno = (long) Files.getAttribute(lower.resolve("f001"), "unix:ino");
        assertTrue(seen.get("f001").endsWith(" " + copiedIno), "a copied-up file keeps its origin's inode");

        String debug = Files.readString(log);
        int lookups = kernelLookups(debug);
        assertTrue(lookups < 10, "stat of " + FILES + " listed names, twice, took " + lookups + " LOOKUP round trips");
    }

    /** LOOKUPs the kernel sent, as the debug log shows them, once it has listed the directory. */
    static int kernelLookups(String debugLog) {
        Matcher m = Pattern.compile("(?m)^unique: (\\d+), opcode: (\\w+)").matcher(debugLog);
        int listings = 0, lookups = 0;
        while (m.find()) {
            if (m.group(2).equals("READDIRPLUS")) listings++;
            if (m.group(2).equals("LOOKUP")) lookups++;
        }
        assertTrue(listings > 0, "the listing reached the mount as READDIRPLUS");
        return lookups;
    }
}
