package org.backprop.io;

import org.backprop.data.DataException;

/** A checkpoint or {@code .npz} file that cannot be written or trusted; one line, naming the file. */
public class CheckpointException extends DataException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
