package com.virtuoso.security;

import java.util.function.Predicate;

/**
 * The characters Spring Security's {@code StrictHttpFirewall} allows in header names and values,
 * checked without a regular expression. The firewall checks every header name and value each
 * time anything reads it, with {@code [\p{IsAssigned}&&[^\p{IsControl}]]*} (names) and the same
 * with tab allowed (values); on a health check that matching cost more than the rest of the
 * firewall (JFR, bench/ThroughputBenchmark). These predicates accept exactly the same strings:
 * every code point assigned in Unicode and not a control character (tab allowed in values).
 */
enum HeaderCharacters implements Predicate<String> {

    /** Header (and parameter) names: assigned, not control. */
    NAME(false),

    /** Header values: assigned, not control, or a tab. */
    VALUE(true);

    private final boolean tabAllowed;

    HeaderCharacters(boolean tabAllowed) {
        this.tabAllowed = tabAllowed;
    }

    @Override
    public boolean test(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                continue; // printable ASCII, nearly every character of every header
            }
            int codePoint = text.codePointAt(i);
            if (!allowed(codePoint)) {
                return false;
            }
            i += Character.charCount(codePoint) - 1;
        }
        return true;
    }

    private boolean allowed(int codePoint) {
        int type = Character.getType(codePoint);
        return (type != Character.UNASSIGNED && type != Character.CONTROL) || (this.tabAllowed && codePoint == '\t');
    }

}
