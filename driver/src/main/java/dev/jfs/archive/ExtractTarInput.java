package dev.jfs.archive;

import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * commons-compress's tar reader, watched for the end-of-archive marker. The reader returns "no
 * more entries" both for the zero block that ends a tar and for input that simply stops; only the
 * first is a whole archive, so the extractor asks {@link #sawEndMarker()} afterwards.
 */
final class ExtractTarInput extends TarArchiveInputStream {
    private boolean endMarker;

    ExtractTarInput(InputStream in) {
        super(in, false);
    }

    @Override
    protected boolean isEOFRecord(byte[] record) {
        boolean eof = super.isEOFRecord(record);
        if (eof && record != null) endMarker = true;
        return eof;
    }

    boolean sawEndMarker() {
        return endMarker;
    }
}
