package org.backprop.cuda;

/** The device could not hold a requested tensor; the message gives requested and free bytes. */
public class CudaOutOfMemoryException extends RuntimeException {

    public CudaOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
