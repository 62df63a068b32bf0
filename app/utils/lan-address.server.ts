import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * This machine's LAN addresses (non-loopback IPv4) as http URLs on `port`: where colleagues'
 * browsers reach a server listening on every interface (HOST=0.0.0.0, the default).
 */
export function lanUrls(port: number | string, interfaces: Interfaces = networkInterfaces()): string[] {
  return Object.values(interfaces)
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === "IPv4" && !address.internal)
    .map((address) => `http://${address.address}:${port}`);
}

/**
 * The address a colleague on another machine can open, when nobody configured one: the first LAN
 * address if the server listens on every interface, else localhost (reachable only here).
 */
export function defaultServerUrl(
  env: Record<string, string | undefined> = process.env,
  interfaces: Interfaces = networkInterfaces(),
): string {
  const port = env.PORT || 3000;
  const host = env.HOST || "0.0.0.0";
  const lan = host === "0.0.0.0" ? lanUrls(port, interfaces) : [];
  return lan[0] ?? `http://localhost:${port}`;
}
