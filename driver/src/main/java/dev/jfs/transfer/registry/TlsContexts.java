package dev.jfs.transfer.registry;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** The TLS settings a registry connection may use. */
final class TlsContexts {
    private TlsContexts() {}

    /** The JDK's default: certificates checked against its CA store, host names against them. */
    static SSLContext verified() {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * {@code --tls-verify=false}: any certificate for any host. The host name check lives in the
     * JDK's own trust manager, so a trust manager of our own skips it too.
     */
    static SSLContext unverified() {
        return withTrust(new Trust(true));
    }

    /**
     * For a client that speaks plain http only: java.net.http wants a TLS context even then, and
     * the default one reads the JDK's CA store; this one trusts nothing and costs nothing to make.
     */
    static SSLContext unused() {
        return withTrust(new Trust(false));
    }

    private static SSLContext withTrust(TrustManager trust) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {trust}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context", e);
        }
    }

    private static final class Trust extends X509ExtendedTrustManager {
        private final boolean trustAll;

        Trust(boolean trustAll) {
            this.trustAll = trustAll;
        }

        private void check() throws CertificateException {
            if (!trustAll) throw new CertificateException("TLS is not used by this connection");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check();
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
