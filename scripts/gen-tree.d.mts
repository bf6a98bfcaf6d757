export declare const RESOURCES_PER_NAMESPACE: number;
export declare function generateTree(dir: string, resources: number): { files: number; resources: number; namespaces: number };
