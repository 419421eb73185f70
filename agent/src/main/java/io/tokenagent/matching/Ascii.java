package io.tokenagent.matching;

/**
 * Case-insensitive comparison of ASCII text: only A-Z and a-z are folded. Never Unicode case folding, under which
 * look-alikes equal letters (the Kelvin sign U+212A is {@code k}, the long s U+017F is {@code s}, the dotless
 * U+0131 is {@code i}). Nothing here allocates unless it has to.
 */
public final class Ascii {

    private Ascii() {
    }

    /** {@code text} with A-Z made a-z; every other character as it is. */
    public static String lowerCase(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = text.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    chars[j] = lower(chars[j]);
                }
                return new String(chars);
            }
        }
        return text;
    }

    /** Whether two strings are equal ignoring the case of ASCII letters only. */
    public static boolean equalsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (lower(a.charAt(i)) != lower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code text} holds {@code lowerAscii} at {@code offset}, ignoring the case of ASCII letters. False when
     * the region has any non-ASCII character.
     *
     * @param lowerAscii ASCII, lower case
     */
    static boolean regionMatches(String text, int offset, String lowerAscii) {
        if (offset < 0 || offset + lowerAscii.length() > text.length()) {
            return false;
        }
        for (int i = 0; i < lowerAscii.length(); i++) {
            if (lower(text.charAt(offset + i)) != lowerAscii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} from {@code start} (inclusive) to {@code end} is all ASCII. */
    static boolean isAscii(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
