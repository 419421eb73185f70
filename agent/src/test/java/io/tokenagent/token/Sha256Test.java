package io.tokenagent.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256Test {

    @Test
    void knownAnswers() {
        // FIPS 180-4 examples: one block, and a message whose padding takes a second block
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex(Sha256.digest(
                "abc".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", hex(Sha256.digest(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex(Sha256.digest(new byte[0])));
    }

    @Test
    void sameAsTheJdksForEveryLengthAroundTheBlockEdges() throws Exception {
        Random random = new Random(14);
        for (int length = 0; length <= 300; length++) {
            byte[] message = new byte[length];
            random.nextBytes(message);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(message), Sha256.digest(message),
                    "length " + length);
        }
        byte[] token = new byte[1 << 16];
        random.nextBytes(token);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(token), Sha256.digest(token));
    }

    @Test
    void theFingerprintIsTheDigestsFirstFourBytes() throws Exception {
        String token = "eyJ0eXAiOiJKV1Qi.payload.signature";
        byte[] jdk = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        assertEquals("sha256:" + hex(jdk).substring(0, 8), AccessToken.fingerprint(token));
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
