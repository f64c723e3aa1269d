package org.backprop.data;

/**
 * Bad input in a file we were asked to read: the message is one line naming the file, the byte
 * offset or row where it can, and what is wrong. Unchecked, so that callers (the command line)
 * catch it in one place and turn it into an exit code.
 */
public class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
