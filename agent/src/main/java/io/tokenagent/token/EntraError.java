package io.tokenagent.token;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tokenagent.config.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Entra ID's answer other than 200, as one failed attempt. Its body is
 * {@code {"error","error_description","error_codes","trace_id","correlation_id"}}; the message keeps the
 * {@code error}, the first line of {@code error_description} (the {@code AADSTS} code and text; the next lines
 * repeat the trace and correlation ids and a timestamp) and the {@code correlation_id}, which is what Microsoft's
 * support asks for. Nothing else of the body is quoted. Retried: 408, 429 and 5xx, after what {@code Retry-After}
 * asks for; never 400 or 401 (a wrong secret, assertion or scope does not get better).
 */
final class EntraError {

    private EntraError() {
    }

    static AttemptFailure of(EndpointCall.Response response, long nowMillis) {
        return new AttemptFailure("HTTP " + response.status + " " + describe(response.body),
                isRetryable(response.status), false,
                StatusFailure.retryAfterMillis(response.header("Retry-After"), nowMillis));
    }

    static boolean isRetryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** {@code invalid_client: AADSTS7000215: Invalid client secret provided. (correlation id …)}. */
    static String describe(String body) {
        String error = null;
        String description = null;
        String correlation = null;
        try {
            JsonParser parser = JsonText.parser(body);
            try {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return notJson(body);
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.getCurrentName();
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                        parser.skipChildren();
                    } else if (value == JsonToken.VALUE_STRING) {
                        if (name.equals("error")) {
                            error = parser.getText();
                        } else if (name.equals("error_description")) {
                            description = firstLine(parser.getText());
                        } else if (name.equals("correlation_id")) {
                            correlation = parser.getText();
                        }
                    }
                }
            } finally {
                parser.close();
            }
        } catch (IOException e) {
            return notJson(body);
        }
        if (error == null && description == null) {
            return "(a JSON body without error or error_description: " + size(body) + ")";
        }
        String text = error == null ? description : description == null ? error : error + ": " + description;
        return TokenResponseParser.excerpt(text)
                + (correlation == null ? "" : " (correlation id " + TokenResponseParser.excerpt(correlation) + ")");
    }

    private static String firstLine(String text) {
        int end = 0;
        while (end < text.length() && text.charAt(end) != '\r' && text.charAt(end) != '\n') {
            end++;
        }
        return text.substring(0, end).trim();
    }

    private static String notJson(String body) {
        return body.trim().isEmpty() ? "(empty body)" : "(a body that is not a JSON object: " + size(body) + ")";
    }

    private static String size(String body) {
        return body.getBytes(StandardCharsets.UTF_8).length + " bytes";
    }
}
