package dev.jfs.nativetest.session;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a test of one mounted stack holds: its temporary directory, its lower layer, and the
 * stack mounted on it (jfs or the kernel's overlayfs), unmounted after each test. A hung mount is
 * aborted by its watchdog and named as the test's failure.
 */
@ExtendWith(WatchdogVerdict.class)
abstract class StackTest {
    @TempDir Path tmp;
    Path lower;
    Stack stack;

    @AfterEach
    void unmount() {
        if (stack != null) stack.close();
    }
}
