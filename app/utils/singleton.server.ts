// One instance per process, even when the module is loaded twice (once by the server
// entry under tsx and once inside the Remix server bundle) or re-evaluated in dev.
export function singleton<T>(name: string, create: () => T): T {
  const registry = globalThis as unknown as { __appSingletons?: Map<string, unknown> };
  registry.__appSingletons ??= new Map();
  if (!registry.__appSingletons.has(name)) registry.__appSingletons.set(name, create());
  return registry.__appSingletons.get(name) as T;
}

export function peekSingleton<T>(name: string): T | undefined {
  const registry = globalThis as unknown as { __appSingletons?: Map<string, unknown> };
  return registry.__appSingletons?.get(name) as T | undefined;
}

export function forgetSingleton(name: string): void {
  const registry = globalThis as unknown as { __appSingletons?: Map<string, unknown> };
  registry.__appSingletons?.delete(name);
}
