/**
 * The broker source (DESIGN §9): the events stream of a feature, read from a stream id — what is
 * there, then (following) each new entry — as batches of pipeline inputs. Each event carries its
 * entry id (`streamId`), so the checkpoint stores where the fold stands in the stream and a
 * restart resumes exactly; a malformed entry is a rejection, counted and quarantined like a bad line.
 */
import * as E from 'fp-ts/Either';
import { Observable } from 'rxjs';
import type { DecodeOptions } from '../events/decode';
import { connectBroker } from '../broker/lazyConnect';
import { decodeEntry, entryText } from '../broker/eventEntry';
import { runKeys } from '../broker/keys';
import { readStream, type StreamEntry } from '../broker/readStream';
import type { BrokerUrl } from '../broker/url';
import type { SourceInput } from './inputs';

export interface BrokerSourceOptions extends DecodeOptions {
  readonly url: BrokerUrl;
  readonly feature: string;
  /** Entries after this id ('0': the whole stream). */
  readonly after: string;
  readonly follow: boolean;
  /** Ends the source (following). */
  readonly stop: Observable<void>;
  readonly onStatus?: (message: string) => void;
}

export function entryInput(entry: StreamEntry, options: DecodeOptions): SourceInput {
  const [streamId, fields] = entry;
  const decoded = decodeEntry(fields, options);
  if (E.isRight(decoded)) return { kind: 'event', event: decoded.right, streamId };
  return { kind: 'rejected', reason: decoded.left.reason, detail: `entry ${streamId}: ${decoded.left.detail}`, line: entryText(fields) };
}

export function brokerEventBatches(options: BrokerSourceOptions): Observable<SourceInput[]> {
  return new Observable<SourceInput[]>((subscriber) => {
    const conn = connectBroker(options.url, options.onStatus ? { onStatus: options.onStatus } : {});
    const decodeOptions: DecodeOptions = options.naiveTz !== undefined ? { naiveTz: options.naiveTz } : {};
    const reader = readStream(conn, runKeys(options.feature).events, {
      after: options.after,
      follow: options.follow,
      onBatch: (entries) => subscriber.next(entries.map((e) => entryInput(e, decodeOptions))),
      onCaughtUp: () => subscriber.next([{ kind: 'caught_up', source: 'broker' }]),
    });
    const stopSub = options.stop.subscribe(() => reader.stop());
    reader.done.then(
      () => {
        void conn.close();
        subscriber.complete();
      },
      (err: unknown) => {
        void conn.close();
        subscriber.error(err);
      },
    );
    return () => {
      stopSub.unsubscribe();
      reader.stop();
    };
  });
}
