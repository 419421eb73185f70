package io.tokenagent.config;

import java.util.Locale;

/**
 * A configuration mistake. The message is one line, {@code <where>: <what>}: where names the source and the key
 * ({@code agent argument on_failure}, {@code /etc/rules.json: rules[2].client_id}), what says what is wrong and
 * what is allowed.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String where, String what) {
        super(oneLine(where + ": " + what));
    }

    /**
     * The message with each control character shown as {@code U+XXXX}: a key or value given with a line break in
     * it (an agent argument, a variable, a JSON escape) is quoted in the message, which must stay one line.
     */
    private static String oneLine(String message) {
        StringBuilder out = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            boolean control = c < ' ' || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029;
            if (control && out == null) {
                out = new StringBuilder(message.length() + 16).append(message, 0, i);
            }
            if (out != null && control) {
                out.append("U+").append(hex4(c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? message : out.toString();
    }

    static String hex4(char c) {
        String hex = Integer.toHexString(c).toUpperCase(Locale.ROOT);
        return "0000".substring(hex.length()) + hex;
    }
}
