package io.tokenagent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON file named by {@code config} with Jackson's streaming parser (Databind would cost ~150 ms more
 * at every start). Scalars become {@link Setting}s in their text form, with their JSON kind; {@code rules}
 * becomes one map per rule. A key given twice in one object is an error, not "the last one wins".
 */
final class JsonConfigFile {

    final Map<String, Setting> settings = new LinkedHashMap<String, Setting>();
    final List<Map<String, Setting>> rules = new ArrayList<Map<String, Setting>>();

    private final String path;

    private JsonConfigFile(String path) {
        this.path = path;
    }

    static JsonConfigFile read(String path, String where) throws ConfigException {
        File file = new File(path);
        if (!file.isFile() || !file.canRead()) {
            throw new ConfigException(where, "cannot read " + path + (file.exists() ? "" : ": no such file"));
        }
        JsonConfigFile config = new JsonConfigFile(path);
        JsonParser parser = null;
        try {
            parser = JsonText.parser(utf8Text(file, path));
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ConfigException(path, "must hold one JSON object");
            }
            config.readTopLevel(parser);
            if (parser.nextToken() != null) {
                throw new ConfigException(at(path, parser.getCurrentLocation()), "text after the JSON object");
            }
            return config;
        } catch (JsonParseException e) {
            throw notJson(path, e);
        } catch (IOException e) {
            throw new ConfigException(where, "cannot read " + path + ": " + e.getMessage());
        } finally {
            close(parser);
        }
    }

    /**
     * The file as text: a JSON file is UTF-8 (RFC 8259), and the parser for a {@code String} is the one the token
     * response needs anyway, where the one for bytes would load a second parser and its encoding detection at start.
     * Read with a plain stream and checked by a round trip (malformed bytes decode to U+FFFD, which encodes back to
     * other bytes): {@code Files} and a {@code CharsetDecoder} load some 40 JDK classes that the JDK's shared archive
     * does not hold, ~10 ms of every start.
     */
    private static String utf8Text(File file, String path) throws IOException, ConfigException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InputStream in = new FileInputStream(file);
        try {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                bytes.write(buffer, 0, n);
            }
        } finally {
            in.close();
        }
        byte[] content = bytes.toByteArray();
        String text = new String(content, StandardCharsets.UTF_8);
        if (!Arrays.equals(text.getBytes(StandardCharsets.UTF_8), content)) {
            throw new ConfigException(path, "is not UTF-8 text");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte order mark, as Jackson would skip
    }

    /**
     * A {@code rules} array given as text ({@code TOKEN_AGENT_RULES}, {@code -Dtokenagent.rules}), read as the
     * file's own: errors name {@code where} and the rule's index.
     */
    static List<Map<String, Setting>> readRules(String json, String where) throws ConfigException {
        JsonConfigFile config = new JsonConfigFile(where);
        JsonParser parser = null;
        try {
            parser = JsonText.parser(json);
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new ConfigException(where, "must be a JSON array of rule objects");
            }
            config.readRules(parser);
            if (parser.nextToken() != null) {
                throw new ConfigException(at(where, parser.getCurrentLocation()), "text after the JSON array");
            }
            return config.rules;
        } catch (JsonParseException e) {
            throw notJson(where, e);
        } catch (IOException e) {
            throw new ConfigException(where, "cannot be read: " + e.getMessage());
        } finally {
            close(parser);
        }
    }

    private static ConfigException notJson(String where, JsonParseException e) {
        String what = e.getOriginalMessage();
        int newline = what.indexOf('\n');
        return new ConfigException(at(where, e.getLocation()),
                "not valid JSON: " + (newline < 0 ? what : what.substring(0, newline)));
    }

    private static void close(JsonParser parser) {
        if (parser != null) {
            try {
                parser.close();
            } catch (IOException ignored) {
                // nothing to do: we have read what we need
            }
        }
    }

    private void readTopLevel(JsonParser parser) throws IOException, ConfigException {
        boolean rulesSeen = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.getCurrentName();
            if (settings.containsKey(key) || key.equals("rules") && rulesSeen) {
                throw givenTwice(parser, key);
            }
            rulesSeen |= key.equals("rules");
            JsonToken value = parser.nextToken();
            if (key.equals("rules")) {
                if (value != JsonToken.START_ARRAY) {
                    throw new ConfigException(path + ": rules", "must be an array of rule objects");
                }
                readRules(parser);
            } else {
                settings.put(key, scalar(parser, value, path + ": " + key));
            }
        }
    }

    private void readRules(JsonParser parser) throws IOException, ConfigException {
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            String name = "rules[" + rules.size() + "]";
            if (token != JsonToken.START_OBJECT) {
                throw new ConfigException(path + ": " + name, "must be an object with match and resource");
            }
            Map<String, Setting> rule = new LinkedHashMap<String, Setting>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.getCurrentName();
                if (rule.containsKey(key)) {
                    throw givenTwice(parser, key);
                }
                rule.put(key, scalar(parser, parser.nextToken(), path + ": " + name + "." + key));
            }
            rules.add(rule);
        }
    }

    private static Setting scalar(JsonParser parser, JsonToken token, String where) throws IOException,
            ConfigException {
        switch (token) {
            case VALUE_STRING:
                return new Setting(parser.getText(), where, Setting.Kind.STRING);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Setting(parser.getText(), where, Setting.Kind.NUMBER);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Setting(parser.getText(), where, Setting.Kind.BOOLEAN);
            default:
                throw new ConfigException(where, "must be a string, number or boolean");
        }
    }

    /** Called with the parser on the repeated key's name. */
    private ConfigException givenTwice(JsonParser parser, String key) {
        return new ConfigException(at(path, parser.getTokenLocation()), "key \"" + key + "\" given twice");
    }

    private static String at(String path, JsonLocation location) {
        return path + " line " + location.getLineNr() + " column " + location.getColumnNr();
    }
}
