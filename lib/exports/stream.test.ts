import { describe, expect, it } from "vitest";
import { textStream } from "./stream";

describe("textStream", () => {
  it("streams every chunk in order", async () => {
    const body = textStream(async (write) => {
      for (let i = 0; i < 100; i++) await write(`${i}\n`);
    });
    const text = await new Response(body).text();
    expect(text.split("\n").slice(0, -1).map(Number)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("holds the producer back until the consumer reads (bounded queue)", async () => {
    let written = 0;
    const body = textStream(async (write) => {
      for (let i = 0; i < 1000; i++) {
        await write("x");
        written++;
      }
    }, 4);
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toBeLessThan(10);
    const reader = body.getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toBeLessThan(20);
  });

  it("errors the stream when the producer fails", async () => {
    const body = textStream(async (write) => {
      await write("a");
      throw new Error("boom");
    });
    await expect(new Response(body).text()).rejects.toThrow("boom");
  });
});
