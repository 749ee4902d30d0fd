// RequestLog keeps every request the API server answered, so tests can assert on the traffic
// a client generated (which patch type helm sent, how many polls a waiter made...).

/** RequestRecord is one answered request. */
export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  accept?: string;
  userAgent?: string;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
  /** True for watch requests; their status is logged when the stream starts. */
  watch: boolean;
}

/** RequestLog is the in-memory list of RequestRecords, oldest first. */
export class RequestLog {
  readonly records: RequestRecord[] = [];

  add(record: RequestRecord): void {
    this.records.push(record);
  }

  /** find returns the records matching a method and a path pattern. */
  find(method: string | undefined, path: RegExp): RequestRecord[] {
    return this.records.filter((r) => (!method || r.method === method) && path.test(r.path));
  }

  clear(): void {
    this.records.length = 0;
  }
}
