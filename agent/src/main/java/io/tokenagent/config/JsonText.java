package io.tokenagent.config;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.TokenStreamFactory;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.ReaderBasedJsonParser;
import com.fasterxml.jackson.core.sym.CharsToNameCanonicalizer;
import com.fasterxml.jackson.core.util.BufferRecycler;

/**
 * Jackson's streaming parser for JSON text (the configuration file, a token endpoint's answer), made without a
 * {@code JsonFactory}: loading and verifying the factory's class pulls in its generators, its byte, data-input
 * and non-blocking parsers and their tables, some 30 classes and ~50 ms of every start, where a parser of text
 * needs none of them. The limits are the factory's defaults ({@link StreamReadConstraints#defaults()}); field
 * names are neither canonicalised nor interned (nothing here reads enough of them to gain), and a location in an
 * error never quotes the text.
 */
public final class JsonText {

    private JsonText() {
    }

    public static JsonParser parser(String text) {
        IOContext context = new IOContext(StreamReadConstraints.defaults(), StreamWriteConstraints.defaults(),
                ErrorReportConfiguration.defaults(), new BufferRecycler(), ContentReference.redacted(), true);
        char[] chars = text.toCharArray();
        return new ReaderBasedJsonParser(context, JsonParser.Feature.collectDefaults(), null, null,
                CharsToNameCanonicalizer.createRoot((TokenStreamFactory) null).makeChild(), chars, 0, chars.length,
                false);
    }
}
