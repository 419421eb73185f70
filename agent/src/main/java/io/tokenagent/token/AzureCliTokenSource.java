package io.tokenagent.token;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tokenagent.config.ConfigException;
import io.tokenagent.config.Identity;
import io.tokenagent.config.JsonText;
import io.tokenagent.config.TokenRequest;
import io.tokenagent.logging.Logs;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The signed-in Azure CLI account, for a developer running an application locally: {@code az account
 * get-access-token --resource <r> [--tenant <t>] -o json} ({@code --scope} for a scope that is not a
 * {@code .default} one), {@code --tenant} from {@code AZURE_TENANT_ID} when set. Used only when named
 * ({@code source=azurecli}). {@code az} is found on {@code PATH} when the source is built, run without a shell,
 * and killed when it runs past the retry budget. Its output holds the token and is never logged or quoted; on
 * failure the error carries the first line of its stderr.
 */
final class AzureCliTokenSource implements TokenSource {

    private static final Logger log = Logs.get(AzureCliTokenSource.class);
    static final int MAX_OUTPUT_BYTES = 64 * 1024;
    /** What the Azure SDKs let through to the CLI's command line (on Windows, az.cmd goes through cmd.exe). */
    private static final String SAFE_AUDIENCE = "[0-9A-Za-z._:/-]+";
    private static final String SAFE_TENANT = "[0-9A-Za-z.-]+";
    /** {@code expiresOn}: the CLI's local time, with microseconds. */
    private static final DateTimeFormatter LOCAL_TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd().toFormatter(Locale.ROOT);

    private final File az;
    private final String tenant;
    private final long timeoutMillis;
    private final LongSupplier clock;
    private final String chosenBy;

    AzureCliTokenSource(SourceContext context) throws ConfigException {
        boolean windows = String.valueOf(context.systemProperty("os.name")).startsWith("Windows");
        this.az = onPath(windows ? "az.cmd" : "az", context.env("PATH"));
        String tenantId = context.env("AZURE_TENANT_ID");
        if (tenantId != null && !tenantId.trim().matches(SAFE_TENANT)) {
            throw new ConfigException("environment variable AZURE_TENANT_ID", "\"" + tenantId + "\" is not a tenant "
                    + "id or domain (letters, digits, '.' and '-' only)");
        }
        this.tenant = tenantId == null ? null : tenantId.trim();
        this.timeoutMillis = context.config().retryTimeoutMillis();
        this.clock = context.clock();
        this.chosenBy = context.chosenBy();
    }

