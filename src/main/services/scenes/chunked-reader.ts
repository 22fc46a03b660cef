import { promises as fs } from 'node:fs';

const DEFAULT_CHUNK = 4 * 1024 * 1024;

/**
 * Reads a file forward through one reusable buffer, so binary bodies of any size are walked
 * with bounded memory. Callers look at `buf[start, end)` directly (through `view` for typed
 * reads) and call `consume` for what they have used.
 */
export class ChunkedReader {
  buf: Buffer;
  view: DataView;
  start = 0;
  end = 0;
  private filePos: number;
  private eof = false;

  private constructor(
    private readonly handle: fs.FileHandle,
    offset: number,
    chunk: number,
  ) {
    this.filePos = offset;
    this.buf = Buffer.allocUnsafe(chunk);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  static async open(file: string, offset = 0, chunk = DEFAULT_CHUNK): Promise<ChunkedReader> {
    const handle = await fs.open(file, 'r');
    return new ChunkedReader(handle, offset, chunk);
  }

  get available(): number {
    return this.end - this.start;
  }

  /** Byte offset in the file of buf[start]. */
  get position(): number {
    return this.filePos - this.available;
  }

  consume(n: number): void {
    this.start += n;
  }

  /** Move past n bytes without reading them; a skip past the end shows up as a failed fill or via `position`. */
  skip(n: number): void {
    if (n <= this.available) {
      this.start += n;
      return;
    }
    this.filePos += n - this.available;
    this.start = this.end;
  }

  /** Make at least `min` bytes available; false when the file ends first. */
  async fill(min: number): Promise<boolean> {
    while (this.available < min) {
      if (this.eof) return false;
      if (min > this.buf.byteLength) {
        // A record longer than the buffer (a huge list): grow rather than fail.
        const bigger = Buffer.allocUnsafe(Math.max(min, this.buf.byteLength * 2));
        this.buf.copy(bigger, 0, this.start, this.end);
        this.buf = bigger;
        this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
      } else if (this.start > 0) {
        this.buf.copy(this.buf, 0, this.start, this.end);
      }
      this.end -= this.start;
      this.start = 0;
      const { bytesRead } = await this.handle.read(this.buf, this.end, this.buf.byteLength - this.end, this.filePos);
      if (bytesRead === 0) this.eof = true;
      this.filePos += bytesRead;
      this.end += bytesRead;
    }
    return true;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
