package com.virtuoso.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The text of a config file, read as Spring reads it: UTF-8. A file in another encoding (a
 * Latin-1 comment, say) is refused with the line of the first byte that is not UTF-8, rather than
 * a decoder's exception, or worse, text with a replacement character written back by an update.
 */
public final class ConfigText {

    private ConfigText() {
    }

    /**
     * The text of {@code file}.
     * @throws UnusableConfigFileException when it is not UTF-8
     */
    public static String read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                line += (bytes[i] == '\n') ? 1 : 0;
            }
            throw new UnusableConfigFileException(file + " is not UTF-8 text: byte 0x"
                    + String.format("%02X", bytes[offset] & 0xFF) + " on line " + line + " cannot be read, and Spring "
                    + "reads config files as UTF-8. Fix: save it as UTF-8 (for a Latin-1 file: iconv -f latin1 -t "
                    + "utf-8 " + file + " > " + file + ".utf8, then move that over it). Nothing was changed.");
        }
        return out.flip().toString();
    }

}