    private static File onPath(String name, String path) throws ConfigException {
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                File candidate = new File(dir.isEmpty() ? "." : dir, name);
                if (!dir.isEmpty() && candidate.isFile() && candidate.canExecute()) {
                    return candidate;
                }
            }
        }
        throw new ConfigException("source azurecli", name + " is not on PATH: install the Azure CLI and run az login");
    }

    @Override
    public String unsupported(TokenRequest request) {
        if (request.identity().kind() != Identity.Kind.SYSTEM_ASSIGNED) {
            return request.identity() + " names a managed identity, but the azurecli source gets tokens for the "
                    + "account signed in to the Azure CLI only: remove the selector";
        }
        if (request.authority() != null) {
            return "authority cannot be given per rule with the azurecli source: set AZURE_TENANT_ID for --tenant";
        }
        String audience = request.resource() != null ? request.resource() : request.scope();
        if (!audience.matches(SAFE_AUDIENCE)) {
            return "\"" + audience + "\" has a character the azurecli source does not pass to az (letters, digits "
                    + "and . _ : / - only)";
        }
        return null;
    }

    @Override
    public String describe() {
        return "Azure CLI " + az + (tenant == null ? "" : " (tenant " + tenant + ")") + chosenBy;
    }

    /** The run and the reading of its output share one deadline; a second more for killing a run past it. */
    @Override
    public long maxFetchMillis() {
        return timeoutMillis + 1000;
    }

    @Override
    public AccessToken fetch(TokenRequest request) throws TokenException {
        List<String> command = new ArrayList<String>();
        command.add(az.getPath());
        command.add("account");
        command.add("get-access-token");
        if (request.resource() != null) {
            command.add("--resource");
            command.add(request.resource());
        } else {
            command.add("--scope");
            command.add(request.scope());
        }
        if (tenant != null) {
            command.add("--tenant");
            command.add(tenant);
        }
        command.add("-o");
        command.add("json");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(az.getParentFile()).start();
        } catch (IOException e) {
            throw new TokenException(describe() + ": cannot run it: " + e.getMessage() + " (" + request + ")", false);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // az reads nothing from stdin
        }
        Drain stdout = Drain.start(process.getInputStream());
        Drain stderr = Drain.start(process.getErrorStream());
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)
                    || !stdout.await(deadline) || !stderr.await(deadline)) {
                process.destroyForcibly();
                throw new TokenException(describe() + ": az did not finish within " + timeoutMillis
                        + " ms (retry_timeout_ms) (" + request + ")", true);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TokenException(describe() + ": interrupted while az ran (" + request + ")", true);
        }
        if (process.exitValue() != 0) {
            throw new TokenException(describe() + ": az exited with " + process.exitValue() + ": "
                    + firstLine(stderr.text()) + " (" + request + ")", false);
        }
        AccessToken token = parse(stdout.text(), request);
        log.debug("{}: token for {}, expires in {} s, {}", describe(), request,
                (token.expiresAtMillis() - token.obtainedAtMillis()) / 1000, token.fingerprintForLog());
        return token;
    }

    private static String firstLine(String text) {
        for (String line : text.split("\r?\n")) {
            if (!line.trim().isEmpty()) {
                return TokenResponseParser.excerpt(line.trim());
            }
        }
        return "(nothing on stderr)";
    }

    /** {@code accessToken} and {@code expires_on} (epoch seconds, newer CLIs) or {@code expiresOn} (local time). */
    private AccessToken parse(String output, TokenRequest request) throws TokenException {
        String value = null;
        String expiresOn = null;
        String localExpiry = null;
        try {
            JsonParser parser = JsonText.parser(output);
            try {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw unexpected(output, request);
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.getCurrentName();
                    JsonToken field = parser.nextToken();
                    if (field == JsonToken.START_OBJECT || field == JsonToken.START_ARRAY) {
                        parser.skipChildren();
                    } else if (name.equals("accessToken")) {
                        value = parser.getText();
                    } else if (name.equals("expires_on")) {
                        expiresOn = parser.getText();
                    } else if (name.equals("expiresOn")) {
                        localExpiry = parser.getText();
                    }
                }
            } finally {
                parser.close();
            }
        } catch (IOException e) {
            throw unexpected(output, request);
        }
        if (value == null || value.isEmpty() || !isHeaderSafe(value)) {
            throw new TokenException(describe() + ": az printed no usable accessToken (" + request + ")", false);
        }
        long now = clock.getAsLong();
        long expiresAt = expiresAtMillis(expiresOn, localExpiry);
        if (expiresAt <= now) {
            throw new TokenException(describe() + ": az printed a token without a future expires_on or expiresOn ("
                    + request + ")", false);
        }
        return new AccessToken(value, now, expiresAt, -1);
    }

    private static long expiresAtMillis(String epochSeconds, String localTime) {
        if (epochSeconds != null && epochSeconds.trim().matches("[0-9]{1,12}")) {
            return Long.parseLong(epochSeconds.trim()) * 1000;
        }
        if (localTime != null) {
            try {
                return LocalDateTime.parse(localTime.trim(), LOCAL_TIME).atZone(ZoneId.systemDefault()).toInstant()
                        .toEpochMilli();
            } catch (DateTimeParseException notLocalTime) {
                return 0;
            }
        }
        return 0;
    }

    /** The token goes into a header as it is: visible ASCII only, as the endpoint parser insists too. */
    private static boolean isHeaderSafe(String token) {
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) < 0x21 || token.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private TokenException unexpected(String output, TokenRequest request) {
        return new TokenException(describe() + ": az printed no JSON object (" + output.length() + " characters) ("
                + request + ")", false);
    }

    /** Reads one of the process's streams to its end on a thread of its own, keeping at most 64 KB. */
    private static final class Drain implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Thread thread;

        private Drain(InputStream in) {
            this.in = in;
            this.thread = new Thread(this, "token-agent-azurecli");
            thread.setDaemon(true);
        }

        static Drain start(InputStream in) {
            Drain drain = new Drain(in);
            drain.thread.start();
            return drain;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    synchronized (out) {
                        if (out.size() + n <= MAX_OUTPUT_BYTES) {
                            out.write(buffer, 0, n);
                        }
                    }
                }
            } catch (IOException closed) {
                // the process was killed: what was read is all there is
            } finally {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // nothing more to read either way
                }
            }
        }

        /** Whether the stream ended by {@code deadlineNanos} (a child of az may still hold it open). */
        boolean await(long deadlineNanos) throws InterruptedException {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            return !thread.isAlive();
        }

        String text() {
            synchronized (out) {
                return new String(out.toByteArray(), StandardCharsets.UTF_8);
            }
        }
    }
}
