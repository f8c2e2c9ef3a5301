// A one-line progress bar on stderr; plain lines when stderr is not a terminal (CI logs).
export class ProgressBar {
  private lastPlain = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(label: string, done: number, total: number, rate: number | null): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const rateText = rate ? ` ${Math.round(rate).toLocaleString('en-US')} samples/s` : '';
    const text = `${label} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}${rateText}`;
    if (this.stream.isTTY) {
      const width = 28;
      const filled = Math.round(fraction * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
    } else {
      // Without a terminal, print at most every 10% so logs stay readable.
      const bucket = Math.floor(fraction * 10);
      if (bucket > this.lastPlain || done === total) {
        this.lastPlain = bucket;
        this.stream.write(`${text}\n`);
      }
    }
  }

  line(text: string): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.stream.write(`${text}\n`);
    this.lastPlain = 0;
  }
}
