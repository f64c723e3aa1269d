package org.backprop.io;

/** An output file that cannot be written where asked; one line naming the file and the obstacle. */
public class OutputFileException extends CheckpointException {

    private static final long serialVersionUID = 1L;

    public OutputFileException(String message) {
        super(message);
    }

    public OutputFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
