// A streamed download: the producer writes text chunks; each write waits while
// the consumer's queue is full (backpressure), so memory stays bounded however
// many rows there are. A client that goes away cancels the producer.
const encoder = new TextEncoder();

export class ExportCancelled extends Error {}

/** Text is encoded as UTF-8; bytes (already UTF-8) are sent as they are. */
export type Write = (chunk: string | Uint8Array) => Promise<void>;

export function textStream(produce: (write: Write) => Promise<void>, highWaterMark = 8): ReadableStream<Uint8Array> {
  let wake: (() => void) | null = null;
  let cancelled = false;
  const resume = () => {
    wake?.();
    wake = null;
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const write: Write = async (chunk) => {
          if (cancelled) throw new ExportCancelled();
          controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
          while (!cancelled && (controller.desiredSize ?? 1) <= 0) await new Promise<void>((r) => (wake = r));
          if (cancelled) throw new ExportCancelled();
        };
        // Not awaited: start() must return so the response can begin at once.
        produce(write).then(
          () => {
            if (!cancelled) controller.close(); // a cancelled stream is closed already
          },
          (e) => {
            if (!cancelled) controller.error(e);
          },
        );
      },
      pull: resume,
      cancel() {
        cancelled = true;
        resume();
      },
    },
    { highWaterMark },
  );
}

/** A CSV attachment response; the filename is ASCII by construction. */
export function csvResponse(filename: string, body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
