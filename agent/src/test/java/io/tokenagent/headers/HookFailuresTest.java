package io.tokenagent.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenagent.config.OnFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HookFailuresTest {

    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private List<String> warnings() {
        return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("token-agent: WARN"))
                .toList();
    }

    private HookFailures failures(OnFailure onFailure) {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        return new HookFailures(onFailure);
    }

    @AfterEach
    void restore() {
        System.setErr(stderr);
    }

    @Test
    void oneWarningPerHookAndCauseNamingTheClassNeverTheMessage() {
        HookFailures failures = failures(OnFailure.PROCEED);
        for (int i = 0; i < 3; i++) {
            failures.report("okhttp", true, new IllegalStateException("Bearer secret-token"));
        }
        failures.report("okhttp", true, new NullPointerException());
        failures.report("jetty", true, new IllegalStateException("x"));

        List<String> warnings = warnings();
        assertEquals(3, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("token-agent: WARN okhttp: the hook failed "
                + "(java.lang.IllegalStateException at "), warnings.get(0));
        assertTrue(warnings.get(0).contains("the request goes on as without the agent"), warnings.get(0));
        assertFalse(captured.toString(StandardCharsets.UTF_8).contains("secret-token"));
    }

    @Test
    void underFailAMatchedRequestGetsTheErrorAndAnUnmatchedOneGoesOn() {
        HookFailures failures = failures(OnFailure.FAIL);

        IOException error = failures.report("netty", true, new IllegalStateException("x"));
        assertNotNull(error);
        assertTrue(error.getMessage().startsWith("token-agent: netty failed before the header was set"),
                error.getMessage());
        assertNull(failures.report("netty", false, new IllegalStateException("x")));
        assertNull(failures(OnFailure.PROCEED).report("netty", true, new IllegalStateException("x")));
    }
}
