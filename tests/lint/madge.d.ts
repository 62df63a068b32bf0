// The part of madge's API that import-cycles.ts uses (madge ships no types).
declare module "madge" {
  interface MadgeResult {
    circular(): string[][];
    obj(): Record<string, string[]>;
    warnings(): { skipped: string[] };
  }
  export default function madge(
    path: string,
    config?: { fileExtensions?: string[]; tsConfig?: string; excludeRegExp?: RegExp[] },
  ): Promise<MadgeResult>;
}
