package io.tokenagent.config;

/** One configuration value as written, with where it was written, for error messages. */
final class Setting {

    final String value;
    final String where;

    Setting(String value, String where) {
        this.value = value;
        this.where = where;
    }
}
