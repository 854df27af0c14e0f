package dev.jfs.transfer.registry;

import dev.jfs.UserError;
import dev.jfs.image.Digests;
import dev.jfs.image.MediaTypes;
import dev.jfs.transfer.http.HttpReply;
import dev.jfs.transfer.http.RequestBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The OCI distribution API for one repository: manifests by tag or digest, blobs, uploads and
 * cross-repository mounts. Bytes and JSON only; what they mean is the caller's.
 */
public final class RegistryClient {
    /** Every manifest type jfs reads, asked for in this order. */
    public static final String ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);
    private static final int MAX_MANIFEST = 4 << 20;

    private final RegistrySession session;
    private final String repository;
    private final String subject;

    /**
     * @param subject the reference as the user typed it, for error messages
     */
    public RegistryClient(RegistrySession session, String repository, String subject) {
        this.session = session;
        this.repository = repository;
        this.subject = subject;
    }

    public static RegistryClient forReference(ImageReference ref, RegistryOptions options) {
        return new RegistryClient(new RegistrySession(ref.host(), options, ref.repository()), ref.repository(), ref.toString());
    }

    public RegistrySession session() {
        return session;
    }

    public String repository() {
        return repository;
    }

    /** Asks the next token to cover pushing here (and pulling from {@code mountFrom} repositories). */
    public void wantPush(Iterable<String> mountFrom) {
        session.authorizer().want("repository:" + repository + ":pull,push");
        for (String r : mountFrom) if (!r.equals(repository)) session.authorizer().want("repository:" + r + ":pull");
    }

    /** A manifest or index as the registry sent it. */
    public record Fetched(byte[] bytes, String mediaType, String digest) {}

    /**
     * The manifest at {@code reference} (a tag or digest). Its digest is computed from the bytes
     * and must equal the digest asked for, and the one the registry says
     * ({@code Docker-Content-Digest}), if any.
     */
    public Fetched manifest(String reference) {
        RegistryCall call = RegistryCall.of("GET", path("manifests", reference)).header("Accept", ACCEPT);
        HttpReply r = session.send(call, subject);
        if (r.statusCode() != 200) throw RegistryErrors.of(subject, "GET manifest " + reference, r);
        byte[] bytes = r.bytes();
        if (bytes.length > MAX_MANIFEST) throw new UserError(subject + ": the manifest is larger than 4 MiB");
        String digest = Digests.sha256(bytes);
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw new UserError(subject + ": the registry sent a manifest whose digest is " + digest + ", not " + reference);
        }
        String said = r.headers().firstValue("Docker-Content-Digest").orElse(null);
        if (said != null && said.startsWith("sha256:") && !said.equals(digest)) {
            throw new UserError(subject + ": the registry sent a manifest whose digest is " + digest + ", not " + said + " as it says");
        }
        String type = r.headers().firstValue("Content-Type").orElse("").replaceFirst(";.*", "").trim();
        return new Fetched(bytes, type, digest);
    }

    /** The digest of the manifest at {@code reference} (HEAD), or null if there is none. */
    public String manifestDigest(String reference) {
        RegistryCall call = RegistryCall.of("HEAD", path("manifests", reference)).header("Accept", ACCEPT);
        HttpReply r = session.send(call, subject);
        if (r.statusCode() == 404) return null;
        if (r.statusCode() != 200) throw RegistryErrors.of(subject, "HEAD manifest " + reference, r);
        return r.headers().firstValue("Docker-Content-Digest").orElse(null);
    }

    /** Uploads a manifest under {@code reference} (a tag, or its digest); returns its digest. */
    public String putManifest(String reference, String mediaType, byte[] bytes) {
        RegistryCall call = RegistryCall.of("PUT", path("manifests", reference)).header("Content-Type", mediaType)
                .body(RequestBody.of(bytes), RegistryCall.METADATA_TIMEOUT);
        HttpReply r = session.send(call, subject);
        if (r.statusCode() != 201 && r.statusCode() != 200) throw RegistryErrors.of(subject, "PUT manifest " + reference, r);
        return Digests.sha256(bytes);
    }

    /** Whether the repository has the blob (HEAD). */
    public boolean hasBlob(String digest) {
        HttpReply r = session.send(RegistryCall.of("HEAD", path("blobs", digest)), subject);
        if (r.statusCode() == 200) return true;
        if (r.statusCode() == 404) return false;
        throw RegistryErrors.of(subject, "HEAD blob " + digest, r);
    }

    /** A blob's bytes, as the registry (or the storage it redirects to) sends them; the caller checks the digest. */
    public record BlobStream(InputStream in, long length) {}

    public BlobStream openBlob(String digest) {
        RegistryCall call = RegistryCall.of("GET", path("blobs", digest));
        HttpReply r = session.sendStreaming(call, subject);
        if (r.statusCode() != 200) throw RegistryErrors.of(subject, "GET blob " + digest, r);
        return new BlobStream(r.body(), r.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    /**
     * Mounts {@code digest} from another repository of this registry: true if the registry did.
     * A registry that cannot (or has no such blob there) may start an upload instead, which is
     * then used for the upload.
     */
    public Upload startUpload(String digest, String mountFrom) {
        String query = mountFrom == null || mountFrom.equals(repository) ? ""
                : "?mount=" + enc(digest) + "&from=" + enc(mountFrom);
        RegistryCall call = RegistryCall.of("POST", "/v2/" + repository + "/blobs/uploads/" + query);
        HttpReply r = session.send(call, subject);
        if (r.statusCode() == 201 && !query.isEmpty()) return null;
        if (r.statusCode() != 202) throw RegistryErrors.of(subject, "POST blob upload", r);
        return new Upload(location(r));
    }

    /** An upload session the registry opened: its Location. */
    public final class Upload {
        private String location;

        private Upload(String location) {
            this.location = location;
        }

        /**
         * Sends the blob and finishes the upload: in one PUT up to the chunk size, in PATCH
         * requests of the chunk size above it, then a PUT with the digest.
         */
        public void send(String digest, long size, BlobSource source, long chunkSize) {
            if (size <= chunkSize) {
                put(digest, slice(source, 0, size), size);
                return;
            }
            for (long offset = 0; offset < size; offset += chunkSize) {
                long n = Math.min(chunkSize, size - offset);
                RegistryCall call = RegistryCall.of("PATCH", location).header("Content-Type", "application/octet-stream")
                        .header("Content-Range", offset + "-" + (offset + n - 1))
                        .body(slice(source, offset, n), null);
                HttpReply r = session.send(call, subject);
                if (r.statusCode() != 202) throw RegistryErrors.of(subject, "PATCH blob " + digest, r);
                location = location(r);
            }
            put(digest, null, 0);
        }

        private void put(String digest, RequestBody body, long size) {
            String sep = location.contains("?") ? "&" : "?";
            RegistryCall call = RegistryCall.of("PUT", location + sep + "digest=" + enc(digest))
                    .header("Content-Type", "application/octet-stream").body(body, null);
            HttpReply r = session.send(call, subject);
            if (r.statusCode() != 201) throw RegistryErrors.of(subject, "PUT blob " + digest + " (" + size + " bytes)", r);
        }
    }

    /** Where a blob's bytes come from: a stream from the start, read again if a request is retried. */
    @FunctionalInterface
    public interface BlobSource {
        InputStream open() throws IOException;
    }

    /** {@code length} bytes from {@code offset} of the source, readable more than once. */
    private static RequestBody slice(BlobSource source, long offset, long length) {
        return new RequestBody() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public InputStream open() throws IOException {
                InputStream in = source.open();
                in.skipNBytes(offset);
                return new BoundedInputStream(in, length);
            }
        };
    }

    private String location(HttpReply r) {
        String loc = r.headers().firstValue("Location").orElseThrow(
                () -> new UserError(subject + ": the registry opened an upload without a Location"));
        return r.uri().resolve(URI.create(loc)).toString();
    }

    private String path(String kind, String reference) {
        return "/v2/" + repository + "/" + kind + "/" + reference;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** At most {@code limit} bytes of a stream; closing it closes the stream. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }
}
