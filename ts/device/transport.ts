/**
 * A byte link to a device interpreter: a child process's stdio (native-sim), a pseudo-terminal,
 * a serial port, QEMU's UART, or a fault-injecting wrapper around any of them. The protocol client
 * only sees this interface, so a local run and a board run differ only in the transport.
 */
export interface TransportClosed {
  /** Why the link ended: "peer closed", "process exited with code 3", "port removed", … */
  readonly reason: string;
  /** The error that ended it, when one did. */
  readonly error?: Error;
}

export interface Transport {
  /** For messages: "native-sim (stdio)", "/dev/pts/4", "qemu mps2-an386 serial0". */
  readonly description: string;
  /**
   * Sends bytes; resolves when the bytes were handed to the OS (not when the device read them).
   * Rejects once the transport is closed.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Registers a receiver of every chunk that arrives from now on; returns its removal. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Closes the link and releases what it holds (file descriptors, child processes). Idempotent. */
  close(): Promise<void>;
  /** Settles when the link ends, whoever ended it. Never rejects. */
  readonly closed: Promise<TransportClosed>;
}
