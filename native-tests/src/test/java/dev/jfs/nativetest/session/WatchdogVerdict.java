package dev.jfs.nativetest.session;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Makes a fired {@link Watchdog} the reason a test failed: what the test saw then (ECONNABORTED,
 * "Software caused connection abort") is only the consequence of the hang.
 */
public final class WatchdogVerdict implements BeforeEachCallback, TestExecutionExceptionHandler, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        Watchdog.takeFired(); // a watchdog of an earlier test is that test's failure, not this one's
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        String why = Watchdog.takeFired();
        if (why != null) throw new AssertionError(why, thrown);
        throw thrown;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        String why = Watchdog.takeFired();
        if (why != null) throw new AssertionError(why);
    }
}
