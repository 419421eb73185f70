package io.tokenagent.matching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostsTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "localhost, true", "LOCALHOST., true", "127.0.0.1, true", "127.1.2.3, true", "[::1], true", "::1, true",
        "127.0.0.1.evil.com, false", "128.0.0.1, false", "example.com, false", "10.0.0.1, false",
        "127.0.0.256, false",
    })
    void knowsLoopback(String host, boolean loopback) {
        assertEquals(loopback, Hosts.isLoopback(host));
    }
}
