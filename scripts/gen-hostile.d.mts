export declare const SE: (name: string) => string;
export declare const WIDE: string;
export declare const BIG_LINES: number;
export declare const DEPTH: number;
export declare function writeExhaustionCases(dir: string, limits: { maxInputBytes: number; maxTokens: number }): string[];
export declare function writeManySmallFiles(dir: string, n: number, broken: number | undefined): string | undefined;
