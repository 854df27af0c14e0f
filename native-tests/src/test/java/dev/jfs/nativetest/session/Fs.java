package dev.jfs.nativetest.session;

/** Which filesystem serves a stack: jfs, or the kernel's overlayfs as the control that says what is right. */
public enum Fs {
    KERNEL("kernel"),
    JFS("jfs");

    private final String shown;

    Fs(String shown) {
        this.shown = shown;
    }

    @Override
    public String toString() {
        return shown;
    }
}
