// A part loaded on demand (app/components/on-demand.tsx) is drawn in full by the server, wanted
// or not: without JavaScript the board's 督办灯规则 form, legend and notes are all there.
import { Writable } from "node:stream";
import { createElement, type ReactNode } from "react";
import { renderToPipeableStream } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { onDemand } from "~/components/on-demand";

function render(element: ReactNode): Promise<string> {
  return new Promise((resolve, reject) => {
    let html = "";
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        html += chunk.toString();
        done();
      },
    });
    sink.on("finish", () => resolve(html));
    const { pipe } = renderToPipeableStream(element, { onAllReady: () => pipe(sink), onError: reject });
  });
}

const parts = { Note: ({ text }: { text: string }) => createElement("p", { className: "note" }, text) };
type Parts = typeof parts;

function part(source: ReturnType<typeof onDemand<Parts>>, when: boolean) {
  return createElement(source.Part, {
    when,
    render: (module: Parts) => createElement(module.Note, { text: "督办灯怎么判定" }),
    pending: "正在加载…",
    failed: "未能加载",
  });
}

describe("a part loaded on demand, on the server", () => {
  it("is drawn in full whether wanted or not, in its display-contents wrapper", async () => {
    const source = onDemand(() => Promise.resolve(parts));
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const when of [false, true]) {
      const html = await render(part(source, when));
      expect(html).toMatch(/^<div id="[^"]+" class="on-demand"><p class="note">督办灯怎么判定<\/p><\/div>$/);
    }
  });

  it("waits for a module that is not in yet, and still writes the part in place (no script needed to show it)", async () => {
    const source = onDemand(() => new Promise<Parts>((resolve) => setTimeout(() => resolve(parts), 20)));
    const html = await render(part(source, false));
    expect(html).toContain('<p class="note">督办灯怎么判定</p>');
    expect(html).not.toContain("正在加载");
    expect(html).not.toContain("<template");
    expect(html).not.toContain("<script");
  });

  it("says so, instead of waiting forever, when the module cannot be loaded", async () => {
    const source = onDemand<Parts>(() => Promise.reject(new Error("gone")));
    const html = await render(part(source, true));
    expect(html).toContain("未能加载");
  });
});
