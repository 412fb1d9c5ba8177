/**
 * Drives the bring-up program (targets/firmware/bringup/wrt_bringup.h) over a Transport: collects
 * the text it prints, waits for patterns, and checks the link with ENQ/ACK.
 */
import type { Transport } from '../../ts/device/transport.js';

export const ENQ = 0x05;
export const ACK = 0x06;

export class BringupSession {
  private received = '';
  private consumed = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly transport: Transport) {
    transport.onData((chunk) => {
      this.received += Buffer.from(chunk).toString('latin1');
      for (const waiter of this.waiters) waiter();
    });
  }

  /** Everything received so far. */
  text(): string {
    return this.received;
  }

  async send(text: string): Promise<void> {
    await this.transport.write(Buffer.from(text, 'latin1'));
  }

  /**
   * Waits until the text after the last match contains `pattern`; returns the match and moves past
   * it. Rejects after timeoutMs with what arrived, so a failure shows the board's output.
   */
  waitFor(pattern: RegExp, timeoutMs = 3000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const rest = this.received.slice(this.consumed);
        const match = pattern.exec(rest);
        if (match === null) return false;
        this.consumed += match.index + match[0].length;
        return done(() => resolve(match));
      };
      const timer = setTimeout(() => {
        done(() => reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; received after the last match: ${JSON.stringify(this.received.slice(this.consumed))}`)));
      }, timeoutMs);
      const waiter = (): void => {
        check();
      };
      const done = (settle: () => void): true => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        settle();
        return true;
      };
      if (!check()) this.waiters.add(waiter);
    });
  }

  /**
   * Sends ENQ every 15 ms until an ACK arrives (the first bytes after boot can take about a second
   * to get through QEMU's pty), then skips the surplus ACKs.
   */
  async sync(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const acked = this.waitFor(/\x06/, timeoutMs);
    let gotAck = false;
    void acked.then(
      () => {
        gotAck = true;
      },
      () => undefined,
    );
    while (!gotAck && Date.now() < deadline) {
      await this.send(String.fromCharCode(ENQ));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await acked;
    // ACKs for ENQs still in flight arrive later; a ping line fences them off.
    const token = String(Date.now() % 100000);
    await this.send(`ping${token}\n`);
    await this.waitFor(new RegExp(`ping${token}\\r\\nerror unknown command\\r\\n`));
  }
}
