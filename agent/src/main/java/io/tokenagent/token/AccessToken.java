package io.tokenagent.token;

import java.nio.charset.StandardCharsets;

/**
 * An access token and when it stops being valid. {@link #toString()} never shows the token: logs use
 * {@link #fingerprint()}.
 */
public final class AccessToken {

    private final String value;
    private final long obtainedAtMillis;
    private final long expiresAtMillis;
    private final long refreshInMillis;

    /**
     * @param refreshInMillis the endpoint's own advice on when to refresh, relative to {@code obtainedAtMillis}
     *     ({@code refresh_in}), or -1 when it gave none
     */
    public AccessToken(String value, long obtainedAtMillis, long expiresAtMillis, long refreshInMillis) {
        this.value = value;
        this.obtainedAtMillis = obtainedAtMillis;
        this.expiresAtMillis = expiresAtMillis;
        this.refreshInMillis = refreshInMillis;
    }

    public String value() {
        return value;
    }

    public long obtainedAtMillis() {
        return obtainedAtMillis;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    public long refreshInMillis() {
        return refreshInMillis;
    }

    public long lifetimeMillis() {
        return expiresAtMillis - obtainedAtMillis;
    }

    /** A short, stable, non-reversible name for the token, safe to log: the first 8 hex digits of its SHA-256. */
    public String fingerprint() {
        return fingerprint(value);
    }

    /**
     * {@link #fingerprint()} as a log argument, worked out only if the line is written: most such lines are below the
     * level, and a SHA-256 of a 1.5 KB token is some 25 blocks of work in a JVM that has not compiled it yet.
     */
    public Object fingerprintForLog() {
        return new Object() {
            /** Worked out once: a line's message and its JSON field both ask. */
            private String fingerprint;

            @Override
            public String toString() {
                if (fingerprint == null) {
                    fingerprint = fingerprint();
                }
                return fingerprint;
            }
        };
    }

    public static String fingerprint(String secret) {
        byte[] digest = Sha256.digest(secret.getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder("sha256:");
        for (int i = 0; i < 4; i++) {
            sb.append(Character.forDigit((digest[i] >> 4) & 0xf, 16)).append(Character.forDigit(digest[i] & 0xf, 16));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "AccessToken[" + fingerprint() + ", expiresAt=" + expiresAtMillis + "]";
    }
}
