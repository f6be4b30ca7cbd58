// Types of generate-abis.mjs for the tests.
export declare const packageRoot: string;
export declare const repositoryRoot: string;
export declare const abisFile: string;
export declare const contracts: string[];
export declare function readArtifact(contract: string, root?: string): { abi: unknown[]; bytecode: { object: `0x${string}` } };
export declare function renderAbis(root?: string): string;
