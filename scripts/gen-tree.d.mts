export declare const RESOURCES_PER_NAMESPACE: number;
export declare function generateTree(dir: string, resources: number): { files: number; resources: number; namespaces: number };
export declare function treeFiles(resources: number): { files: { path: string; docs: string[] }[]; namespaces: number };
