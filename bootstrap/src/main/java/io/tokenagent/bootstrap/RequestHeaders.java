package io.tokenagent.bootstrap;

import java.util.List;

/**
 * How one client reads and takes off a request's headers: all a hook supplies to {@link HeaderPolicy}.
 * Implementations wrap one request and live for one call.
 */
public interface RequestHeaders {

    /** The values of every header of that name (case-insensitive) on the request; empty for none. */
    List<String> values(String name) throws Exception;

    /** Takes every header of that name off the request. */
    void remove(String name) throws Exception;
}
