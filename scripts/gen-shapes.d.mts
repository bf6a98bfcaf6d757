export declare const SHAPES: string[];
export declare function generateShape(dir: string, shape: string, resources: number): { paths?: string[]; stdin?: string; files: number; resources: number };
