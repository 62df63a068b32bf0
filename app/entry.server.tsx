import { Writable } from "node:stream";
import { constants as zlibConstants, gzipSync } from "node:zlib";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "~/utils/nonce";
import { answerOf } from "~/utils/http.server";
import { acceptsGzip, withoutNulBytes } from "~/utils/render-output.server";
import { isKeptWhileUnchanged } from "~/utils/kept-page";

const ABORT_DELAY = 5_000;
const GZIP_FROM_BYTES = 1024;

/**
 * Renders the whole document, then answers with it in one piece. Nothing in the app streams
 * (no defer/Suspense of its own), and Remix's single-fetch data arrives within the same
 * render, so waiting for all of it costs nothing; one body chunk instead of dozens saves the
 * per-chunk work of every stream stage on the way out (web stream, compression, socket).
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const chunks: Uint8Array[] = [];
    const sink = new Writable({
      // React aborts a render whose destination closes; this one closes only after the whole page
      // was taken, and the abort would only build an error nobody sees.
      emitClose: false,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(withoutNulBytes(chunk));
        callback();
      },
      final(callback) {
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        settled = true;
        // A stream of one chunk: a Buffer body would be copied once more by Response.
        let document = Buffer.concat(chunks);
        chunks.length = 0;
        // Compressed here in one call, at the fastest level (the server's compression middleware
        // leaves an encoded answer alone): a compression stream per page costs several times more.
        if (document.length >= GZIP_FROM_BYTES && acceptsGzip(request.headers.get("Accept-Encoding"))) {
          document = gzipSync(document, { level: zlibConstants.Z_BEST_SPEED });
          responseHeaders.set("Content-Encoding", "gzip");
          responseHeaders.append("Vary", "Accept-Encoding");
        }
        responseHeaders.set("Content-Length", String(document.length));
        // A page that rendered in full, sets no cookie and shows nothing but what its key names
        // may be sent again under it.
        if (responseStatusCode === 200 && !responseHeaders.has("Set-Cookie") && nonce && keptWhileUnchanged(remixContext)) {
          loadContext.keepPage?.({
            body: document,
            contentType: "text/html; charset=utf-8",
            contentEncoding: responseHeaders.get("Content-Encoding"),
            nonce,
          });
        }
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(document);
            controller.close();
          },
        });
        resolve(new Response(body, { headers: responseHeaders, status: responseStatusCode }));
        callback();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          clearTimeout(timer);
          pipe(sink);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          settled = true;
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (settled) console.error(error);
        },
      },
    );
    const timer = setTimeout(abort, ABORT_DELAY);
  });
}

/** Every route of the page declares it shows only what a kept page's key names (app/utils/kept-page.ts). */
function keptWhileUnchanged(context: EntryContext): boolean {
  return context.staticHandlerContext.matches.every((match) => isKeptWhileUnchanged(context.routeModules[match.route.id]?.handle));
}

/**
 * The status of a response a loader or action threw on purpose (a redirect, a 403 for the wrong
 * role, a 404, a 409): `data(…, { status })`, a Response or a route error response.
 */
function thrownStatus(error: unknown): number | null {
  if (error instanceof Response) return error.status;
  if (isRouteErrorResponse(error)) return error.status;
  const answer = answerOf(error);
  return answer ? answer.status || 500 : null;
}

function describeThrown(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

export function handleError(error: unknown, { request, context }: { request: Request; context: AppLoadContext }) {
  // Aborted requests and the app's own refusals (wrong role, unknown id, stale edit) are answers
  // the user sees explained on the page, not errors worth a log line. A 405 is kept: Remix's
  // answer to a form posted to a route without an action, i.e. a page pointing at the wrong route.
  const status = thrownStatus(error);
  if (request.signal.aborted || (status !== null && status < 500 && status !== 405)) return;
  // One structured line, with the request id the error page shows the user.
  const detail = error instanceof Error ? (error.stack ?? error.message) : describeThrown(error);
  process.stderr.write(
    `${JSON.stringify({ t: new Date().toISOString(), level: "error", id: context?.requestId ?? null, path: new URL(request.url).pathname, error: detail })}\n`,
  );
}
