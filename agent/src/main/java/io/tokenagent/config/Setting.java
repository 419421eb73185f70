package io.tokenagent.config;

/** One configuration value as written, with where it was written, for error messages. */
final class Setting {

    /** What the value was written as: a JSON file gives all three; arguments, properties and variables are text. */
    enum Kind {
        STRING, NUMBER, BOOLEAN
    }

    final String value;
    final String where;
    final Kind kind;

    Setting(String value, String where) {
        this(value, where, Kind.STRING);
    }

    Setting(String value, String where, Kind kind) {
        this.value = value;
        this.where = where;
        this.kind = kind;
    }
}
