// The address colleagues can open when nobody configured one: the LAN address, not localhost.
import { describe, expect, it } from "vitest";
import type { NetworkInterfaceInfo } from "node:os";
import { defaultServerUrl, lanUrls } from "../../app/utils/lan-address.server";

const ipv4 = (address: string, internal = false) => ({ address, family: "IPv4", internal }) as NetworkInterfaceInfo;
const ipv6 = (address: string) => ({ address, family: "IPv6", internal: false }) as NetworkInterfaceInfo;
const office = { lo: [ipv4("127.0.0.1", true)], eth0: [ipv6("fe80::1"), ipv4("192.168.1.20")] };

describe("LAN address", () => {
  it("lists the non-loopback IPv4 addresses with the port", () => {
    expect(lanUrls(3000, office)).toEqual(["http://192.168.1.20:3000"]);
    expect(lanUrls(3000, { lo: [ipv4("127.0.0.1", true)] })).toEqual([]);
  });

  it("gives the LAN address when the server listens on every interface", () => {
    expect(defaultServerUrl({ PORT: "8080" }, office)).toBe("http://192.168.1.20:8080");
    expect(defaultServerUrl({}, office)).toBe("http://192.168.1.20:3000");
  });

  it("falls back to localhost when bound to one address or there is no network", () => {
    expect(defaultServerUrl({ HOST: "127.0.0.1" }, office)).toBe("http://localhost:3000");
    expect(defaultServerUrl({}, { lo: [ipv4("127.0.0.1", true)] })).toBe("http://localhost:3000");
  });
});
