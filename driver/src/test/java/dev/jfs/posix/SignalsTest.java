package dev.jfs.posix;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Reading a pending SIGKILL out of /proc/PID/status. */
class SignalsTest {
    static String status(String sigPnd, String shdPnd) {
        return "Name:\tcat\nState:\tD (disk sleep)\nSigQ:\t1/95000\nSigPnd:\t" + sigPnd + "\nShdPnd:\t" + shdPnd
                + "\nSigBlk:\t0000000000000100\nSigIgn:\t0000000000000000\n";
    }

    @Test
    void sigkillPendingForTheThreadOrTheProcessIsBeingKilled() {
        assertTrue(Signals.killPending(status("0000000000000100", "0000000000000000")));
        assertTrue(Signals.killPending(status("0000000000000000", "0000000000000100")));
        assertTrue(Signals.killPending(status("0000000000004102", "0000000000000000")), "among others");
    }

    @Test
    void otherSignalsOrOnlyBlockedOnesAreNot() {
        assertFalse(Signals.killPending(status("0000000000000000", "0000000000000000")), "SigBlk is not pending");
        assertFalse(Signals.killPending(status("0000000000000002", "0000000000000400")), "SIGINT with a handler, SIGUSR1");
        assertFalse(Signals.killPending(status("8000000000000000", "0000000000000000")), "signal 64");
    }

    @Test
    void aLiveProcessOrAMissingOneIsNot() {
        assertFalse(Signals.beingKilled((int) ProcessHandle.current().pid()));
        assertFalse(Signals.beingKilled(0));
        assertFalse(Signals.beingKilled(Integer.MAX_VALUE));
    }
}
