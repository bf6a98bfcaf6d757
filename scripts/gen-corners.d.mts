export declare const CORNERS: Record<string, (n: number) => string[]>;
export declare function generateCorner(dir: string, name: string, n: number): { files: number; resources: number };
