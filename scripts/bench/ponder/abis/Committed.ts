export const CommittedAbi = [
  {
    type: "event",
    name: "Committed",
    anonymous: false,
    inputs: [
      { name: "marketId", type: "uint256", indexed: true },
      { name: "curator", type: "address", indexed: true },
      { name: "commitment", type: "bytes32", indexed: false },
      { name: "stake", type: "uint256", indexed: false },
      { name: "totalStaked", type: "uint256", indexed: false },
    ],
  },
] as const;
