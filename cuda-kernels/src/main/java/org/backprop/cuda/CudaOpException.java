package org.backprop.cuda;

/** A CUDA call made for a backend op failed; the message names the op and the CUDA error. */
public class CudaOpException extends RuntimeException {

    public CudaOpException(String message, Throwable cause) {
        super(message, cause);
    }
}
